/**
 * Dense forms of the `math.rs` matrix helpers (rows of I32F32 bits), on the same primitives the sparse
 * epoch fuses into its loops. The helper vectors (math.json) test them; the ledger does not need them.
 */
import { alphaSigmoid } from './bonds.js';
import { bmaAlpha, div, mul, ONE } from './fixed.js';

export type Dense = number[][];

const cols = (m: Dense): number => m[0]?.length ?? 0;

/** `inplace_row_normalize`: rows with Σ > 0 divided by Σ. */
export function rowNormalize(m: Dense): Dense {
  return m.map((r) => {
    const s = r.reduce((a, b) => a + b, 0);
    return s > 0 ? r.map((v) => div(v, s)) : r.slice();
  });
}

function colSums(m: Dense): number[] {
  const s = new Array<number>(cols(m)).fill(0);
  for (const r of m) {
    r.forEach((v, j) => {
      s[j] = s[j]! + v;
    });
  }
  return s;
}

/** `inplace_col_normalize`: columns with Σ ≠ 0 divided by Σ. */
export function colNormalize(m: Dense): Dense {
  const s = colSums(m);
  return m.map((r) => r.map((v, j) => (s[j] !== 0 ? div(v, s[j]!) : v)));
}

/** `inplace_col_max_upscale`: columns with max (starting at 0) ≠ 0 divided by it. */
export function colMaxUpscale(m: Dense): Dense {
  const mx = new Array<number>(cols(m)).fill(0);
  for (const r of m) {
    r.forEach((v, j) => {
      mx[j] = Math.max(mx[j]!, v);
    });
  }
  return m.map((r) => r.map((v, j) => (mx[j] !== 0 ? div(v, mx[j]!) : v)));
}

/** `matmul(M, v)`: r_j = Σ_i v_i ⊗ M_ij. */
export function matmul(m: Dense, v: readonly number[]): number[] {
  const r = new Array<number>(cols(m)).fill(0);
  m.forEach((row, i) => {
    row.forEach((x, j) => {
      r[j] = r[j]! + mul(x, v[i]!);
    });
  });
  return r;
}

/** `matmul_transpose(M, v)`: r_i = Σ_j M_ij ⊗ v_j. */
export const matmulTranspose = (m: Dense, v: readonly number[]): number[] =>
  m.map((row) => row.reduce((s, x, j) => s + mul(x, v[j]!), 0));

/** `inplace_col_clip`: min(M_ij, c_j). */
export const colClip = (m: Dense, c: readonly number[]): Dense =>
  m.map((r) => r.map((v, j) => Math.min(v, c[j]!)));

/** `interpolate(M1, M2, ratio)`: M1 + ratio ⊗ (M2 − M1); ratio 0 / 1 return M1 / M2. */
export function interpolate(m1: Dense, m2: Dense, ratio: number): Dense {
  if (ratio === 0) return m1.map((r) => r.slice());
  if (ratio === ONE) return m2.map((r) => r.slice());
  return m1.map((r, i) => r.map((v, j) => v + mul(ratio, m2[i]![j]! - v)));
}

/** `mat_ema(new, old, α)`: α ⊗ new + (1−α) ⊗ old. */
export const matEma = (nw: Dense, old: Dense, alpha: number): Dense =>
  nw.map((r, i) => r.map((v, j) => mul(alpha, v) + mul(ONE - alpha, old[i]![j]!)));

/**
 * `mat_ema_alpha(new, old, α_ij)`: min(1, (1−α) ⊗ old + max(0, α ⊗ new)). With `sparse`
 * (`mat_ema_alpha_sparse`) only entries present (> 0) in `new` are emitted, the rest are 0.
 */
export function matEmaAlpha(nw: Dense, old: Dense, alphas: Dense, sparse = false): Dense {
  return nw.map((r, i) =>
    r.map((v, j) => {
      if (sparse && !(v > 0)) return 0;
      const a = alphas[i]![j]!;
      const inc = mul(a, v);
      return Math.min(mul(ONE - a, old[i]![j]!) + Math.max(inc, 0), ONE);
    }),
  );
}

/** run_epoch.rs `compute_bonds` (dense Yuma3 bond EMA, liquid alpha when enabled and any c ≠ 0). */
export function computeBondsDense(
  w: Dense,
  b: Dense,
  c: readonly number[],
  p: {
    liquidAlpha: boolean;
    alphaLow: number;
    alphaHigh: number;
    steepness: number;
    bondsMovingAverage: number;
  },
): Dense {
  if (p.liquidAlpha && c.some((x) => x !== 0)) {
    const alphaOf = alphaSigmoid(p.alphaLow, p.alphaHigh, p.steepness);
    const alphas = w.map((r, i) => r.map((v, j) => alphaOf(c[j]!, v, b[i]![j]!)));
    return matEmaAlpha(w, b, alphas);
  }
  return matEma(w, b, bmaAlpha(BigInt(p.bondsMovingAverage)));
}
