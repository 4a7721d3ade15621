/**
 * The state root: an incremental multiset hash over every (table, key, canonical value) of the state.
 * Each record's leaf is SHA-512(table ‖ 0 ‖ key ‖ 0 ‖ value) read as 8 little-endian u64 lanes; the
 * accumulator is the lane-wise sum mod 2^64 of all leaves (LtHash-style), so a block only re-hashes the
 * records it changed: subtract the old leaf, add the new one. The root is SHA-256(accumulator ‖ count).
 * It is order-independent and cheap; it is not a Merkle tree (no inclusion proofs).
 * Lanes are kept as u32 halves (low, high) and added with a carry: the same sums mod 2^64 as u64 BigInt
 * lanes, with no BigInt allocated per lane (a block updates one leaf per changed record). The digests are
 * read as little-endian bytes whatever the platform, as the accumulator is written.
 */
import { createHash } from 'node:crypto';

const LANES = 8;

/** acc += leaf (sign 1) or acc -= leaf (sign -1), lane-wise mod 2^64, on u32 halves (low first). */
function addLanes(acc: Uint32Array, leaf: Uint32Array, sign: 1 | -1): void {
  for (let i = 0; i < 2 * LANES; i += 2) {
    const lo = acc[i]! + sign * leaf[i]!;
    // lo is in (-2^32, 2^33): the carry (or borrow) into the high half is floor(lo / 2^32)
    acc[i + 1] = acc[i + 1]! + sign * leaf[i + 1]! + Math.floor(lo / 2 ** 32);
    acc[i] = lo;
  }
}

export class StateHasher {
  private readonly acc = new Uint32Array(2 * LANES);
  private count = 0;
  private readonly leaves = new Map<string, Uint32Array>();

  private static leaf(id: string, encoded: string): Uint32Array {
    const digest = createHash('sha512').update(`${id}\0${encoded}`).digest();
    const out = new Uint32Array(2 * LANES);
    for (let i = 0; i < 2 * LANES; i++) out[i] = digest.readUInt32LE(4 * i);
    return out;
  }

  /** Set (or, with `encoded` undefined, remove) the record `id` = `table\0key`. */
  update(id: string, encoded: string | undefined): void {
    const old = this.leaves.get(id);
    if (old) {
      addLanes(this.acc, old, -1);
      this.count--;
      this.leaves.delete(id);
    }
    if (encoded !== undefined) {
      const leaf = StateHasher.leaf(id, encoded);
      addLanes(this.acc, leaf, 1);
      this.count++;
      this.leaves.set(id, leaf);
    }
  }

  root(): string {
    const bytes = Buffer.alloc(8 * LANES);
    for (let i = 0; i < 2 * LANES; i++) bytes.writeUInt32LE(this.acc[i]!, 4 * i);
    const h = createHash('sha256');
    h.update(bytes);
    h.update(String(this.count));
    return `0x${h.digest('hex')}`;
  }

  reset(): void {
    this.acc.fill(0);
    this.count = 0;
    this.leaves.clear();
  }
}
