// The 76 helper cases of Subtensor's math tests (vectors/math.json) through our fixed-point helpers: each
// result must equal the reference's exact fixed-mode result (fixtures/yuma/math_ref.json) bit for bit, and
// the Rust test's expected value within the case's own tolerance.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alphaSigmoid } from '../../src/consensus/bonds.js';
import { bmaAlpha, expSafe, expSafeBig, fromFloat, ONE, ratioU16 } from '../../src/consensus/fixed.js';
import * as H from '../../src/consensus/helpers.js';
import {
  isTopk,
  isTopkNonzero,
  normalize,
  vecMaxUpscaleToU16,
  vecU16MaxUpscaleToU16,
  weightedMedian,
  weightedMedianColDense,
  weightedMedianColSparse,
} from '../../src/consensus/math.js';
import { SHARED_YUMA } from './vectors.js';

interface MathCase {
  name: string;
  function: string;
  inputs: Record<string, unknown> & { input_float_type?: string; float_types?: Record<string, string> };
  expected: { result: unknown };
  tolerance?: Record<string, unknown>;
}

const cases = (
  JSON.parse(readFileSync(join(SHARED_YUMA, 'vectors', 'math.json'), 'utf8')) as { cases: MathCase[] }
).cases;
const exact = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/yuma/math_ref.json'), 'utf8'),
) as Record<string, unknown>;

const I64_MAX = (1n << 63n) - 1n;
const toF = (bits: number): number => bits / ONE;
const flat = (x: unknown): unknown[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);

function run(c: MathCase): unknown {
  const inp = c.inputs;
  const f32 = (inp.input_float_type ?? 'f32') === 'f32';
  const is32 = (field: string) => (inp.float_types?.[field] ?? (f32 ? 'f32' : 'f64')) === 'f32';
  const cast = (x: number, as32 = f32) => fromFloat(as32 ? Math.fround(x) : x);
  const vec = (k: string, as32 = f32) => (inp[k] as number[]).map((x) => cast(x, as32));
  const mat = (k: string) => (inp[k] as number[][]).map((r) => r.map((x) => cast(x)));
  const fl = (m: number[][]) => m.map((r) => r.map(toF));
  switch (c.function) {
    case 'weighted_median': {
      let stake = vec('stake');
      if (inp.normalize_stake) stake = Array.from(normalize(stake));
      const score = vec('score');
      const total = stake.reduce((a, b) => a + b, 0);
      const minority = ONE - cast(inp.majority as number);
      const idx = stake.map((_, i) => i);
      return toF(weightedMedian(stake, score, idx, minority, 0, total));
    }
    case 'weighted_median_col': {
      const stake = vec('stake');
      const w = mat('weights');
      const maj = cast(inp.majority as number);
      const dense = Array.from(weightedMedianColDense(stake, w, maj), toF);
      // the sparse closed form the epoch uses must agree on every column
      const cols = w[0]?.length ?? 0;
      const ptr = new Int32Array(w.length + 1);
      const col: number[] = [];
      const val: number[] = [];
      w.forEach((r, i) => {
        ptr[i] = col.length;
        r.forEach((v, j) => {
          if (v !== 0) {
            col.push(j);
            val.push(v);
          }
        });
        ptr[i + 1] = col.length;
      });
      const csr = { ptr, col: Int32Array.from(col), val: Float64Array.from(val) };
      const sparse = Array.from(weightedMedianColSparse(csr, stake, cols, maj), toF);
      expect(sparse).toEqual(dense);
      return dense;
    }
    case 'vec_u16_max_upscale_to_u16':
      return vecU16MaxUpscaleToU16(inp.vector as number[]);
    case 'vec_max_upscale_to_u16':
      return vecMaxUpscaleToU16(
        (inp.vector as unknown[]).map((x) => {
          if (typeof x === 'number') return cast(x);
          const o = x as { int?: number; max_value?: boolean };
          return o.int !== undefined ? BigInt(o.int) << 32n : I64_MAX;
        }),
      );
    case 'is_topk':
      return isTopk(vec('vector'), inp.k as number);
    case 'is_topk_nonzero':
      return isTopkNonzero(vec('vector'), inp.k as number);
    case 'inplace_normalize':
      return Array.from(normalize(vec('vector')), toF);
    case 'inplace_row_normalize':
      return fl(H.rowNormalize(mat('matrix')));
    case 'inplace_col_normalize':
      return fl(H.colNormalize(mat('matrix')));
    case 'inplace_col_max_upscale':
      return fl(H.colMaxUpscale(mat('matrix')));
    case 'matmul':
      return H.matmul(mat('matrix'), vec('vector')).map(toF);
    case 'matmul_transpose':
      return H.matmulTranspose(mat('matrix'), vec('vector')).map(toF);
    case 'inplace_col_clip':
      return fl(H.colClip(mat('matrix'), vec('vector')));
    case 'mat_ema_alpha':
      return fl(H.matEmaAlpha(mat('new'), mat('old'), mat('alphas'), Boolean(inp.sparse)));
    case 'interpolate':
      return fl(H.interpolate(mat('mat1'), mat('mat2'), cast(inp.ratio as number, is32('ratio'))));
    case 'exp_safe': {
      const x = inp.x;
      const bits =
        typeof x === 'number' ? cast(x) : (x as { min_value?: boolean }).min_value ? -(2 ** 63) : 2 ** 63;
      const big = expSafeBig(bits);
      if (Math.abs(bits) <= 8 * ONE) expect(BigInt(expSafe(bits))).toBe(big);
      return Number(big) / ONE;
    }
    case 'bma_alpha':
      return toF(bmaAlpha(BigInt(inp.bonds_moving_average as number)));
    case 'alpha_sigmoid': {
      const a = alphaSigmoid(
        ratioU16(inp.alpha_low as number),
        ratioU16(inp.alpha_high as number),
        inp.steepness as number,
      );
      return toF(a(cast(inp.consensus as number), cast(inp.weight as number), cast(inp.bond as number)));
    }
    case 'compute_bonds':
      return fl(
        H.computeBondsDense(mat('weights'), mat('bonds'), vec('consensus'), {
          liquidAlpha: Boolean(inp.liquid_alpha_enabled),
          alphaLow: ratioU16(inp.alpha_low as number),
          alphaHigh: ratioU16(inp.alpha_high as number),
          steepness: (inp.alpha_sigmoid_steepness as number | undefined) ?? 1000,
          bondsMovingAverage: inp.bonds_moving_average as number,
        }),
      );
    default:
      throw new Error(`no helper for ${c.function}`);
  }
}

/** The reference's tolerance rule (yuma_ref.py _tol_for, fixed mode). */
function tolerance(c: MathCase): number {
  const t = c.tolerance ?? {};
  const fixed = t.fixed as Record<string, number> | undefined;
  return fixed?.result ?? (t.result as number | undefined) ?? (t.default as number | undefined) ?? 1e-9;
}

describe('math.rs helper vectors (76 cases)', () => {
  it('has all 76 cases', () => {
    expect(cases).toHaveLength(76);
  });
  for (const c of cases) {
    it(`${c.name}: equals the reference bit for bit and the Rust expectation`, () => {
      const got = run(c);
      expect(flat(got)).toEqual(flat(exact[c.name]));
      const want = flat(c.expected.result);
      const have = flat(got);
      expect(have).toHaveLength(want.length);
      const tol = tolerance(c);
      want.forEach((w, i) => {
        if (typeof w === 'boolean' || w === null) expect(have[i]).toBe(w ?? have[i]);
        else expect(Math.abs(Number(have[i]) - Number(w))).toBeLessThanOrEqual(tol);
      });
    });
  }
});
