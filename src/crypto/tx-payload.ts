/**
 * The bytes a transaction signature covers: a domain tag, the chain's genesis hash, the signer's key and
 * scheme, nonce, expiry block and the canonical call. A signature is therefore valid on exactly one chain,
 * for one signer, once (the nonce), and only until its expiry block.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { canonicalJson } from './canonical.js';

export const TX_DOMAIN = 'tao/tx/v1';
export type Scheme = 'sr25519' | 'ed25519';

export interface TxSigningFields {
  genesisHash: Uint8Array; // 32 bytes
  signer: Uint8Array; // 32-byte public key
  scheme: Scheme;
  nonce: number;
  expiry: number; // last block in which the tx may be included
  call: unknown; // JSON-able call object; amounts as decimal rao strings
}

const encoder = new TextEncoder();
const DOMAIN = encoder.encode(TX_DOMAIN);
/** Domain, scheme tag (2), genesis hash (32), signer (32), nonce (8), expiry (8): the call's JSON follows. */
const HEAD = DOMAIN.length + 2 + 32 + 32 + 8 + 8;

function checkU64(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`not a u64: ${value}`);
}

/** Writes a safe integer as u64 little-endian (two u32 halves: no BigInt on the hot path). */
function setU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value % 2 ** 32, true);
  view.setUint32(offset + 4, Math.floor(value / 2 ** 32), true);
}

export function signingPayload(fields: TxSigningFields): Uint8Array {
  return signingPayloadOf(fields, canonicalJson(fields.call));
}

/** signingPayload with the call's canonical JSON already computed (the verifier computes it once). */
export function signingPayloadOf(fields: Omit<TxSigningFields, 'call'>, callJson: string): Uint8Array {
  if (fields.genesisHash.length !== 32) throw new Error('genesis hash must be 32 bytes');
  if (fields.signer.length !== 32) throw new Error('signer public key must be 32 bytes');
  checkU64(fields.nonce);
  checkU64(fields.expiry);
  // a JS string's UTF-8 is at most 3 bytes per UTF-16 unit; encodeInto writes it in place
  const out = new Uint8Array(HEAD + callJson.length * 3);
  out.set(DOMAIN, 0);
  let o = DOMAIN.length;
  out[o + 1] = fields.scheme === 'sr25519' ? 1 : 2;
  o += 2;
  out.set(fields.genesisHash, o);
  out.set(fields.signer, o + 32);
  const view = new DataView(out.buffer);
  setU64(view, o + 64, fields.nonce);
  setU64(view, o + 72, fields.expiry);
  const { written } = encoder.encodeInto(callJson, out.subarray(HEAD));
  return out.subarray(0, HEAD + written);
}

type Blake2b256 = (data: Uint8Array) => Uint8Array;
const nobleBlake2b256: Blake2b256 = (data) => blake2b(data, { dkLen: 32 });
let blake2b256: Blake2b256 = nobleBlake2b256;

/**
 * Makes txHash in this thread use another blake2b-256 (the same function, faster: the verify workers pass
 * @polkadot/wasm-crypto's, ~5× noble's on a transaction's few hundred bytes); undefined restores noble's.
 */
export function setTxHashBlake2b(fn: Blake2b256 | undefined): void {
  blake2b256 = fn ?? nobleBlake2b256;
}

/** The transaction's identity: blake2b-256 over the signed payload and the signature. */
export function txHash(payload: Uint8Array, signature: Uint8Array): Uint8Array {
  const both = new Uint8Array(payload.length + signature.length);
  both.set(payload, 0);
  both.set(signature, payload.length);
  return blake2b256(both);
}
