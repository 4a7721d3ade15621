/**
 * The ledger verify workers' fast sr25519 verifier (sr25519-schnorrkel.ts) must give the verdict of the other
 * backends (@scure/sr25519, @polkadot/wasm-crypto) on every input, and must never hand its wasm an input that
 * traps it: those get false from the byte checks, or the fallback's verdict while the key is unproven.
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import * as schnorrkel from '@polkadot-labs/schnorrkel-wasm';
import { signatureVerify } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyPairFromUri, type Sr25519Backend, sr25519Js } from '../../src/crypto/keys.js';
import {
  enableFastSr25519,
  schnorrkelBackend,
  schnorrkelSignatureParses,
} from '../../src/crypto/sr25519-schnorrkel.js';
import { loadWasmSr25519 } from '../../src/crypto/sr25519-wasm.js';

const L = ristretto255.Point.Fn.ORDER;
const enc = new TextEncoder();
const pairs = ['//Alice', '//Bob', '//fast//0'].map((u) => keyPairFromUri(u, 'sr25519'));
const messages = [new Uint8Array(0), enc.encode('transfer 1 tao'), new Uint8Array(300).fill(0xa5)];

let wasm: Sr25519Backend;
beforeAll(async () => {
  const b = await loadWasmSr25519();
  if (!b) throw new Error('the sr25519 wasm backend did not load');
  wasm = b;
});

/** The fallback, counting the verdicts it was asked for (the fast path must not ask it). */
function counted(base: Sr25519Backend) {
  const c = { calls: 0, backend: { ...base } as Sr25519Backend };
  c.backend.verify = (pub, msg, sig) => {
    c.calls++;
    return base.verify(pub, msg, sig);
  };
  return c;
}

/** A signature's bytes with s replaced (marker bit set). */
function withS(sig: Uint8Array, s: bigint): Uint8Array {
  const out = sig.slice();
  for (let i = 32; i < 64; i++, s >>= 8n) out[i] = Number(s & 0xffn);
  out[63]! |= 0x80;
  return out;
}
const sOf = (sig: Uint8Array) => {
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(i === 63 ? sig[i]! & 0x7f : sig[i]!);
  return s;
};
const traps = (pub: Uint8Array, msg: Uint8Array, sig: Uint8Array) => {
  try {
    schnorrkel.sr25519_verify(pub, msg, sig);
    return false;
  } catch {
    return true;
  }
};

describe('the fast sr25519 verifier', () => {
  it('accepts valid signatures, asking the fallback only for a key it has not seen sign', () => {
    const f = counted(sr25519Js);
    const fast = schnorrkelBackend(schnorrkel, f.backend);
    for (const p of pairs)
      for (const [i, m] of messages.entries()) {
        const sig = sr25519Js.sign(p.secretKey, p.publicKey, m);
        const before = f.calls;
        expect(fast.verify(p.publicKey, m, sig)).toBe(true);
        expect(f.calls - before).toBe(i === 0 ? 1 : 0);
        expect(signatureVerify(m, sig, p.publicKey).isValid).toBe(true);
      }
    // wrong message, wrong key: refused on the fast path
    const [a, b] = pairs;
    const sig = sr25519Js.sign(a!.secretKey, a!.publicKey, messages[1]!);
    const before = f.calls;
    expect(fast.verify(a!.publicKey, enc.encode('transfer 2 tao'), sig)).toBe(false);
    expect(fast.verify(b!.publicKey, messages[1]!, sig)).toBe(false);
    expect(f.calls).toBe(before);
  });

  it('refuses, without reaching the wasm, the signatures that would trap it, as the other backends do', () => {
    const f = counted(wasm);
    const fast = schnorrkelBackend(schnorrkel, f.backend);
    const p = pairs[0]!;
    const m = messages[1]!;
    const sig = sr25519Js.sign(p.secretKey, p.publicKey, m);
    expect(fast.verify(p.publicKey, m, sig)).toBe(true); // the key is now known
    const s = sOf(sig);
    const unmarked = sig.slice();
    unmarked[63]! &= 0x7f;
    // s + ℓ is the same scalar: mathematically a valid signature, refused by every backend as non-canonical
    const bad = [unmarked, withS(sig, s + L), withS(sig, L), withS(sig, 2n ** 255n - 1n)];
    const calls = f.calls;
    for (const b of bad) {
      expect(traps(p.publicKey, m, b)).toBe(true);
      expect(fast.verify(p.publicKey, m, b)).toBe(false);
      expect(sr25519Js.verify(p.publicKey, m, b)).toBe(false);
      expect(wasm.verify(p.publicKey, m, b)).toBe(false);
    }
    expect(f.calls).toBe(calls);
    // still on the fast path: a valid signature by the known key needs no fallback
    expect(
      fast.verify(p.publicKey, messages[2]!, sr25519Js.sign(p.secretKey, p.publicKey, messages[2]!)),
    ).toBe(true);
    expect(f.calls).toBe(calls);
  });

  it('gives a key that is not a Ristretto point to the fallback (false) and never remembers it', () => {
    const f = counted(sr25519Js);
    const fast = schnorrkelBackend(schnorrkel, f.backend);
    const p = pairs[0]!;
    const sig = sr25519Js.sign(p.secretKey, p.publicKey, messages[1]!);
    expect(fast.verify(p.publicKey, messages[1]!, sig)).toBe(true);
    const notAPoint = new Uint8Array(32).fill(0xff);
    expect(traps(notAPoint, messages[1]!, sig)).toBe(true);
    for (let i = 0; i < 3; i++) expect(fast.verify(notAPoint, messages[1]!, sig)).toBe(false);
    expect(f.calls).toBe(4);
    expect(fast.verify(new Uint8Array(32), messages[1]!, sig)).toBe(false); // the identity key
    // the wasm never trapped: the known key still verifies on the fast path
    const sig2 = sr25519Js.sign(p.secretKey, p.publicKey, messages[2]!);
    expect(fast.verify(p.publicKey, messages[2]!, sig2)).toBe(true);
    expect(f.calls).toBe(5);
  });

  it('parses s exactly up to ℓ (the marker bit set, s < ℓ)', () => {
    const sig = new Uint8Array(64);
    for (const [s, ok] of [
      [0n, true],
      [2n ** 252n - 1n, true],
      [2n ** 252n, true],
      [L - 1n, true],
      [L, false],
      [L + 1n, false],
      [2n ** 253n, false],
      [2n ** 255n - 1n, false],
    ] as const) {
      expect(schnorrkelSignatureParses(withS(sig, s)), `s = ${s}`).toBe(ok);
      const unmarked = withS(sig, s);
      unmarked[63]! &= 0x7f;
      expect(schnorrkelSignatureParses(unmarked)).toBe(false);
    }
  });

  it('agrees with both backends on random keys and signatures, with each key known and unknown', () => {
    const fast = schnorrkelBackend(schnorrkel, wasm);
    const m = messages[1]!;
    const p = pairs[1]!;
    expect(fast.verify(p.publicKey, m, sr25519Js.sign(p.secretKey, p.publicKey, m))).toBe(true);
    for (let i = 0; i < 60; i++) {
      const sig = crypto.getRandomValues(new Uint8Array(64));
      if (i % 2 === 0) sig[63]! = (sig[63]! & 0x0f) | 0x80; // a parseable s, so the wasm is reached
      for (const pub of [p.publicKey, crypto.getRandomValues(new Uint8Array(32))]) {
        const js = sr25519Js.verify(pub, m, sig);
        expect(wasm.verify(pub, m, sig)).toBe(js);
        expect(fast.verify(pub, m, sig)).toBe(js);
      }
    }
  });

  it('is what enableFastSr25519 installs in this thread', async () => {
    expect(await enableFastSr25519()).toBe('schnorrkel');
    const { setSr25519Backend, verify, sign } = await import('../../src/crypto/keys.js');
    try {
      const p = pairs[2]!;
      const sig = sign(p, messages[2]!);
      expect(sr25519Js.verify(p.publicKey, messages[2]!, sig)).toBe(true);
      expect(verify('sr25519', p.publicKey, messages[2]!, sig)).toBe(true);
      expect(verify('sr25519', p.publicKey, messages[1]!, sig)).toBe(false);
    } finally {
      setSr25519Backend(sr25519Js);
    }
  });
});
