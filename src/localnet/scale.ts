/** The little SCALE the genesis builder needs: compact lengths, byte vectors and Option<Vec<u8>>. */
import { compactLength } from '../crypto/derive.js';

/** Decodes a SCALE compact integer at `offset`: its value and how many bytes it took. */
export function decodeCompact(bytes: Uint8Array, offset = 0): { value: number; length: number } {
  const b0 = bytes[offset];
  if (b0 === undefined) throw new RangeError('compact: no bytes');
  switch (b0 & 3) {
    case 0:
      return { value: b0 >> 2, length: 1 };
    case 1:
      return { value: (b0 | (bytes[offset + 1]! << 8)) >> 2, length: 2 };
    case 2:
      return {
        value:
          (b0 | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 2,
        length: 4,
      };
    default: {
      const n = (b0 >> 2) + 4;
      let value = 0n;
      for (let i = n; i >= 1; i--) value = (value << 8n) | BigInt(bytes[offset + i]!);
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('compact: value too large');
      return { value: Number(value), length: n + 1 };
    }
  }
}

/** SCALE Vec<u8>: compact length ‖ bytes. */
export function encodeBytes(data: Uint8Array): Uint8Array {
  const len = compactLength(data.length);
  const out = new Uint8Array(len.length + data.length);
  out.set(len, 0);
  out.set(data, len.length);
  return out;
}

/** SCALE Vec<u8> at `offset`. */
export function decodeBytes(bytes: Uint8Array, offset = 0): Uint8Array {
  const { value, length } = decodeCompact(bytes, offset);
  const start = offset + length;
  if (start + value > bytes.length) throw new RangeError('bytes: length runs past the end');
  return bytes.subarray(start, start + value);
}

/** SCALE Option<Vec<u8>>: undefined for None. */
export function decodeOptionBytes(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes[0] === 0) return undefined;
  if (bytes[0] !== 1) throw new RangeError(`option: bad tag ${bytes[0]}`);
  return decodeBytes(bytes, 1);
}
