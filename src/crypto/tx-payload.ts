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

function u64le(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`not a u64: ${value}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), true);
  return out;
}

export function signingPayload(fields: TxSigningFields): Uint8Array {
  if (fields.genesisHash.length !== 32) throw new Error('genesis hash must be 32 bytes');
  if (fields.signer.length !== 32) throw new Error('signer public key must be 32 bytes');
  const parts = [
    encoder.encode(TX_DOMAIN),
    new Uint8Array([0, fields.scheme === 'sr25519' ? 1 : 2]),
    fields.genesisHash,
    fields.signer,
    u64le(fields.nonce),
    u64le(fields.expiry),
    encoder.encode(canonicalJson(fields.call)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The transaction's identity: blake2b-256 over the signed payload and the signature. */
export function txHash(payload: Uint8Array, signature: Uint8Array): Uint8Array {
  const both = new Uint8Array(payload.length + signature.length);
  both.set(payload, 0);
  both.set(signature, payload.length);
  return blake2b(both, { dkLen: 32 });
}
