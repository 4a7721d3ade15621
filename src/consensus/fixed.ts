/**
 * The chain's fixed-point arithmetic (substrate-fixed I32F32 / I64F64 / I96F32), bit-exact, on Numbers.
 *
 * An I32F32 value is carried as its raw bits (value × 2^32) in a Number. Every bit pattern the epoch can
 * produce is an integer below 2^53 in magnitude (values < 2^21), so Numbers hold them exactly; products and
 * quotients that need more than 53 bits are computed exactly by splitting into 16/32-bit halves. BigInt
 * appears only where a value truly needs it (stake normalisation over huge totals, rao conversion, and the
 * exp series outside its fast range).
 */

/** 2^32: the bits of I32F32 1.0. */
export const ONE = 4294967296;
/** The bits of I32F32 0.5. */
export const HALF = 2147483648;
const TWO16 = 65536;
const TWO21 = 2097152;
const TWO37 = 137438953472;
const TWO42 = 4398046511104;
const TWO10 = 1024;
const TWO11 = 2048;
const TWO50 = 1125899906842624;
const TWO53 = 9007199254740992;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const U64_MAX = (1n << 64n) - 1n;
const I128_MAX = (1n << 127n) - 1n;
const I128_MIN = -(1n << 127n);

/** Thrown when a value would leave the exactly-representable range (|bits| >= 2^53): a bug guard. */
function outOfRange(what: string): never {
  throw new RangeError(`I32F32 ${what} outside the exact range of this implementation`);
}

/** Bits of a BigInt I32F32 result, which must fit a Number exactly. */
function fromBig(b: bigint, what: string): number {
  if (b >= BigInt(TWO53) || b <= -BigInt(TWO53)) outOfRange(what);
  return Number(b);
}

/**
 * `a.saturating_mul(b)`: floor(a·b / 2^32) (an arithmetic shift: floor also for negatives).
 * Exact for |a|, |b| < 2^53 whose result is below 2^53.
 */
export function mul(a: number, b: number): number {
  const p = a * b;
  if (p < TWO53 && p > -TWO53) return Math.floor(p / ONE) + 0; // + 0: never -0
  return mulSplit(a, b);
}

function mulSplit(a0: number, b0: number): number {
  const neg = a0 < 0 !== b0 < 0;
  const a = a0 < 0 ? -a0 : a0;
  const b = b0 < 0 ? -b0 : b0;
  const ah = Math.floor(a / ONE);
  const al = a - ah * ONE;
  const bh = Math.floor(b / ONE);
  const bl = b - bh * ONE;
  // al·bl (< 2^64) = (alh·2^16 + all)·bl; split so every partial product stays below 2^53.
  const alh = Math.floor(al / TWO16);
  const all = al - alh * TWO16;
  const y = all * bl;
  const yh = Math.floor(y / TWO16);
  const yl = y - yh * TWO16;
  const s = alh * bl + yh;
  const sh = Math.floor(s / TWO16);
  const sl = s - sh * TWO16;
  const q = ah * bh * ONE + ah * bl + al * bh + sh;
  if (q >= TWO53) outOfRange('product');
  if (!neg) return q;
  return sl !== 0 || yl !== 0 ? -q - 1 : 0 - q;
}

/**
 * `a.safe_div(b)` (checked_div, unwrap_or 0): trunc(a·2^32 / b), 0 when b = 0 or the quotient overflows i64.
 * `saturating_div` gives the same bits wherever the epoch uses it.
 */
export function div(a0: number, b0: number): number {
  if (b0 === 0) return 0;
  const neg = a0 < 0 !== b0 < 0;
  const a = a0 < 0 ? -a0 : a0;
  const b = b0 < 0 ? -b0 : b0;
  let q: number;
  if (a < TWO21) {
    // a·2^32 < 2^53: one correctly rounded division floors exactly for integers below 2^53.
    q = Math.floor((a * ONE) / b);
  } else {
    const q0 = Math.floor(a / b);
    if (q0 >= TWO21 || b > TWO50) return divBig(a0, b0);
    let r = a - q0 * b;
    if (b <= TWO37) {
      r *= TWO16;
      const q1 = Math.floor(r / b);
      r -= q1 * b;
      r *= TWO16;
      q = q0 * ONE + q1 * TWO16 + Math.floor(r / b);
    } else if (b <= TWO42) {
      r *= TWO11;
      const q1 = Math.floor(r / b);
      r -= q1 * b;
      r *= TWO11;
      const q2 = Math.floor(r / b);
      r -= q2 * b;
      r *= TWO10;
      q = q0 * ONE + q1 * TWO21 + q2 * TWO10 + Math.floor(r / b);
    } else {
      // long division in chunks small enough that r·2^k stays below 2^53
      const k = 51 - Math.floor(Math.log2(b));
      let left = 32;
      q = q0;
      while (left > 0) {
        const kk = Math.min(left, k);
        const m = 2 ** kk;
        r *= m;
        const qi = Math.floor(r / b);
        r -= qi * b;
        q = q * m + qi;
        left -= kk;
      }
    }
  }
  return neg ? 0 - q : q;
}

function divBig(a: number, b: number): number {
  const num = BigInt(a) << 32n;
  const q = num / BigInt(b); // BigInt division truncates toward zero
  if (q > I64_MAX || q < I64_MIN) return 0;
  return fromBig(q, 'quotient');
}

/** Exact sum of bits (the chain's `iter().sum()`; never saturates at epoch magnitudes). */
export function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}

/** `I32F32::from_num(int)`. */
export const fromInt = (v: number): number => v * ONE;

/** `fixed_proportion_to_u16`: floor(x·65535 / 2^32) clamped to [0, 65535]. */
export function propToU16(x: number): number {
  if (x <= 0) return 0;
  const v = Math.floor((x * 65535) / ONE);
  return Math.min(v, 65535);
}

/**
 * `u16_proportion_to_fixed(v)` and the u16 ratio parameters (`I32F32(v) ⊘ I32F32(65535)`): floor(v·2^32/65535)
 * (v·2^32 < 2^48 is exact and one correctly rounded division floors exactly).
 */
export const u16Proportion = (v: number): number => Math.floor((v * ONE) / 65535);

/** `I32F32(v) ⊘ I32F32(65535)` for a u16 parameter (κ, bonds penalty, α_low/α_high). */
export const ratioU16 = u16Proportion;

/** `saturating_to_num::<u16>()`: floor, clamped. */
export function toU16(x: number): number {
  const v = Math.floor(x / ONE);
  return v < 0 ? 0 : Math.min(v, 65535);
}

/** `.round()`: to nearest, ties away from zero (bits of an integer value). */
export function round(x: number): number {
  if (x >= 0) return Math.floor((x + HALF) / ONE) * ONE;
  return -Math.floor((-x + HALF) / ONE) * ONE;
}

/** `I96F32(x).saturating_mul(I96F32(rao)).saturating_to_num::<u64>()`: floor(x·rao / 2^32), clamped. */
export function toRao(x: number, rao: bigint): bigint {
  if (x <= 0 || rao <= 0n) return 0n;
  let p = BigInt(x) * rao;
  if (p > I128_MAX) p = I128_MAX;
  if (p < I128_MIN) p = I128_MIN;
  const v = p >> 32n;
  return v < 0n ? 0n : v > U64_MAX ? U64_MAX : v;
}

/**
 * `inplace_normalize_64` of I64F64(stake) followed by `vec_fixed64_to_fixed32`: for non-negative integer
 * stakes this is floor(s·2^32 / Σs) (the two truncations compose); unchanged zeros when Σ = 0.
 */
export function normalizeStake(stake: readonly bigint[]): Float64Array {
  const out = new Float64Array(stake.length);
  let total = 0n;
  for (const s of stake) total += s;
  if (total === 0n) return out;
  if (total <= BigInt(TWO50)) {
    const t = Number(total);
    for (let i = 0; i < stake.length; i++) {
      const s = stake[i]!;
      if (s !== 0n) out[i] = div(Number(s), t);
    }
    return out;
  }
  for (let i = 0; i < stake.length; i++) {
    const s = stake[i]!;
    if (s === 0n) continue;
    // I64F64 bits: trunc((s<<64<<64)/(Σ<<64)); then >>32 to I32F32 (floor)
    const q64 = ((s << 64n) << 64n) / (total << 64n);
    out[i] = fromBig(q64 >> 32n, 'stake');
  }
  return out;
}

/** `1 - I32F32(I64F64(bma) / I64F64(1_000_000))` (the I64F64 → I32F32 step truncates). */
export function bmaAlpha(bma: bigint): number {
  const q = ((bma << 64n) << 64n) / (1_000_000n << 64n);
  const narrowed = q >> 32n;
  const clamped = narrowed > I64_MAX ? I64_MAX : narrowed < I64_MIN ? I64_MIN : narrowed;
  return fromBig(BigInt(ONE) - clamped, 'bonds moving average');
}

/** `substrate_fixed::transcendental::E` as I9F23 (22802600), widened to I32F32 bits. */
export const E_BITS = 22802600 * 512;
const EXP_LIMIT = 20 * ONE;
const EXP_FAST = 8 * ONE;

/** `exp_safe`: clamp to [-20, 20], then substrate-fixed's 31-term Taylor exp (bits as a Number). */
export function expSafe(x0: number): number {
  const x = x0 < -EXP_LIMIT ? -EXP_LIMIT : Math.min(x0, EXP_LIMIT);
  if (x === 0) return ONE;
  if (x === ONE) return E_BITS;
  const ax = x < 0 ? -x : x;
  if (ax > EXP_FAST) return fromBig(expSafeBig(x), 'exp');
  let result = ax + ONE;
  let term = ax;
  for (let i = 2; i < 32; i++) {
    term = Math.floor(mul(term, ax) / i);
    result += term;
  }
  return x < 0 ? div(ONE, result) : result;
}

/** Is |x| small enough for the Number fast path of `expSafe` (result and terms below 2^53)? */
export const expFits = (x: number): boolean => x <= EXP_FAST && x >= -EXP_FAST;

/** `exp_safe` as a BigInt (any x; e^20 needs 61 bits). 0 / I32F32::MAX on overflow, as the chain. */
export function expSafeBig(x0: number): bigint {
  const clampedX = x0 < -EXP_LIMIT ? -EXP_LIMIT : Math.min(x0, EXP_LIMIT);
  const one = BigInt(ONE);
  let x = BigInt(clampedX);
  if (x === 0n) return one;
  if (x === one) return BigInt(E_BITS);
  const neg = x < 0n;
  if (neg) x = -x;
  let result = x + one;
  let term = x;
  for (let i = 2n; i < 32n; i++) {
    term = (term * x) >> 32n;
    if (term > I64_MAX || term < I64_MIN) return clampedX <= 0 ? 0n : I64_MAX;
    term = (term << 32n) / (i << 32n);
    result += term;
    if (result > I64_MAX) return clampedX <= 0 ? 0n : I64_MAX;
  }
  if (neg) {
    if (result === 0n) return 0n;
    result = (one << 32n) / result;
  }
  return result;
}

/** `I32F32::from_num(f64)` (round to nearest, ties to even): for tests and literal parameters. */
export function fromFloat(x: number): number {
  const scaled = x * ONE; // exact: scaling by a power of two
  const f = Math.floor(scaled);
  const d = scaled - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Bits → the float the reference prints (bits / 2^32, exact division by a power of two). */
export const toFloat = (x: number): number => x / ONE;
