/**
 * Bonds and dividends (docs/yuma.md §3.8): Yuma3 per-validator EMAs (with liquid alpha), and legacy Yuma's
 * column-normalised EMA. Everything walks sparse rows: cost follows the weights and bonds that exist.
 */
import { bmaAlpha, div, expFits, expSafe, expSafeBig, HALF, mul, ONE, u16Proportion } from './fixed.js';
import { normalize } from './math.js';
import { scratchF64, scratchI32 } from './scratch.js';
import type { SparseU16 } from './sparse.js';

/** A CSR matrix of I32F32 bits. `present` marks entries that exist in the chain's sparse matrix. */
export interface FixedCsr {
  ptr: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

export interface BondsInput {
  n: number;
  /** W̃ (weights after the bonds penalty) on the structure of W; `present` as the chain's sparse W̃. */
  wt: FixedCsr;
  wtPresent: Uint8Array;
  bonds: SparseU16;
  recently: Uint8Array;
  consensus: Float64Array;
  incentive: Float64Array;
  activeStake: Float64Array;
  chain: boolean;
  yuma3: boolean;
  liquidAlpha: boolean;
  bondsMovingAverage: number;
  alphaLow: number;
  alphaHigh: number;
  steepness: number;
}

export interface BondsOutput {
  /** Normalised dividends D. */
  dividends: Float64Array;
  /** What is stored (before fixed_proportion_to_u16): Yuma3 EMA, or legacy EMA column max-upscaled. */
  store: FixedCsr;
}

export function computeBonds(x: BondsInput): BondsOutput {
  return x.yuma3 ? yuma3(x) : legacy(x);
}

const TWO16 = 65536;

class CsrBuilder {
  readonly ptr: Int32Array;
  col: Int32Array;
  val: Float64Array;
  k = 0;
  constructor(n: number, capacity: number) {
    this.ptr = new Int32Array(n + 1);
    this.col = scratchI32('emaCol', capacity);
    this.val = scratchF64('emaVal', capacity);
  }
  done(n: number): FixedCsr {
    this.ptr[n] = this.k;
    return { ptr: this.ptr, col: this.col.subarray(0, this.k), val: this.val.subarray(0, this.k) };
  }
}

/** mul(c, u16Proportion(v)) per u16 value v, -1 where not computed yet (bond rows repeat values a lot). */
let memoC = Number.NaN;
const memo = new Float64Array(65536);
function decayMemo(c: number): Float64Array {
  if (c !== memoC) {
    memo.fill(-1);
    memoC = c;
  }
  return memo;
}

/** Column sums, then Σ_j (m_ij ⊘ colsum_j) ⊗ v_j per row (col-normalise fused with matmul_transpose). */
function colNormalizedDot(m: FixedCsr, n: number, v: Float64Array, normalizeCols: boolean): Float64Array {
  const colSum = new Float64Array(n);
  if (normalizeCols) addColumns(m, colSum);
  const out = new Float64Array(n);
  dotRows(m, n, v, normalizeCols, colSum, out);
  return out;
}

// Each loop ends its function: a cold process compiles a hot loop mid-run (on-stack replacement), and code
// after it in the same function would throw that code away on leaving the loop.

function addColumns(m: FixedCsr, colSum: Float64Array): void {
  const { col, val } = m;
  for (let e = 0; e < col.length; e++) colSum[col[e]!] = colSum[col[e]!]! + val[e]!;
}

function dotRows(
  m: FixedCsr,
  n: number,
  v: Float64Array,
  normalizeCols: boolean,
  colSum: Float64Array,
  out: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let e = m.ptr[i]!; e < m.ptr[i + 1]!; e++) {
      const j = m.col[e]!;
      const vj = v[j]!;
      if (vj === 0) continue;
      const cs = colSum[j]!;
      const x = normalizeCols && cs !== 0 ? div(m.val[e]!, cs) : m.val[e]!;
      s += mul(x, vj);
    }
    out[i] = s;
  }
}

function yuma3(x: BondsInput): BondsOutput {
  const { n, wt, bonds, consensus } = x;
  const la = x.liquidAlpha && n > 0 && consensus.some((c) => c !== 0);
  const a = bmaAlpha(BigInt(x.bondsMovingAverage));
  const out = new CsrBuilder(n, wt.col.length + bonds.col.length);
  out.k = la
    ? emaLiquid(x, alphaSigmoid(x.alphaLow, x.alphaHigh, x.steepness), out)
    : emaFixed(n, wt, bonds, x.recently, a, out);
  const store = out.done(n);
  const tbpv = colNormalizedDot(store, n, x.incentive, true);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = mul(tbpv[i]!, x.activeStake[i]!);
  return { dividends: normalize(d), store };
}

/**
 * Yuma3's bond EMA with a fixed α, a ⊗ W̃ + (1 − a) ⊗ B over the union of both rows' columns (bonds of
 * recently registered columns read as 0): one merge loop on locals, the hot part of a cold epoch.
 * Fills `out` from 0 and returns its entry count.
 */
function emaFixed(
  n: number,
  wt: FixedCsr,
  bonds: SparseU16,
  recently: Uint8Array,
  a: number,
  out: CsrBuilder,
): number {
  const { ptr: wPtr, col: wCol, val: wVal } = wt;
  const { ptr: bPtr, col: bCol, val: bVal } = bonds;
  const { ptr, col, val } = out;
  const c = ONE - a;
  const decay = decayMemo(c);
  // a ⊗ w for 0 ≤ a ≤ 1, 0 ≤ w < 2^37: floor(w·a / 2^32) with a split in 16-bit halves (exact, < 2^53)
  const aHi = Math.floor(a / TWO16);
  const aLo = a - aHi * TWO16;
  const aFits = a >= 0 && a <= ONE;
  let k = 0;
  for (let i = 0; i < n; i++) {
    ptr[i] = k;
    let e1 = wPtr[i]!;
    const w1 = wPtr[i + 1]!;
    let e2 = bPtr[i]!;
    const w2 = bPtr[i + 1]!;
    while (e1 < w1 || e2 < w2) {
      const j1 = e1 < w1 ? wCol[e1]! : n;
      const j2 = e2 < w2 ? bCol[e2]! : n;
      const j = Math.min(j1, j2);
      let ema = 0;
      if (j1 === j) {
        const w = wVal[e1]!;
        if (w !== 0) ema = aFits ? Math.floor((w * aHi + Math.floor((w * aLo) / TWO16)) / TWO16) : mul(a, w);
        e1++;
      }
      if (j2 === j) {
        const bu = recently[j] === 0 ? bVal[e2]! : 0;
        if (bu !== 0) {
          let d = decay[bu]!;
          if (d < 0) {
            d = mul(c, u16Proportion(bu));
            decay[bu] = d;
          }
          ema += d;
        }
        e2++;
      }
      if (ema > 0) {
        col[k] = j;
        val[k] = ema;
        k++;
      }
    }
  }
  return k;
}

/** Yuma3's bond EMA with liquid alpha (α per entry from the sigmoid; mat_ema_alpha_sparse on chain). */
function emaLiquid(
  x: BondsInput,
  alphaOf: (c: number, w: number, b: number) => number,
  out: CsrBuilder,
): number {
  const { n, wt, wtPresent, bonds, recently, consensus, chain } = x;
  let k = 0;
  for (let i = 0; i < n; i++) {
    out.ptr[i] = k;
    let e1 = wt.ptr[i]!;
    const w1 = wt.ptr[i + 1]!;
    let e2 = bonds.ptr[i]!;
    const w2 = bonds.ptr[i + 1]!;
    while (e1 < w1 || e2 < w2) {
      const j1 = e1 < w1 ? wt.col[e1]! : n;
      const j2 = e2 < w2 ? bonds.col[e2]! : n;
      const j = Math.min(j1, j2);
      let w = 0;
      let present = 0;
      if (j1 === j) {
        w = wt.val[e1]!;
        present = wtPresent[e1]!;
        e1++;
      }
      let bu = 0;
      if (j2 === j) {
        if (recently[j] === 0) bu = bonds.val[e2]!;
        e2++;
      }
      if (chain && present === 0) continue; // mat_ema_alpha_sparse: only columns present in W̃'s row
      const b = u16Proportion(bu);
      const alpha = alphaOf(consensus[j]!, w, b);
      const inc = mul(alpha, w);
      let ema = mul(ONE - alpha, b) + Math.max(inc, 0);
      if (ema > ONE) ema = ONE;
      if (ema > 0) {
        out.col[k] = j;
        out.val[k] = ema;
        k++;
      }
    }
  }
  return k;
}

/** `alpha_sigmoid` (run_epoch.rs l.1505–1532) with the sigmoid memoised by its argument. */
export function alphaSigmoid(
  alphaLow: number,
  alphaHigh: number,
  steepness: number,
): (c: number, w: number, b: number) => number {
  const steepDiv = div(steepness * ONE, -100 * ONE);
  const cache = new Map<number, number>();
  const span = alphaHigh - alphaLow;
  return (c, w, b) => {
    let combined: number;
    if (w >= b) {
      const d = w - c;
      combined = d < 0 ? 0 : Math.min(d, ONE);
    } else {
      const d = b - w;
      combined = d < 0 ? 0 : Math.min(d, ONE);
    }
    let sigmoid = cache.get(combined);
    if (sigmoid === undefined) {
      const arg = mul(steepDiv, combined - HALF);
      if (expFits(arg)) {
        sigmoid = div(ONE, ONE + expSafe(arg));
      } else {
        const one = BigInt(ONE);
        sigmoid = Number((one << 32n) / (one + expSafeBig(arg)));
      }
      cache.set(combined, sigmoid);
    }
    const alpha = alphaLow + mul(sigmoid, span);
    return Math.max(Math.min(alpha, alphaHigh), alphaLow);
  };
}

function legacy(x: BondsInput): BondsOutput {
  const { n, wt, bonds, recently, activeStake } = x;
  // B: raw u16 << 32, recently registered columns masked, column-normalised (exact: integer column sums)
  const bColSum = new Float64Array(n);
  for (let e = 0; e < bonds.col.length; e++) {
    const j = bonds.col[e]!;
    if (recently[j] === 0) bColSum[j] = bColSum[j]! + bonds.val[e]!;
  }
  // ΔB = col_normalize(W̃ ⊗ A_i)
  const dVal = scratchF64('deltaVal', wt.col.length);
  const dColSum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = activeStake[i]!;
    for (let e = wt.ptr[i]!; e < wt.ptr[i + 1]!; e++) {
      const h = s === 0 ? 0 : mul(wt.val[e]!, s);
      dVal[e] = h;
      dColSum[wt.col[e]!] = dColSum[wt.col[e]!]! + h;
    }
  }
  const a = bmaAlpha(BigInt(x.bondsMovingAverage));
  const oneMinusA = ONE - a;
  const ema = new CsrBuilder(n, wt.col.length + bonds.col.length);
  for (let i = 0; i < n; i++) {
    ema.ptr[i] = ema.k;
    let e1 = wt.ptr[i]!;
    const w1 = wt.ptr[i + 1]!;
    let e2 = bonds.ptr[i]!;
    const w2 = bonds.ptr[i + 1]!;
    while (e1 < w1 || e2 < w2) {
      const j1 = e1 < w1 ? wt.col[e1]! : n;
      const j2 = e2 < w2 ? bonds.col[e2]! : n;
      const j = Math.min(j1, j2);
      let dn = 0;
      if (j1 === j) {
        const cs = dColSum[j]!;
        dn = cs !== 0 ? div(dVal[e1]!, cs) : dVal[e1]!;
        e1++;
      }
      let bn = 0;
      if (j2 === j) {
        const cs = bColSum[j]!;
        if (recently[j] === 0 && cs !== 0) bn = Math.floor((bonds.val[e2]! * ONE) / cs);
        e2++;
      }
      const v = mul(a, dn) + mul(oneMinusA, bn);
      if (v > 0) {
        ema.col[ema.k] = j;
        ema.val[ema.k] = v;
        ema.k++;
      }
    }
  }
  const raw = ema.done(n);
  // EMA = col_normalize(raw); dividends = norm(EMA · I)
  const colSum = new Float64Array(n);
  for (let e = 0; e < raw.col.length; e++) colSum[raw.col[e]!] = colSum[raw.col[e]!]! + raw.val[e]!;
  for (let e = 0; e < raw.col.length; e++) {
    const cs = colSum[raw.col[e]!]!;
    if (cs !== 0) raw.val[e] = div(raw.val[e]!, cs);
  }
  const dividends = normalize(colNormalizedDot(raw, n, x.incentive, false));
  // stored: column max-upscaled
  const colMax = new Float64Array(n);
  for (let e = 0; e < raw.col.length; e++) {
    const j = raw.col[e]!;
    if (raw.val[e]! > colMax[j]!) colMax[j] = raw.val[e]!;
  }
  const up = scratchF64('upscaled', raw.col.length);
  for (let e = 0; e < raw.col.length; e++) {
    const cm = colMax[raw.col[e]!]!;
    up[e] = cm !== 0 ? div(raw.val[e]!, cm) : raw.val[e]!;
  }
  return { dividends, store: { ptr: raw.ptr, col: raw.col, val: up } };
}
