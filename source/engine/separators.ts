import { gzipSync } from 'node:zlib';
import { lastGzipByte } from './gzip-inspector.js';

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

/** What to write after a whole member so that records never fuse; empty when it already ends a line. */
export async function separatorAfter(data: Buffer, encoding: Encoding, key: string): Promise<Buffer> {
  if (data.length === 0) return Buffer.alloc(0);
  if (encoding === 'plain') return separatorForLastByte(data[data.length - 1], 'plain');
  return separatorForLastByte(await lastGzipByte(data, key), 'gzip');
}

export function separatorForLastByte(lastByte: number | undefined, encoding: Encoding): Buffer {
  if (lastByte === undefined || lastByte === NEWLINE) return Buffer.alloc(0);
  return encoding === 'plain' ? PLAIN_NEWLINE : GZIP_NEWLINE;
}
