// The txs root's JSON.stringify against canonicalJson (at the end). The state root's u32-halves accumulator against the plain definition (state-root.ts): SHA-512 leaves as
// 8 little-endian u64 lanes, summed mod 2^64 with BigInt, then SHA-256(accumulator ‖ count). Random
// inserts, overwrites and deletes, with values chosen so lanes carry and borrow; every root equal.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/crypto/canonical.js';
import { sha256hex, type TxReceipt, txsRoot } from '../../src/ledger/state/block.js';
import { StateHasher } from '../../src/ledger/state/state-root.js';
import { rng as xorshift } from './helpers.js';

class Reference {
  acc = Array<bigint>(8).fill(0n);
  leaves = new Map<string, bigint[]>();
  update(id: string, encoded: string | undefined): void {
    const old = this.leaves.get(id);
    if (old) {
      this.acc = this.acc.map((a, i) => BigInt.asUintN(64, a - old[i]!));
      this.leaves.delete(id);
    }
    if (encoded === undefined) return;
    const d = createHash('sha512').update(id).update('\0').update(encoded).digest();
    const leaf = Array.from({ length: 8 }, (_, i) => d.readBigUInt64LE(8 * i));
    this.acc = this.acc.map((a, i) => BigInt.asUintN(64, a + leaf[i]!));
    this.leaves.set(id, leaf);
  }
  root(): string {
    const b = Buffer.alloc(64);
    for (const [i, a] of this.acc.entries()) b.writeBigUInt64LE(a, 8 * i);
    return `0x${createHash('sha256').update(b).update(String(this.leaves.size)).digest('hex')}`;
  }
}

describe('state root', () => {
  it('equals the BigInt definition through 3,000 random inserts, overwrites and deletes', () => {
    const rng = xorshift(7);
    const fast = new StateHasher();
    const ref = new Reference();
    expect(fast.root()).toBe(ref.root());
    for (let i = 0; i < 3000; i++) {
      const id = `accounts\0key-${rng(200)}-é`;
      const value = rng(5) === 0 ? undefined : JSON.stringify({ free: String(rng(2 ** 31) * 1e6), n: i });
      fast.update(id, value);
      ref.update(id, value);
      if (i % 100 === 0) expect(fast.root()).toBe(ref.root());
    }
    expect(fast.root()).toBe(ref.root());
    fast.reset();
    expect(fast.root()).toBe(new Reference().root());
  });
});

describe('txs root', () => {
  it('hashes the canonical JSON of [tx_hash, status, code or null] per receipt', () => {
    const receipts: TxReceipt[] = Array.from({ length: 50 }, (_, i) => ({
      tx_hash: `0x${i.toString(16).padStart(64, '0')}`,
      status: i % 3 === 0 ? 'rejected' : 'included',
      ...(i % 3 === 0 ? { error: { code: 'E_INSUFFICIENT_FUNDS', message: `"é" ${i}` } } : {}),
    }));
    for (const r of [[], receipts.slice(0, 1), receipts])
      expect(txsRoot(r)).toBe(
        sha256hex(canonicalJson(r.map((x) => [x.tx_hash, x.status, x.error?.code ?? null]))),
      );
    expect(txsRoot(receipts)).not.toBe(txsRoot(receipts.slice(1)));
  });
});
