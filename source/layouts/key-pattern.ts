import type { KeyField } from './types.js';

/** Shared pieces of AWS log key patterns. */
export const REGION = String.raw`[a-z]{2}(?:-[a-z]+)+-\d`;
export const ACCOUNT = String.raw`\d{12}`;
/** S3 access logs end in a 16-character unique string (upper-case hex in practice). */
export const UNIQUE16 = String.raw`[0-9A-Za-z]{16}`;

export function utcDate(
  yyyy: string,
  mm: string,
  dd: string,
  hh = '00',
  mi = '00',
  ss = '00',
): Date | undefined {
  const date = new Date(`${yyyy}-${mm}-${dd}T${hh}:${mi}:${ss}Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  // Reject rolled-over dates such as 2024-02-30.
  if (date.toISOString().slice(0, 19) !== `${yyyy}-${mm}-${dd}T${hh}:${mi}:${ss}`) return undefined;
  return date;
}

/** Fields from named groups in order; the caller asserts they concatenate back to the key. */
export function fieldsOf(parts: ReadonlyArray<readonly [KeyField['name'], string | undefined]>): KeyField[] {
  return parts
    .filter(([, text]) => text !== undefined && text !== '')
    .map(([name, text]) => ({ name, text: text! }));
}

/** Immediate children that look like `<value>/` and match a pattern, without the parent prefix. */
export function childNames(prefixes: readonly string[], parent: string, pattern: RegExp): string[] {
  return prefixes
    .filter((prefix) => prefix.startsWith(parent) && prefix.endsWith('/'))
    .map((prefix) => prefix.slice(parent.length, -1))
    .filter((name) => pattern.test(name));
}

/**
 * `20240501T1305Z` in a file name (named groups `stamp`, `Y`, `M`, `D`, `h`, `m`): the minute a file's
 * interval ends (load balancers) or starts (VPC Flow Logs, CloudTrail).
 */
export const MINUTE_STAMP = String.raw`(?<stamp>(?<Y>\d{4})(?<M>\d{2})(?<D>\d{2})T(?<h>\d{2})(?<m>\d{2})Z)`;
