/**
 * Hex encoding for keys, hashes and signatures: `toHex` always writes `0x`-prefixed lowercase hex;
 * `fromHex` is strict (optional `0x`, even length, hex digits only) so bad input never decodes silently.
 */
import { usageError } from '../core/errors.js';

const HEX_RE = /^[0-9a-fA-F]*$/;

export function toHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/** True when `str` is `0x`-prefixed hex, and exactly `byteLength` bytes long when one is given. */
export function isHex(str: unknown, byteLength?: number): str is string {
  if (typeof str !== 'string' || !str.startsWith('0x')) return false;
  const digits = str.length - 2;
  if (digits % 2 !== 0 || (byteLength !== undefined && digits !== byteLength * 2)) return false;
  return HEX_RE.test(str.slice(2));
}

/** Decodes hex with or without `0x`; throws E_BAD_HEX (exit 2) on odd length or a non-hex digit. */
export function fromHex(str: string): Uint8Array {
  const digits = str.startsWith('0x') || str.startsWith('0X') ? str.slice(2) : str;
  if (digits.length % 2 !== 0)
    throw usageError('E_BAD_HEX', `hex has an odd number of digits (${digits.length})`);
  if (!HEX_RE.test(digits)) throw usageError('E_BAD_HEX', 'hex contains a character that is not 0-9 or a-f');
  return new Uint8Array(Buffer.from(digits, 'hex'));
}
