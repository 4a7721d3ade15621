/**
 * The two sr25519 backends (keys.ts): pure JS (@scure/sr25519, the CLI's) and schnorrkel's wasm build
 * (@polkadot/wasm-crypto, the ledger's verify workers'). They must give the same verdict on every input, valid
 * or not: a node that verifies with one and `tao node verify` or another node with the other must agree on
 * which transactions exist. Signatures from either verify with polkadot.js.
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { signatureVerify } from '@polkadot/util-crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  keyPairFromUri,
  type Sr25519Backend,
  setSr25519Backend,
  sign,
  sr25519BackendName,
  sr25519Js,
  verify,
} from '../../src/crypto/keys.js';
import { loadWasmSr25519 } from '../../src/crypto/sr25519-wasm.js';

let wasm: Sr25519Backend;
beforeAll(async () => {
  const b = await loadWasmSr25519();
  if (!b) throw new Error('the sr25519 wasm backend did not load');
  wasm = b;
});
afterEach(() => setSr25519Backend(sr25519Js));

const enc = new TextEncoder();
const pairs = ['//Alice', '//Bob', '//backends//0', '//backends//1'].map((u) => keyPairFromUri(u, 'sr25519'));
const messages = [new Uint8Array(0), enc.encode('transfer 1 tao'), new Uint8Array(300).fill(0xa5)];

const flipBit = (bytes: Uint8Array, bit: number) => {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
};

/** Both backends' verdicts on one input; they must be equal, and the test says what it must be. */
function verdicts(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): [boolean, boolean] {
  return [sr25519Js.verify(pub, msg, sig), wasm.verify(pub, msg, sig)];
}

describe('sr25519 backends agree', () => {
  it('accept valid signatures made by either backend (and polkadot.js accepts them too)', () => {
    for (const p of pairs)
      for (const m of messages)
        for (const signer of [sr25519Js, wasm]) {
          const sig = signer.sign(p.secretKey, p.publicKey, m);
          expect(sig).toHaveLength(64);
          expect(verdicts(p.publicKey, m, sig)).toEqual([true, true]);
          expect(signatureVerify(m, sig, p.publicKey).isValid).toBe(true);
        }
  });

  it('reject a wrong message and a wrong key', () => {
    for (const [i, p] of pairs.entries()) {
      const m = messages[1]!;
      const sig = sign(p, m);
      expect(verdicts(p.publicKey, enc.encode('transfer 2 tao'), sig)).toEqual([false, false]);
      expect(verdicts(p.publicKey, new Uint8Array([...m, 0]), sig)).toEqual([false, false]);
      expect(verdicts(p.publicKey, m.subarray(1), sig)).toEqual([false, false]);
      expect(verdicts(pairs[(i + 1) % pairs.length]!.publicKey, m, sig)).toEqual([false, false]);
    }
  });

  it('reject every single flipped bit of the signature, the public key and the message', () => {
    const p = pairs[0]!;
    const m = messages[1]!;
    const sig = sign(p, m);
    for (let bit = 0; bit < 512; bit++)
      expect(verdicts(p.publicKey, m, flipBit(sig, bit)), `signature bit ${bit}`).toEqual([false, false]);
    for (let bit = 0; bit < 256; bit++)
      expect(verdicts(flipBit(p.publicKey, bit), m, sig), `public key bit ${bit}`).toEqual([false, false]);
    for (let bit = 0; bit < m.length * 8; bit += 7)
      expect(verdicts(p.publicKey, flipBit(m, bit), sig), `message bit ${bit}`).toEqual([false, false]);
  });

  it('reject malformed lengths without throwing, directly and through verify()', () => {
    const p = pairs[1]!;
    const m = messages[1]!;
    const sig = sign(p, m);
    const cases: [Uint8Array, Uint8Array][] = [
      [p.publicKey, sig.subarray(0, 63)],
      [p.publicKey, new Uint8Array([...sig, 0])],
      [p.publicKey, new Uint8Array(0)],
      [p.publicKey, new Uint8Array([...sig, ...sig])],
      [p.publicKey.subarray(0, 31), sig],
      [new Uint8Array([...p.publicKey, 0]), sig],
      [new Uint8Array(0), sig],
      [new Uint8Array([...p.publicKey, ...p.publicKey]), sig],
    ];
    for (const backend of [sr25519Js, wasm]) {
      setSr25519Backend(backend);
      expect(sr25519BackendName()).toBe(backend.name);
      expect(verify('sr25519', p.publicKey, m, sig)).toBe(true);
      for (const [pub, s] of cases) {
        expect(backend.verify(pub, m, s)).toBe(false);
        expect(verify('sr25519', pub, m, s)).toBe(false);
      }
    }
  });

  it('reject signatures that schnorrkel alone would accept: any R = s·B for the identity key, and s = 0', () => {
    const zeroKey = new Uint8Array(32); // the identity point: the zero address's key
    for (const scalar of [1n, 2n, 0xdeadbeefn, ristretto255.Point.Fn.ORDER - 1n]) {
      const sig = new Uint8Array(64);
      sig.set(ristretto255.Point.BASE.multiply(scalar).toBytes(), 0);
      let s = scalar;
      for (let i = 32; i < 64; i++, s >>= 8n) sig[i] = Number(s & 0xffn);
      sig[63]! |= 0x80;
      for (const m of messages) {
        expect(verdicts(zeroKey, m, sig)).toEqual([false, false]);
        setSr25519Backend(wasm);
        expect(verify('sr25519', zeroKey, m, sig)).toBe(false);
        setSr25519Backend(sr25519Js);
      }
    }
    const identityZero = new Uint8Array(64);
    identityZero[63] = 0x80; // R = identity, s = 0
    expect(verdicts(zeroKey, messages[1]!, identityZero)).toEqual([false, false]);
    expect(verdicts(pairs[0]!.publicKey, messages[1]!, identityZero)).toEqual([false, false]);
  });

  it('give the same verdict on degenerate and random keys and signatures', () => {
    const m = messages[1]!;
    const zero = new Uint8Array(32);
    const marked = (s: Uint8Array) => {
      const out = s.slice();
      out[63]! |= 0x80; // schnorrkel's "not a legacy signature" marker
      return out;
    };
    const cases: [Uint8Array, Uint8Array][] = [
      [zero, new Uint8Array(64)],
      [zero, marked(new Uint8Array(64))], // identity key, R = identity, s = 0
      [pairs[0]!.publicKey, marked(new Uint8Array(64))],
      [new Uint8Array(32).fill(0xff), marked(new Uint8Array(64).fill(0xff))],
      [
        pairs[0]!.publicKey,
        marked(new Uint8Array([...new Uint8Array(32), ...new Uint8Array(32).fill(0xff)])),
      ],
    ];
    for (let i = 0; i < 40; i++)
      cases.push([
        crypto.getRandomValues(new Uint8Array(32)),
        marked(crypto.getRandomValues(new Uint8Array(64))),
      ]);
    for (const [pub, sig] of cases) {
      const [js, w] = verdicts(pub, m, sig);
      expect(w).toBe(js);
    }
  });
});
