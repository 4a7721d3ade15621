/**
 * Substrate secret URIs and derivation junctions: `<phrase|0xseed>//hard/soft///password`.
 * A junction's chain code is its SCALE encoding (u64 LE when numeric, compact-length-prefixed UTF-8
 * otherwise), zero-padded to 32 bytes, or blake2b-256 of it when longer. Errors never echo the URI.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { usageError } from '../core/errors.js';

/** Substrate's well-known development phrase; `//Alice` is `${DEV_PHRASE}//Alice`. */
export const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

export interface Junction {
  hard: boolean;
  chainCode: Uint8Array; // 32 bytes
}

export interface SecretUri {
  phrase: string; // a mnemonic or 0x-hex mini-secret
  junctions: Junction[];
  password: string | undefined;
}

const encoder = new TextEncoder();
const U64_MAX = (1n << 64n) - 1n;

/** SCALE compact length prefix (enough for any junction or string tao encodes). */
export function compactLength(n: number): Uint8Array {
  if (n < 64) return new Uint8Array([n << 2]);
  if (n < 1 << 14) return new Uint8Array([((n << 2) | 1) & 0xff, n >> 6]);
  if (n < 1 << 30) {
    const v = ((n << 2) | 2) >>> 0;
    return new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]);
  }
  throw new RangeError(`length ${n} too large for a compact prefix`);
}

/** SCALE encoding of a string: compact byte length ‖ UTF-8 bytes. */
export function scaleString(s: string): Uint8Array {
  const bytes = encoder.encode(s);
  const len = compactLength(bytes.length);
  const out = new Uint8Array(len.length + bytes.length);
  out.set(len, 0);
  out.set(bytes, len.length);
  return out;
}

export function junctionChainCode(code: string): Uint8Array {
  let encoded: Uint8Array;
  if (/^\d+$/.test(code) && BigInt(code) <= U64_MAX) {
    encoded = new Uint8Array(8);
    new DataView(encoded.buffer).setBigUint64(0, BigInt(code), true);
  } else {
    encoded = scaleString(code);
  }
  if (encoded.length > 32) return blake2b(encoded, { dkLen: 32 });
  const chainCode = new Uint8Array(32);
  chainCode.set(encoded, 0);
  return chainCode;
}

/** Parses a derivation path such as `//hard/soft//0`. */
export function parsePath(path: string): Junction[] {
  if (path === '') return [];
  if (!/^(\/\/?[^/]+)+$/.test(path))
    throw usageError('E_BAD_URI', 'bad derivation path: junctions are //hard or /soft with a non-empty name');
  return [...path.matchAll(/(\/\/?)([^/]+)/g)].map((m) => ({
    hard: m[1] === '//',
    chainCode: junctionChainCode(m[2]!),
  }));
}

/**
 * Splits a secret URI. A URI that starts with `/` uses the dev phrase (`//Alice`). The password is
 * everything after the first `///`.
 */
export function parseSecretUri(uri: string): SecretUri {
  let rest = uri.trim();
  if (rest === '') throw usageError('E_BAD_URI', 'the secret URI is empty');
  if (rest.startsWith('/')) rest = `${DEV_PHRASE}${rest}`;
  let password: string | undefined;
  const pw = rest.indexOf('///');
  if (pw >= 0) {
    password = rest.slice(pw + 3);
    rest = rest.slice(0, pw);
  }
  const slash = rest.indexOf('/');
  const phrase = (slash >= 0 ? rest.slice(0, slash) : rest).trim();
  const path = slash >= 0 ? rest.slice(slash) : '';
  if (phrase === '') throw usageError('E_BAD_URI', 'the secret URI has no mnemonic or seed before its path');
  return { phrase, junctions: parsePath(path), password };
}
