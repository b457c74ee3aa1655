import { Spinner } from '@inkjs/ui';

/** Something is being fetched; says what. */
export function Busy({ label }: { readonly label: string }) {
  return <Spinner label={label} />;
}
