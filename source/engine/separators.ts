import { gzipSync, gunzip } from 'node:zlib';
import { promisify } from 'node:util';

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

const gunzipAsync = promisify(gunzip);

/** What to write after a whole member so that records never fuse; empty when it already ends a line. */
export async function separatorAfter(data: Buffer, encoding: Encoding, key: string): Promise<Buffer> {
  if (data.length === 0) return Buffer.alloc(0);
  if (encoding === 'plain') return data[data.length - 1] === NEWLINE ? Buffer.alloc(0) : PLAIN_NEWLINE;
  let text: Buffer;
  try {
    text = await gunzipAsync(data);
  } catch (error) {
    throw new Error(
      `${key} is not valid gzip (${(error as Error).message}); nothing was changed for its period.`,
    );
  }
  return text.length === 0 || text[text.length - 1] === NEWLINE ? Buffer.alloc(0) : GZIP_NEWLINE;
}

export function separatorForLastByte(lastByte: number | undefined, encoding: Encoding): Buffer {
  if (lastByte === undefined || lastByte === NEWLINE) return Buffer.alloc(0);
  return encoding === 'plain' ? PLAIN_NEWLINE : GZIP_NEWLINE;
}
