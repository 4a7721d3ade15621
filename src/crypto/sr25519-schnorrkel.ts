/**
 * A faster sr25519 verifier for bulk checks: @polkadot-labs/schnorrkel-wasm, a recent schnorrkel /
 * curve25519-dalek build, verifies ~2.3× as fast as @polkadot/wasm-crypto on this box (bench/crypto), with
 * the same verdicts (test/crypto/sr25519-schnorrkel.test.ts). Only the ledger's verify workers load it.
 *
 * Its verify panics (a wasm trap, with a message on stderr) instead of answering false when the public key
 * is not a valid Ristretto encoding or the signature lacks schnorrkel's marker bit or has a non-canonical s,
 * and a trapped instance is not to be trusted again. So it is only ever called on inputs it accepts:
 * - the signature's marker bit and s < ℓ are checked here first (cheap byte tests; failing them is false, as
 *   with every other backend);
 * - a public key is used with it only once the other backend (`fallback`) has accepted a signature by that
 *   key, which proves the key decodes; until then (a signer's first transaction, or a key that never signed
 *   anything valid) the fallback gives the verdict. Keys seen valid are remembered (bounded set).
 * Should it trap all the same, this thread stops using it and the fallback answers from then on.
 */
import { type Sr25519Backend, setSr25519Backend, sr25519Js } from './keys.js';
import { loadWasmSr25519 } from './sr25519-wasm.js';

type Schnorrkel = typeof import('@polkadot-labs/schnorrkel-wasm');

/** ℓ, the order of the Ristretto group, little-endian. */
const ORDER = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);
/** Keys remembered as valid Ristretto encodings; the set starts over when it reaches this size. */
const KNOWN_KEYS = 65_536;

/** Whether a 64-byte signature parses as schnorrkel's: marker bit set, then s (marker cleared) < ℓ. */
export function schnorrkelSignatureParses(signature: Uint8Array): boolean {
  const top = signature[63]!;
  if ((top & 0x80) === 0) return false;
  if ((top & 0x70) === 0) return true; // s < 2^252 < ℓ
  for (let i = 31; i >= 0; i--) {
    const b = i === 31 ? top & 0x7f : signature[32 + i]!;
    if (b !== ORDER[i]) return b < ORDER[i]!;
  }
  return false; // s = ℓ
}

const keyId = (publicKey: Uint8Array) => String.fromCharCode.apply(null, publicKey as unknown as number[]);

/** The fast verifier over `fallback` (signing stays with the fallback). */
export function schnorrkelBackend(s: Schnorrkel, fallback: Sr25519Backend): Sr25519Backend {
  const known = new Set<string>();
  let broken = false;
  return {
    name: 'schnorrkel',
    sign: (secretKey, publicKey, message) => fallback.sign(secretKey, publicKey, message),
    verify(publicKey, message, signature) {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      if (broken) return fallback.verify(publicKey, message, signature);
      if (!schnorrkelSignatureParses(signature)) return false;
      const id = keyId(publicKey);
      if (!known.has(id)) {
        const ok = fallback.verify(publicKey, message, signature);
        if (ok) {
          if (known.size >= KNOWN_KEYS) known.clear();
          known.add(id);
        }
        return ok;
      }
      try {
        return s.sr25519_verify(publicKey, message, signature);
      } catch {
        broken = true;
        return fallback.verify(publicKey, message, signature);
      }
    },
  };
}

let loading: Promise<Schnorrkel | undefined> | undefined;

/** Loads the module once per thread (compiles its wasm); undefined when it cannot load. */
export function loadSchnorrkel(): Promise<Schnorrkel | undefined> {
  loading ??= import('@polkadot-labs/schnorrkel-wasm').catch(() => undefined);
  return loading;
}

/**
 * Makes keys.sign/verify in this thread use the fast verifier over the @polkadot/wasm-crypto backend (or the
 * pure-JS one where that cannot load); the backend's name ('schnorrkel', 'wasm' or 'js').
 */
export async function enableFastSr25519(): Promise<string> {
  const [wasm, s] = await Promise.all([loadWasmSr25519(), loadSchnorrkel()]);
  const base = wasm ?? sr25519Js;
  const backend = s ? schnorrkelBackend(s, base) : base;
  setSr25519Backend(backend);
  return backend.name;
}
