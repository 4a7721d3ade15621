/**
 * The axon wire protocol: how a dendrite signs a forward request so the serving peer can check who asks,
 * that the request is fresh (nonce) and that the body was not altered. Shared by axon and dendrite.
 */
import { blake2b } from '@noble/hashes/blake2.js';

export const AXON_DOMAIN = 'tao/axon/v1';
export const FEATURES = 32;
export const CLASSES = 10;
export const MAX_BATCH = 1024;
export const MAX_BODY_BYTES = 1 << 20;
/** Features go to the model as float32: a larger magnitude would become Infinity there, so it is refused. */
export const FLOAT32_MAX = 3.4028234663852886e38;

export const HEADER_HOTKEY = 'x-tao-hotkey';
export const HEADER_NONCE = 'x-tao-nonce';
export const HEADER_SIGNATURE = 'x-tao-signature';
export const HEADER_SCHEME = 'x-tao-scheme';

export interface ForwardRequest {
  /** Rows in the batch. */
  b: number;
  /** Row-major features, b × FEATURES. */
  x: number[];
}

export interface ForwardResponse {
  /** Row-major class probabilities, b × CLASSES. */
  probs: number[];
}

const encoder = new TextEncoder();

/** Bytes the caller signs: domain ‖ axon hotkey ‖ caller key ‖ nonce (u64 LE) ‖ blake2b-256(body). */
export function requestPayload(
  axonKey: Uint8Array,
  callerKey: Uint8Array,
  nonce: bigint,
  body: Uint8Array,
): Uint8Array {
  const domain = encoder.encode(AXON_DOMAIN);
  const out = new Uint8Array(domain.length + 32 + 32 + 8 + 32);
  let o = 0;
  out.set(domain, o);
  o += domain.length;
  out.set(axonKey, o);
  o += 32;
  out.set(callerKey, o);
  o += 32;
  new DataView(out.buffer).setBigUint64(o, nonce, true);
  o += 8;
  out.set(blake2b(body, { dkLen: 32 }), o);
  return out;
}

/** A strictly increasing nonce in microseconds since the epoch. */
export function makeNonceSource(): () => bigint {
  let last = 0n;
  return () => {
    const now = BigInt(Date.now()) * 1000n;
    last = now > last ? now : last + 1n;
    return last;
  };
}
