/** `s3://BUCKET/KEY` split into its bucket and key; undefined when it names no object. */
export function s3UrlParts(value: string): { readonly bucket: string; readonly key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(value);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}
