import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inspectGzip } from '../../source/engine/gzip-inspector.js';

const lastGzipByte = async (data: Buffer, key: string): Promise<number | undefined> =>
  (await inspectGzip(data, key)).lastByte;

// Three ways through: a small input inflated in one call, a small one whose text is too large to
// hold (a 20 MiB line of one letter gzips to ~20 KiB), and an input too large for one call.
const shapes: [string, (text: Buffer) => Buffer][] = [
  ['small input, small text', (text) => gzipSync(text)],
  [
    'small input, 20 MiB of text',
    (text) => gzipSync(Buffer.concat([Buffer.alloc(20 * 1024 * 1024, 'a'), text])),
  ],
  ['1.5 MiB input', (text) => gzipSync(Buffer.concat([randomBytes(1536 * 1024), text]))],
];

describe.each(shapes)('inspectGzip: %s', (_, gzipOf) => {
  it('gives the last byte of the text', async () => {
    expect(await lastGzipByte(gzipOf(Buffer.from('{"Records":[]}')), 'k')).toBe('}'.charCodeAt(0));
    expect(await lastGzipByte(gzipOf(Buffer.from('line\n')), 'k')).toBe(0x0a);
  });

  it('hashes the text it inflates when asked, from the same inflate', async () => {
    const text = Buffer.from('{"Records":[{"eventName":"PutObject"}]}');
    const data = gzipOf(text);
    const { lastByte, sha256 } = await inspectGzip(data, 'k', true);
    expect(lastByte).toBe('}'.charCodeAt(0));
    expect(sha256).toBe(createHash('sha256').update(gunzipSync(data)).digest('hex'));
    expect((await inspectGzip(data, 'k')).sha256).toBeUndefined();
  });

  it('reads every member of a multi-member input', async () => {
    const data = Buffer.concat([gzipOf(Buffer.from('first\n')), gzipSync('second')]);
    expect(await lastGzipByte(data, 'k')).toBe('d'.charCodeAt(0));
  });

  it('refuses bytes after the gzip data, saying how many', async () => {
    const data = Buffer.concat([gzipOf(Buffer.from('x\n')), Buffer.alloc(5)]);
    await expect(lastGzipByte(data, 'the-key')).rejects.toMatchObject({
      code: 'gzip-trailing-bytes',
      message: expect.stringMatching(/^the-key has 5 bytes after its gzip data/),
    });
  });

  it('refuses a corrupt input', async () => {
    const data = gzipOf(Buffer.from('x\n'));
    data[data.length - 6]! ^= 0xff; // inside the CRC-32 of the trailer
    await expect(lastGzipByte(data, 'the-key')).rejects.toMatchObject({ code: 'gzip-corrupt' });
  });
});
