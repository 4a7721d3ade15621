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
  out.set(bodyHash(body), o);
  return out;
}

type Blake2b = (data: Uint8Array, key: Uint8Array, size: number) => Uint8Array;
let wasmBlake2b: Blake2b | null = null;
const NO_KEY = new Uint8Array(0);

/**
 * blake2b-256 of a request body: @polkadot/wasm-crypto's once enableWasmBodyHash has loaded it (the same
 * bytes, ~16× as fast on a 40 KB batch: a serving peer hashes every request it gets, a validator every
 * one it sends), @noble/hashes before that.
 */
export function bodyHash(body: Uint8Array): Uint8Array {
  return wasmBlake2b ? wasmBlake2b(body, NO_KEY, 32) : blake2b(body, { dkLen: 32 });
}

/** Loads the wasm blake2b for bodyHash (once); false when it cannot load (then the JS one stays). */
export async function enableWasmBodyHash(): Promise<boolean> {
  if (wasmBlake2b) return true;
  try {
    const w = await import('@polkadot/wasm-crypto');
    if (await w.waitReady()) wasmBlake2b = w.blake2b;
  } catch {
    // the JS hash stays
  }
  return wasmBlake2b !== null;
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
