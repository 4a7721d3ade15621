/**
 * `math.rs` helpers of the epoch, on I32F32 bits (see fixed.ts): normalisation, top-k, the stake-weighted
 * median (the chain's quickselect, and the exact closed form the sparse epoch uses), u16 upscaling.
 */
import { div } from './fixed.js';
import { scratchF64 } from './scratch.js';

/** `inplace_normalize`: x ⊘ Σx, unchanged when Σ = 0. Returns a new array. */
export function normalize(x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(x as ArrayLike<number>);
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i]!;
  if (s === 0) return out;
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (v !== 0) out[i] = div(v, s);
  }
  return out;
}

/**
 * `is_topk_nonzero(v, k)`: v[i] ≠ 0, and when n ≥ k the n−k smallest (stable ascending sort, so the lower
 * uid loses a tie) are cleared.
 */
export function isTopkNonzero(v: ArrayLike<number>, k: number): boolean[] {
  const res = Array.from({ length: v.length }, (_, i) => v[i] !== 0);
  for (const i of smallest(v, k)) res[i] = false;
  return res;
}

/** `is_topk(v, k)`: as is_topk_nonzero but starting from all true. */
export function isTopk(v: ArrayLike<number>, k: number): boolean[] {
  const res = new Array<boolean>(v.length).fill(true);
  for (const i of smallest(v, k)) res[i] = false;
  return res;
}

/** The indices of the n−k smallest entries (stable ascending order), or none when n < k. */
function smallest(v: ArrayLike<number>, k: number): number[] {
  const n = v.length;
  if (n < k) return [];
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => v[a]! - v[b]! || a - b);
  return idx.slice(0, Math.max(n - k, 0));
}

/**
 * `weighted_median` (math.rs): the chain's mid-pivot quickselect over cumulative stake, transliterated.
 * Used by the helper tests and to pin the closed form below.
 */
export function weightedMedian(
  stake: ArrayLike<number>,
  score: ArrayLike<number>,
  partition: readonly number[],
  minority: number,
  lo0: number,
  hi0: number,
): number {
  let cur = partition.slice();
  let lo = lo0;
  let hi = hi0;
  const limit = partition.length;
  for (let it = 0; it <= limit; it++) {
    const n = cur.length;
    if (n === 0) return 0;
    if (n === 1) return score[cur[0]!]!;
    const pivot = score[cur[n >> 1]!]!;
    let loStake = 0;
    let hiStake = 0;
    const lower: number[] = [];
    const upper: number[] = [];
    for (const k of cur) {
      const s = score[k]!;
      if (s === pivot) continue;
      if (s < pivot) {
        loStake += stake[k]!;
        lower.push(k);
      } else {
        hiStake += stake[k]!;
        upper.push(k);
      }
    }
    if (minority < lo + loStake && lower.length > 0) {
      cur = lower;
      hi = lo + loStake;
    } else if (hi - hiStake <= minority && upper.length > 0) {
      cur = upper;
      lo = hi - hiStake;
    } else {
      return pivot;
    }
  }
  return 0;
}

/**
 * `weighted_median_col(_sparse)` on a dense column-major view: rows with stake > 0, their stake
 * re-normalised, minority = Σ − majority. Returns one median per column.
 */
export function weightedMedianColDense(
  stake: ArrayLike<number>,
  weights: readonly (readonly number[])[],
  majority: number,
): Float64Array {
  const cols = weights[0]?.length ?? 0;
  const med = new Float64Array(cols);
  const rows: number[] = [];
  for (let i = 0; i < stake.length; i++) if (stake[i]! > 0) rows.push(i);
  if (rows.length === 0) return med;
  const use = normalize(rows.map((i) => stake[i]!));
  let total = 0;
  for (const s of use) total += s;
  const minority = total - majority;
  const idx = rows.map((_, k) => k);
  for (let c = 0; c < cols; c++) {
    const col = rows.map((i) => weights[i]![c]!);
    med[c] = weightedMedian(use, col, idx, minority, 0, total);
  }
  return med;
}

/**
 * The same median in closed form (exactly equal to the quickselect; pinned by a property test): with
 * F(v) = stake of scores ≤ v, the result is min{v : F(v) > minority}, or the largest score if none.
 * `score/stake[a..b)` hold the column's positive scores (any order; reordered in place); `zeroStake`
 * and `hasZero` describe the rows scoring 0 (absent entries and explicit zeros).
 */
export function medianOfColumn(
  score: Float64Array,
  stake: Float64Array,
  a0: number,
  b0: number,
  zeroStake: number,
  hasZero: boolean,
  minority: number,
): number {
  if (hasZero && zeroStake > minority) return 0;
  if (b0 === a0) return 0;
  // weighted quickselect for min{v : base + F+(v) > t}
  const t = minority - zeroStake;
  let a = a0;
  let b = b0;
  let base = 0;
  for (;;) {
    const p = score[(a + b) >> 1]!;
    // 3-way partition: [a, lt) < p, [lt, gt) == p, [gt, b) > p
    let lt = a;
    let i = a;
    let gt = b;
    let sL = 0;
    let sE = 0;
    while (i < gt) {
      const v = score[i]!;
      if (v < p) {
        sL += stake[i]!;
        swap(score, stake, lt++, i++);
      } else if (v > p) {
        swap(score, stake, i, --gt);
      } else {
        sE += stake[i]!;
        i++;
      }
    }
    if (t < base + sL && lt > a) {
      b = lt;
    } else if (t < base + sL + sE || gt === b) {
      return p;
    } else {
      base += sL + sE;
      a = gt;
    }
  }
}

function swap(s: Float64Array, w: Float64Array, i: number, j: number): void {
  const x = s[i]!;
  s[i] = s[j]!;
  s[j] = x;
  const y = w[i]!;
  w[i] = w[j]!;
  w[j] = y;
}

/** `vec_max_upscale_to_u16` (what set_weights stores, §6), on I32F32 bits (saturating, any i64 bits). */
export function vecMaxUpscaleToU16(vec: readonly (number | bigint)[]): number[] {
  if (vec.length === 0) return [];
  const v = vec.map((x) => BigInt(x));
  const u16Max = 65535n << 32n;
  let mx = v[0]!;
  for (const x of v) if (x > mx) mx = x;
  const toU16b = (x: bigint): number => {
    const r = x >> 32n;
    return r < 0n ? 0 : r > 65535n ? 65535 : Number(r);
  };
  if (mx === 0n) return v.map((e) => toU16b(mulSat(e, u16Max)));
  if (mx > 32768n << 32n) {
    const f = divSafe(u16Max, mx);
    return v.map((e) => toU16b(roundBig(mulSat(e, f))));
  }
  return v.map((e) => toU16b(roundBig(divSafe(mulSat(e, u16Max), mx))));
}

const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const clamp64 = (x: bigint): bigint => (x > I64_MAX ? I64_MAX : x < I64_MIN ? I64_MIN : x);
const mulSat = (a: bigint, b: bigint): bigint => clamp64((a * b) >> 32n);
function divSafe(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const q = (a << 32n) / b;
  return q > I64_MAX || q < I64_MIN ? 0n : q;
}
function roundBig(x: bigint): bigint {
  const h = 1n << 31n;
  return x >= 0n ? ((x + h) >> 32n) << 32n : -(((-x + h) >> 32n) << 32n);
}

/**
 * `vec_u16_max_upscale_to_u16`: a `set_weights` row as the chain stores it (the largest value maps to 65535,
 * the rest scale and round in I32F32). The one copy: the ledger's set_weights and the peer's tests use it.
 */
export function vecU16MaxUpscaleToU16(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  const max = BigInt(Math.max(...values));
  if (max === 0n) return values.map(() => 0);
  // u16 inputs make vecMaxUpscaleToU16's saturation and safe-div guards moot: integer I32F32 steps, 3x faster.
  const round = (bits: bigint) => {
    const r = (bits + (1n << 31n)) >> 32n; // I32F32 round(), ties away from zero (bits ≥ 0)
    return Number(r > 65535n ? 65535n : r);
  };
  if (max > 32768n) {
    const ratio = (65535n << 32n) / max; // u16_max ⊘ max, in bits (trunc)
    return values.map((v) => round(BigInt(v) * ratio));
  }
  return values.map((v) => round(((BigInt(v) * 65535n) << 32n) / max));
}

/**
 * `weighted_median_col_sparse` (§3.6) on a CSR matrix of n columns: the median of every column over the
 * rows with stake > 0 (stake re-normalised over them, minority = Σ − majority). Uses the closed form, so the
 * cost is O(entries · log) and zero entries need no storage.
 */
export function weightedMedianColSparse(
  W: { ptr: Int32Array; col: Int32Array; val: Float64Array },
  A: ArrayLike<number>,
  n: number,
  kappa: number,
): Float64Array {
  const C = new Float64Array(n);
  const rows: number[] = [];
  for (let i = 0; i < A.length; i++) if (A[i]! > 0) rows.push(i);
  const k = rows.length;
  if (k === 0) return C;
  const use = normalize(rows.map((i) => A[i]!));
  let total = 0;
  for (let r = 0; r < k; r++) total += use[r]!;
  const minority = total - kappa;
  // transpose the positive entries of those rows into per-column (score, stake) segments
  const cnt = new Int32Array(n + 1);
  const posStake = new Float64Array(n);
  countColumns(W, rows, use, cnt, posStake);
  prefixSums(cnt, n);
  const score = scratchF64('medianScore', cnt[n]!);
  const stake = scratchF64('medianStake', cnt[n]!);
  fillColumns(W, rows, use, cnt.slice(0, n), score, stake);
  mediansInto(C, score, stake, cnt, posStake, total, k, minority);
  return C;
}

// Each loop ends its function: a cold process compiles a hot loop mid-run (on-stack replacement), and code
// after it in the same function would throw that code away on leaving the loop.

/** Per column: how many positive entries the staked rows hold (cnt[j + 1]) and their stake. */
function countColumns(
  W: { ptr: Int32Array; col: Int32Array; val: Float64Array },
  rows: readonly number[],
  use: Float64Array,
  cnt: Int32Array,
  posStake: Float64Array,
): void {
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const s = use[r]!;
    for (let e = W.ptr[i]!; e < W.ptr[i + 1]!; e++) {
      if (W.val[e]! > 0) {
        const j = W.col[e]!;
        cnt[j + 1] = cnt[j + 1]! + 1;
        posStake[j] = posStake[j]! + s;
      }
    }
  }
}

function prefixSums(cnt: Int32Array, n: number): void {
  for (let j = 0; j < n; j++) cnt[j + 1] = cnt[j + 1]! + cnt[j]!;
}

/** Scatters each positive entry's (score, stake) into its column's segment (`fill`: next free slot). */
function fillColumns(
  W: { ptr: Int32Array; col: Int32Array; val: Float64Array },
  rows: readonly number[],
  use: Float64Array,
  fill: Int32Array,
  score: Float64Array,
  stake: Float64Array,
): void {
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const s = use[r]!;
    for (let e = W.ptr[i]!; e < W.ptr[i + 1]!; e++) {
      const v = W.val[e]!;
      if (v > 0) {
        const at = fill[W.col[e]!]!;
        fill[W.col[e]!] = at + 1;
        score[at] = v;
        stake[at] = s;
      }
    }
  }
}

function mediansInto(
  C: Float64Array,
  score: Float64Array,
  stake: Float64Array,
  cnt: Int32Array,
  posStake: Float64Array,
  total: number,
  k: number,
  minority: number,
): void {
  for (let j = 0; j < C.length; j++) {
    const a = cnt[j]!;
    const b = cnt[j + 1]!;
    C[j] = medianOfColumn(score, stake, a, b, total - posStake[j]!, b - a < k, minority);
  }
}
