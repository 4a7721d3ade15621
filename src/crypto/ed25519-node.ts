/**
 * Fast ed25519 verification through node:crypto (OpenSSL), ~10x noble's pure-JS speed, which the ledger
 * needs; signing goes through it too. Public keys become KeyObjects once and are kept in a small LRU cache. Falls back to noble
 * (strict RFC 8032 rules, as OpenSSL) if OpenSSL refuses the key.
 */
import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const CACHE_SIZE = 4096;
const cache = new Map<string, KeyObject>();

function keyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1');
  const hit = cache.get(id);
  if (hit) {
    cache.delete(id);
    cache.set(id, hit);
    return hit;
  }
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  cache.set(id, key);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return key;
}

/** Noble's pure-JS verifier with the same strictness as OpenSSL; exported for the bench. */
export function ed25519VerifyNoble(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** Expects a 32-byte key and a 64-byte signature (checked by the caller); never throws. */
export function ed25519VerifyFast(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return nodeVerify(null, message, keyObject(publicKey), signature);
  } catch {
    return ed25519VerifyNoble(publicKey, message, signature);
  }
}

/** RFC 8032 signing (deterministic, same bytes as noble) through node:crypto; secrets are never cached. */
export function ed25519SignFast(seed: Uint8Array, message: Uint8Array): Uint8Array {
  const der = Buffer.concat([PKCS8_PREFIX, seed]);
  try {
    return new Uint8Array(
      nodeSign(null, message, createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })),
    );
  } catch {
    return ed25519.sign(message, seed);
  } finally {
    der.fill(0);
  }
}
