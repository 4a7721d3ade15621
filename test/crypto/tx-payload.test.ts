// The signing payload and tx hash, built the fast way (one buffer, u32 halves, encodeInto; wasm blake2b in the
// verify workers), against a plain reference construction of the same bytes (docs/rpc.md): every byte equal.
import { blake2b } from '@noble/hashes/blake2.js';
import { base58 } from '@scure/base';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/crypto/canonical.js';
import { loadWasmCrypto } from '../../src/crypto/sr25519-wasm.js';
import { decodeAddress, encodeAddress } from '../../src/crypto/ss58.js';
import {
  setTxHashBlake2b,
  signingPayload,
  TX_DOMAIN,
  type TxSigningFields,
  txHash,
} from '../../src/crypto/tx-payload.js';

function reference(f: TxSigningFields): Uint8Array {
  const u64 = (v: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    return b;
  };
  const e = new TextEncoder();
  const parts = [
    e.encode(TX_DOMAIN),
    new Uint8Array([0, f.scheme === 'sr25519' ? 1 : 2]),
    f.genesisHash,
    f.signer,
    u64(f.nonce),
    u64(f.expiry),
    e.encode(canonicalJson(f.call)),
  ];
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

const fields = (over: Partial<TxSigningFields>): TxSigningFields => ({
  genesisHash: Uint8Array.from({ length: 32 }, (_, i) => i * 7),
  signer: Uint8Array.from({ length: 32 }, (_, i) => 255 - i),
  scheme: 'sr25519',
  nonce: 3,
  expiry: 1234,
  call: { type: 'transfer', dest: '5F', amount: '1500000000' },
  ...over,
});

afterEach(() => setTxHashBlake2b(undefined));

describe('signing payload', () => {
  const edges = [0, 1, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER];
  it.each(edges)('nonce and expiry %d: the reference bytes', (v) => {
    for (const scheme of ['sr25519', 'ed25519'] as const) {
      const f = fields({ nonce: v, expiry: Number.MAX_SAFE_INTEGER - v, scheme });
      expect(signingPayload(f)).toEqual(reference(f));
    }
  });

  it('a call with multi-byte UTF-8 (2, 3 and 4 bytes a character): the reference bytes', () => {
    const f = fields({ call: { type: 'set_identity', name: 'Zoë · τ ✓ 🚀 𝔸', memo: 'é'.repeat(300) } });
    const p = signingPayload(f);
    expect(p).toEqual(reference(f));
    expect(p.length).toBe(reference(f).length);
  });

  it('refuses a nonce or expiry that is not a u64', () => {
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1])
      expect(() => signingPayload(fields({ nonce: bad }))).toThrow('not a u64');
    expect(() => signingPayload(fields({ expiry: -1 }))).toThrow('not a u64');
  });
});

describe('tx hash', () => {
  it("wasm-crypto's blake2b-256 (the verify workers') gives noble's digest", async () => {
    const w = await loadWasmCrypto();
    expect(w).toBeDefined();
    const sig = Uint8Array.from({ length: 64 }, (_, i) => i);
    for (const len of [0, 1, 63, 64, 127, 128, 129, 300, 1000]) {
      const payload = Uint8Array.from({ length: len }, (_, i) => (i * 31) & 255);
      const both = Uint8Array.from([...payload, ...sig]);
      const expected = blake2b(both, { dkLen: 32 });
      expect(txHash(payload, sig)).toEqual(expected);
      setTxHashBlake2b((d) => w!.blake2b(d, new Uint8Array(0), 32));
      expect(txHash(payload, sig)).toEqual(expected);
      setTxHashBlake2b(undefined);
    }
  });
});

describe('SS58 checksum', () => {
  it("node:crypto's blake2b-512 checksum round-trips and matches noble's", () => {
    for (let i = 0; i < 50; i++) {
      const key = Uint8Array.from({ length: 32 }, (_, j) => (i * 13 + j * 7) & 255);
      const address = encodeAddress(key);
      expect(decodeAddress(address)).toEqual(key);
      const body = Uint8Array.from([42, ...key]);
      const sum = blake2b(Uint8Array.from([...new TextEncoder().encode('SS58PRE'), ...body]), { dkLen: 64 });
      expect([...base58.decode(address).slice(33)]).toEqual([sum[0], sum[1]]);
    }
  });
});
