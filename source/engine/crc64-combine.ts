/**
 * CRC-64/NVME of a concatenation from the CRCs of its pieces, so an upload computes each byte's CRC
 * once: every part carries its own CRC64NVME (S3 checks it on arrival) and the whole object's, sent
 * at Complete, comes from those. The SDK would otherwise compute each part's again, a second pass of
 * its JavaScript CRC (~470 MiB/s here) over every uploaded byte.
 *
 * zlib's crc32_combine, for 64 bits: CRC-64/NVME is reflected with all-ones init and final XOR, like
 * CRC-32, so crc(A‖B) = crc(A)·x^(8·|B|) mod P ⊕ crc(B). Polynomials are held reflected (the top bit
 * is x⁰), as the CRC values are.
 */
const POLY = 0x9a6c9329ac4bc9b5n;
const X0 = 1n << 63n;

/** a·b mod P. */
function multiplyModP(a: bigint, b: bigint): bigint {
  let product = 0n;
  for (let bit = X0; bit > 0n; bit >>= 1n) {
    if (a & bit) product ^= b;
    b = b & 1n ? (b >> 1n) ^ POLY : b >> 1n;
  }
  return product;
}

/** x^(2^k) mod P for k = 0…63: squaring the one before. */
const X_POW_2K: bigint[] = [];
for (let k = 0, x = X0 >> 1n; k < 64; k += 1, x = multiplyModP(x, x)) X_POW_2K.push(x);

/** x^(8·bytes) mod P, for bytes below 2^60 (S3 objects end at 5 TiB). */
function shiftFor(bytes: number): bigint {
  let power = X0;
  let k = 3; // 8 = 2^3 bits a byte
  for (let n = BigInt(bytes); n > 0n; n >>= 1n, k += 1) if (n & 1n) power = multiplyModP(X_POW_2K[k]!, power);
  return power;
}

/** The CRC of A‖B, given the CRC of A, the CRC of B and B's length in bytes. */
export function combineCrc64(first: bigint, second: bigint, secondBytes: number): bigint {
  return multiplyModP(shiftFor(secondBytes), first) ^ second;
}

/** A CRC as S3 writes it (base64 of its 8 bytes, most significant first), and back. */
export function crc64FromBytes(bytes: Uint8Array): bigint {
  return Buffer.from(bytes).readBigUInt64BE(0);
}

export function crc64ToBase64(crc: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(crc);
  return bytes.toString('base64');
}
