/**
 * Validating neighbour responses and turning them into clipped log-probs (docs/pruning.md §3.1, §3.2.4).
 * A response is valid when it has exactly rows × C finite, non-negative entries and every row sums to
 * 1 ± 1e-3. Invalid or missing responses are treated as removed (m_j = 0 in every pass, ŝ_j = 0).
 */
import { CLASSES } from '../task/blocked-gaussian.js';

/** The clip of f_j = log max(q_j, ε). */
export const EPSILON = 1e-4;
export const SUM_TOLERANCE = 1e-3;

export type ResponseCheck = { ok: true } | { ok: false; reason: string };

/** Checks one neighbour's response to `rows` validation items (row-major [rows, C]). */
export function checkResponse(probs: ArrayLike<number> | null | undefined, rows: number): ResponseCheck {
  if (probs === null || probs === undefined) return { ok: false, reason: 'no response' };
  if (typeof probs !== 'object' || typeof probs.length !== 'number')
    return { ok: false, reason: 'not an array' };
  if (probs.length !== rows * CLASSES)
    return { ok: false, reason: `wrong shape: ${probs.length} values, expected ${rows}×${CLASSES}` };
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < CLASSES; c++) {
      const v = probs[r * CLASSES + c];
      if (typeof v !== 'number' || !Number.isFinite(v))
        return { ok: false, reason: `non-finite value in row ${r}` };
      if (v < 0) return { ok: false, reason: `negative probability in row ${r}` };
      sum += v;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE)
      return { ok: false, reason: `row ${r} sums to ${sum.toFixed(6)}, not 1 ± ${SUM_TOLERANCE}` };
  }
  return { ok: true };
}

/** Writes f = log max(q, ε) (float32) for one valid response into `out` at `offset`. */
export function writeClippedLogProbs(probs: ArrayLike<number>, out: Float32Array, offset: number): void {
  for (let i = 0; i < probs.length; i++) out[offset + i] = Math.log(Math.max(probs[i]!, EPSILON));
}
