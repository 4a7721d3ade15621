/**
 * SS58 addresses (Substrate's account format): base58 of prefix ‖ 32-byte public key ‖ checksum, where the
 * checksum is the first 2 bytes of blake2b-512("SS58PRE" ‖ prefix ‖ key). tao uses prefix 42 ("5…").
 */
import { createHash } from 'node:crypto';
import { base58 } from '@scure/base';
import { usageError } from '../core/errors.js';

export const DEFAULT_SS58_PREFIX = 42;
const SS58PRE = new TextEncoder().encode('SS58PRE');

function prefixBytes(prefix: number): Uint8Array {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 16383 || prefix === 46 || prefix === 47)
    throw new RangeError(`SS58 prefix must be 0..16383 (not 46/47), got ${prefix}`);
  if (prefix < 64) return new Uint8Array([prefix]);
  return new Uint8Array([((prefix & 0xfc) >> 2) | 0x40, (prefix >> 8) | ((prefix & 0x03) << 6)]);
}

/** blake2b-512 through node:crypto (OpenSSL's, the same digest as noble's at a third of its cost). */
function checksum(body: Uint8Array): Uint8Array {
  return createHash('blake2b512').update(SS58PRE).update(body).digest().subarray(0, 2);
}

export function encodeAddress(publicKey: Uint8Array, prefix: number = DEFAULT_SS58_PREFIX): string {
  if (publicKey.length !== 32)
    throw new RangeError(`an account public key is 32 bytes, got ${publicKey.length}`);
  const pre = prefixBytes(prefix);
  const body = new Uint8Array(pre.length + 32);
  body.set(pre, 0);
  body.set(publicKey, pre.length);
  const out = new Uint8Array(body.length + 2);
  out.set(body, 0);
  out.set(checksum(body), body.length);
  return base58.encode(out);
}

const badAddress = (message: string) => usageError('E_BAD_ADDRESS', message);
const BASE58_RE = /^[1-9A-HJ-NP-Za-km-z]{1,50}$/;
/** Quotes the input only when it looks like an address, so a pasted mnemonic or secret is never echoed. */
const shown = (address: string) => (BASE58_RE.test(address) ? `"${address}"` : 'the address');

/** Decodes an SS58 address to its 32-byte public key; throws E_BAD_ADDRESS (exit 2) saying what is wrong. */
export function decodeAddress(address: string, expectedPrefix: number = DEFAULT_SS58_PREFIX): Uint8Array {
  if (typeof address !== 'string' || address.length === 0)
    throw badAddress('address is empty: expected an SS58 address such as 5F…');
  let data: Uint8Array;
  try {
    data = base58.decode(address);
  } catch {
    throw badAddress(
      `${shown(address)} is not valid base58 (SS58 addresses use 1-9, A-Z and a-z without 0, O, I, l)`,
    );
  }
  if (data.length === 0) throw badAddress(`${shown(address)} decodes to nothing`);
  const twoBytePrefix = (data[0]! & 0x40) !== 0;
  const preLen = twoBytePrefix ? 2 : 1;
  if (data.length !== preLen + 32 + 2)
    throw badAddress(
      `${shown(address)} has the wrong length: ${data.length} bytes decoded, an account address has ${preLen + 34}`,
    );
  const prefix = twoBytePrefix
    ? ((data[0]! & 0x3f) << 2) | (data[1]! >> 6) | ((data[1]! & 0x3f) << 8)
    : data[0]!;
  const body = data.subarray(0, preLen + 32);
  const sum = checksum(body);
  if (sum[0] !== data[preLen + 32] || sum[1] !== data[preLen + 33])
    throw badAddress(`${shown(address)} has a bad checksum: a character is mistyped or missing`);
  if (prefix !== expectedPrefix)
    throw badAddress(
      `${shown(address)} is for network prefix ${prefix}, expected prefix ${expectedPrefix} (tao addresses start with 5)`,
    );
  return data.slice(preLen, preLen + 32);
}

export function isValidAddress(address: string, expectedPrefix: number = DEFAULT_SS58_PREFIX): boolean {
  try {
    decodeAddress(address, expectedPrefix);
    return true;
  } catch {
    return false;
  }
}
