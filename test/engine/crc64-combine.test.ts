import { Crc64Nvme } from '@aws-sdk/checksums/crc';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { combineCrc64, crc64FromBytes, crc64ToBase64 } from '../../source/engine/crc64-combine.js';

async function crc64(data: Uint8Array): Promise<bigint> {
  const checksum = new Crc64Nvme();
  checksum.update(data);
  return crc64FromBytes(await checksum.digest());
}

describe('combineCrc64', () => {
  it('reads the CRC as S3 writes it (the CRC-64/NVME check value of "123456789")', async () => {
    const crc = await crc64(Buffer.from('123456789'));
    expect(crc).toBe(0xae8b14860a799888n);
    expect(crc64ToBase64(crc)).toBe(Buffer.from('ae8b14860a799888', 'hex').toString('base64'));
  });

  it.each([0, 1, 7, 8, 1000, 65_537, 5 * 1024 * 1024])(
    'gives the CRC of A‖B from the CRCs of A and B (B of %i bytes)',
    async (secondBytes) => {
      const first = randomBytes(3000);
      const second = randomBytes(secondBytes);
      const whole = await crc64(Buffer.concat([first, second]));
      expect(combineCrc64(await crc64(first), await crc64(second), secondBytes)).toBe(whole);
    },
  );

  it('folds many parts in order into the CRC of them all', async () => {
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024), randomBytes(12_345)];
    // Folding starts from the CRC of no bytes, which is 0 (the upload starts there).
    let folded = await crc64(Buffer.alloc(0));
    expect(folded).toBe(0n);
    for (const part of parts) folded = combineCrc64(folded, await crc64(part), part.length);
    expect(folded).toBe(await crc64(Buffer.concat(parts)));
  });
});
