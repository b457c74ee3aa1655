import { gzipSync } from 'node:zlib';

export type Encoding = 'gzip' | 'plain';

const NEWLINE = 0x0a;
export const PLAIN_NEWLINE = Buffer.from('\n');
/**
 * A complete gzip member holding `\n`. Gzip members concatenate into one valid stream, so appending this
 * after a gzip input that does not end in a newline keeps its last record from fusing with the next.
 * Node writes MTIME 0, so the bytes are the same on every run.
 */
export const GZIP_NEWLINE = gzipSync(PLAIN_NEWLINE);

export function encodingOf(firstBytes: Uint8Array): Encoding {
  return firstBytes[0] === 0x1f && firstBytes[1] === 0x8b ? 'gzip' : 'plain';
}

export function separatorForLastByte(lastByte: number | undefined, encoding: Encoding): Buffer {
  if (lastByte === undefined || lastByte === NEWLINE) return Buffer.alloc(0);
  return encoding === 'plain' ? PLAIN_NEWLINE : GZIP_NEWLINE;
}
