/**
 * Fixed-point arithmetic on raw bigint bits, as Subtensor's runtime does it with `substrate_fixed`: U64F64
 * (64 fractional bits, the swap pallet and alpha shares) and U96F32 (32 fractional bits, emission and the
 * moving price). Products and quotients truncate; `mul`/`add` saturate at the type's maximum, `sub` at 0;
 * `div` is the runtime's `safe_div`: 0 when dividing by zero or when the quotient overflows. No I/O.
 */

export interface Fixed {
  readonly frac: bigint;
  readonly one: bigint;
  readonly max: bigint;
  /** saturating_from_num(u64/u128). */
  int(n: bigint): bigint;
  /** saturating_from_num(f64): the nearest representable value (for the runtime's decimal constants). */
  float(x: number): bigint;
  mul(a: bigint, b: bigint): bigint;
  /** safe_div: 0 on a zero divisor or an overflowing quotient. */
  div(a: bigint, b: bigint): bigint;
  /** checked_div: undefined on a zero divisor or an overflowing quotient. */
  checkedDiv(a: bigint, b: bigint): bigint | undefined;
  add(a: bigint, b: bigint): bigint;
  sub(a: bigint, b: bigint): bigint;
  /** saturating_to_num::<u64>(): floor, saturating at 2^64 − 1. */
  toU64(a: bigint): bigint;
  min(a: bigint, b: bigint): bigint;
}

export const MAX_U64 = (1n << 64n) - 1n;

/** The smaller of two bigints (Math.min takes numbers only). */
export function bigMin(a: bigint, b: bigint): bigint {
  if (b < a) return b;
  return a;
}

function fixed(frac: bigint): Fixed {
  const one = 1n << frac;
  const max = (1n << 128n) - 1n;
  const checkedDiv = (a: bigint, b: bigint): bigint | undefined => {
    if (b === 0n) return undefined;
    const r = (a << frac) / b;
    return r > max ? undefined : r;
  };
  return {
    frac,
    one,
    max,
    int: (n) => (n << frac > max ? max : n << frac),
    float: (x) => {
      const r = BigInt(Math.round(x * 2 ** Number(frac)));
      return r > max ? max : r;
    },
    mul: (a, b) => {
      const r = (a * b) >> frac;
      return r > max ? max : r;
    },
    div: (a, b) => checkedDiv(a, b) ?? 0n,
    checkedDiv,
    add: (a, b) => (a + b > max ? max : a + b),
    sub: (a, b) => (a > b ? a - b : 0n),
    toU64: (a) => {
      const r = a >> frac;
      return r > MAX_U64 ? MAX_U64 : r;
    },
    min: bigMin,
  };
}

/** U64F64: √prices, liquidity, fee rates, alpha shares. */
export const U64F64 = fixed(64n);
/** U96F32: emission, prices in the coinbase, the moving price (stored as I96F32, non-negative here). */
export const U96F32 = fixed(32n);

/** floor(√n) for a non-negative bigint (sp_arithmetic's u128 sqrt). */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/**
 * safe_math's `checked_sqrt(epsilon)` on U64F64 bits: bisection between 0 and max(1, x) until |x/m − m| ≤ ε
 * or 128 iterations. Not the exact square root: the pool's initial √price and every limit √price are this
 * value, so the model must repeat it bit for bit.
 */
export function checkedSqrt(x: bigint, epsilon: bigint): bigint {
  const f = U64F64;
  const two = f.int(2n);
  let high: bigint;
  let low: bigint;
  if (x > f.one) {
    high = x;
    low = 0n;
  } else {
    high = f.one;
    low = x;
  }
  let middle = f.div(f.add(high, low), two);
  let check = f.div(x, middle);
  for (let i = 0; (check > middle ? check - middle : middle - check) > epsilon; ) {
    if (check < middle) high = middle;
    else low = middle;
    middle = f.div(f.add(high, low), two);
    check = f.div(x, middle);
    i += 1;
    if (i > 128) break;
  }
  return middle;
}
