/**
 * schnorrkel's wasm build (@polkadot/wasm-crypto, the Substrate ecosystem's own) as an sr25519 backend for
 * keys.ts: ~5× the verifications per second of @scure/sr25519 and the same verdicts (test/crypto/sr25519-
 * backends.test.ts), but loading it costs ~100–200 ms (@polkadot/util plus compiling the wasm). So only
 * processes that check signatures in bulk load it: the ledger's verify workers (and the bench's pre-signing).
 * The CLI signs one transaction with the pure-JS backend: ~2 ms, where loading this costs ~100× that.
 */
import { type Sr25519Backend, setSr25519Backend } from './keys.js';

type WasmCrypto = typeof import('@polkadot/wasm-crypto');

let loading: Promise<Sr25519Backend | undefined> | undefined;

const isZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

function backend(w: WasmCrypto): Sr25519Backend {
  return {
    name: 'wasm',
    sign: (secretKey, publicKey, message) => w.sr25519Sign(publicKey, secretKey, message),
    verify(publicKey, message, signature) {
      // keys.verify checks lengths already; a direct caller gets the same contract as the JS backend
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      // Where schnorrkel is laxer than @scure/sr25519, refuse as it does, so both give one verdict (a chain
      // checked with one replays with the other). The identity key (32 zero bytes, the zero address): for it
      // schnorrkel accepts R = s·B with any s as a signature of anything, so anyone could spend from it.
      if (isZero(publicKey)) return false;
      // (scure also refuses s = 0, which schnorrkel allows; with any other key that needs R = -H(…R…)·A: a
      // hash preimage, so the verdicts cannot differ there)
      try {
        return w.sr25519Verify(signature, message, publicKey);
      } catch {
        return false;
      }
    },
  };
}

let module: Promise<WasmCrypto | undefined> | undefined;

/** @polkadot/wasm-crypto, loaded and ready, once per thread; undefined when it cannot load. */
export function loadWasmCrypto(): Promise<WasmCrypto | undefined> {
  module ??= import('@polkadot/wasm-crypto')
    .then(async (w) => ((await w.waitReady()) ? w : undefined))
    .catch(() => undefined);
  return module;
}

/** Loads the wasm backend once per thread; undefined when it cannot load (then callers keep the JS one). */
export function loadWasmSr25519(): Promise<Sr25519Backend | undefined> {
  loading ??= loadWasmCrypto().then((w) => (w ? backend(w) : undefined));
  return loading;
}

/** Makes keys.sign/verify in this thread use the wasm backend once it has loaded; whether it did. */
export async function enableWasmSr25519(): Promise<boolean> {
  const b = await loadWasmSr25519();
  if (b) setSr25519Backend(b);
  return b !== undefined;
}
