/**
 * Exact payout for the ledger: the epoch's rao conversions floor every share, so they pay out a little less
 * than the pool. `distributeExactly` pays the whole pool, never more or less.
 */

/**
 * Splits `pool` rao in proportion to `shares` (non-negative integers, e.g. I32F32 bits of the normalised
 * emissions). Each uid gets floor(pool·share/Σshares); the rounding remainder (< number of non-zero
 * shares) goes one rao at a time to the largest fractional remainders, lowest index first on ties.
 * Σ result = pool exactly whenever Σshares > 0; with Σshares = 0 nothing is paid (all zeros).
 */
export function distributeExactly(pool: bigint, shares: readonly (bigint | number)[]): bigint[] {
  if (pool < 0n) throw new RangeError('pool must be non-negative');
  const s = shares.map((x, i) => {
    const b = BigInt(x);
    if (b < 0n) throw new RangeError(`share ${i} is negative`);
    return b;
  });
  let total = 0n;
  for (const x of s) total += x;
  const out = new Array<bigint>(s.length).fill(0n);
  if (total === 0n) return out;
  const rem = new Array<bigint>(s.length);
  let paid = 0n;
  for (let i = 0; i < s.length; i++) {
    const num = pool * s[i]!;
    out[i] = num / total;
    rem[i] = num % total;
    paid += out[i]!;
  }
  let left = pool - paid;
  if (left > 0n) {
    const order = Array.from({ length: s.length }, (_, i) => i).filter((i) => rem[i]! > 0n);
    order.sort((a, b) => (rem[a]! > rem[b]! ? -1 : rem[a]! < rem[b]! ? 1 : a - b));
    for (const i of order) {
      if (left === 0n) break;
      out[i] = out[i]! + 1n;
      left -= 1n;
    }
  }
  return out;
}
