/**
 * Key pairs for both schemes, built from a mini-secret or a Substrate secret URI, and raw signing and
 * verification. sr25519 (schnorrkel, "substrate" context) via @scure/sr25519, pure JS and instant to load;
 * a long-running process that checks many signatures (the ledger's verify workers) swaps in schnorrkel's
 * wasm build with enableWasmSr25519() (sr25519-wasm.ts), ~5× faster, same verdicts. ed25519 via noble, with
 * node:crypto for fast verification.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import * as sr25519 from '@scure/sr25519';
import { usageError } from '../core/errors.js';
import { type Junction, parseSecretUri, scaleString } from './derive.js';
import { ed25519SignFast, ed25519VerifyFast } from './ed25519-node.js';
import { fromHex, isHex } from './hex.js';
import { miniSecretFromMnemonic } from './mnemonic.js';
import type { Scheme } from './tx-payload.js';

export type { Scheme } from './tx-payload.js';
export { DEV_PHRASE } from './derive.js';

export interface KeyPair {
  scheme: Scheme;
  publicKey: Uint8Array; // 32 bytes
  /** sr25519: the 64-byte expanded secret (scalar ‖ nonce); ed25519: the 32-byte seed. */
  secretKey: Uint8Array;
}

export const SCHEMES: readonly Scheme[] = ['sr25519', 'ed25519'];
export const isScheme = (s: unknown): s is Scheme => s === 'sr25519' || s === 'ed25519';

function assertScheme(scheme: Scheme): void {
  if (!isScheme(scheme))
    throw usageError('E_BAD_SCHEME', `unknown key scheme "${String(scheme)}": use sr25519 or ed25519`);
}

export function keyPairFromMiniSecret(miniSecret: Uint8Array, scheme: Scheme): KeyPair {
  assertScheme(scheme);
  if (miniSecret.length !== 32)
    throw usageError('E_BAD_SEED', `a mini-secret (seed) is 32 bytes, got ${miniSecret.length}`);
  if (scheme === 'ed25519') {
    const seed = miniSecret.slice();
    return { scheme, publicKey: ed25519.getPublicKey(seed), secretKey: seed };
  }
  const secretKey = sr25519.secretFromSeed(miniSecret);
  return { scheme, publicKey: sr25519.getPublicKey(secretKey), secretKey };
}

const ED25519_HDKD = scaleString('Ed25519HDKD');
const NO_RANDOM = new Uint8Array(32); // soft-derived sr25519 nonces then depend on the secret only

function derive(pair: KeyPair, junction: Junction): KeyPair {
  if (pair.scheme === 'sr25519') {
    const secretKey = junction.hard
      ? sr25519.HDKD.secretHard(pair.secretKey, junction.chainCode)
      : sr25519.HDKD.secretSoft(pair.secretKey, junction.chainCode, NO_RANDOM);
    return { scheme: 'sr25519', publicKey: sr25519.getPublicKey(secretKey), secretKey };
  }
  if (!junction.hard)
    throw usageError('E_BAD_URI', 'ed25519 keys have no soft derivation: use //hard junctions only');
  const input = new Uint8Array(ED25519_HDKD.length + 64);
  input.set(ED25519_HDKD, 0);
  input.set(pair.secretKey, ED25519_HDKD.length);
  input.set(junction.chainCode, ED25519_HDKD.length + 32);
  return keyPairFromMiniSecret(blake2b(input, { dkLen: 32 }), 'ed25519');
}

/** Applies derivation junctions (`//hard`, `/soft`) to a key pair, in order. */
export function deriveKeyPair(pair: KeyPair, junctions: readonly Junction[]): KeyPair {
  return junctions.reduce(derive, pair);
}

/**
 * A key pair from a Substrate secret URI: `//Alice`, `//Alice//stash`, `<mnemonic>`, `<mnemonic>//hard/soft`,
 * `<mnemonic>///password`, `0x<32-byte hex mini-secret>//hard`.
 */
export function keyPairFromUri(uri: string, scheme: Scheme = 'sr25519'): KeyPair {
  assertScheme(scheme);
  const { phrase, junctions, password } = parseSecretUri(uri);
  let mini: Uint8Array;
  if (phrase.startsWith('0x')) {
    if (!isHex(phrase, 32))
      throw usageError('E_BAD_SEED', 'a hex seed is 0x followed by 64 hex digits (32 bytes)');
    if (password !== undefined)
      throw usageError('E_BAD_URI', 'a ///password applies to mnemonics only, not to a hex seed');
    mini = fromHex(phrase);
  } else {
    mini = miniSecretFromMnemonic(phrase, password ?? '');
  }
  const root = keyPairFromMiniSecret(mini, scheme);
  mini.fill(0);
  return deriveKeyPair(root, junctions);
}

/** An sr25519 backend: the same contract as @scure/sr25519 (64-byte expanded secret), never throws on verify. */
export interface Sr25519Backend {
  name: string;
  sign(secretKey: Uint8Array, publicKey: Uint8Array, message: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/** The pure-JS backend (@scure/sr25519): false, never an exception, on any malformed input. */
export const sr25519Js: Sr25519Backend = {
  name: 'js',
  sign: (secretKey, _publicKey, message) => sr25519.sign(secretKey, message),
  verify(publicKey, message, signature) {
    try {
      return sr25519.verify(message, signature, publicKey);
    } catch {
      return false;
    }
  },
};

let sr25519Backend: Sr25519Backend = sr25519Js;

/** Which sr25519 backend sign/verify use in this thread (per thread: each worker chooses its own). */
export function setSr25519Backend(backend: Sr25519Backend): void {
  sr25519Backend = backend;
}

export const sr25519BackendName = (): string => sr25519Backend.name;

export function sign(pair: KeyPair, message: Uint8Array): Uint8Array {
  return pair.scheme === 'sr25519'
    ? sr25519Backend.sign(pair.secretKey, pair.publicKey, message)
    : ed25519SignFast(pair.secretKey, message);
}

/** Verifies a 64-byte signature; returns false (never throws) on any malformed input. */
export function verify(
  scheme: Scheme,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (
    !(publicKey instanceof Uint8Array) ||
    !(message instanceof Uint8Array) ||
    !(signature instanceof Uint8Array) ||
    publicKey.length !== 32 ||
    signature.length !== 64
  )
    return false;
  if (scheme === 'ed25519') return ed25519VerifyFast(publicKey, message, signature);
  if (scheme !== 'sr25519') return false;
  return sr25519Backend.verify(publicKey, message, signature);
}
