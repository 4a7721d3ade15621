/**
 * The state root: an incremental multiset hash over every (table, key, canonical value) of the state.
 * Each record's leaf is SHA-512(table ‖ 0 ‖ key ‖ 0 ‖ value) read as 8 little-endian u64 lanes; the
 * accumulator is the lane-wise sum mod 2^64 of all leaves (LtHash-style), so a block only re-hashes the
 * records it changed: subtract the old leaf, add the new one. The root is SHA-256(accumulator ‖ count).
 * It is order-independent and cheap; it is not a Merkle tree (no inclusion proofs).
 */
import { createHash } from 'node:crypto';

export class StateHasher {
  private readonly acc = new BigUint64Array(8);
  private count = 0;
  private readonly leaves = new Map<string, BigUint64Array>();

  private static leaf(id: string, encoded: string): BigUint64Array {
    const digest = createHash('sha512').update(id).update('\0').update(encoded).digest();
    return new BigUint64Array(digest.buffer.slice(digest.byteOffset, digest.byteOffset + 64));
  }

  /** Set (or, with `encoded` undefined, remove) the record `id` = `table\0key`. */
  update(id: string, encoded: string | undefined): void {
    const old = this.leaves.get(id);
    if (old) {
      for (let i = 0; i < 8; i++) this.acc[i] = this.acc[i]! - old[i]!;
      this.count--;
      this.leaves.delete(id);
    }
    if (encoded !== undefined) {
      const leaf = StateHasher.leaf(id, encoded);
      for (let i = 0; i < 8; i++) this.acc[i] = this.acc[i]! + leaf[i]!;
      this.count++;
      this.leaves.set(id, leaf);
    }
  }

  root(): string {
    const h = createHash('sha256');
    h.update(new Uint8Array(this.acc.buffer));
    h.update(String(this.count));
    return `0x${h.digest('hex')}`;
  }

  reset(): void {
    this.acc.fill(0n);
    this.count = 0;
    this.leaves.clear();
  }
}
