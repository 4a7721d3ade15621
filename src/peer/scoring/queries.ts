/**
 * Building a round's query batch (docs/pruning.md §3.2.1–2, §3.2.6): the validation rows are placed at random
 * positions among ordinary query rows, so a neighbour cannot tell which answers are scored; afterwards the
 * validation rows are taken back out of each response. Also: drawing a random subset of neighbours when K
 * is too large to query everyone each round.
 */
import { CLASSES, FEATURES } from '../task/blocked-gaussian.js';
import type { Rng } from '../task/prng.js';

export interface QueryBatch {
  /** Total rows sent to every neighbour. */
  rows: number;
  /** Row-major features, rows × FEATURES. */
  x: Float32Array;
  /** validationIdx[b] = row of validation item b in `x` (ascending order is NOT implied). */
  validationIdx: Int32Array;
}

/** Shuffles `validation` (vRows rows) and `ordinary` (oRows rows) together; returns where validation rows went. */
export function mixQueries(
  rng: Rng,
  validation: Float32Array,
  vRows: number,
  ordinary: Float32Array = new Float32Array(0),
  oRows = 0,
): QueryBatch {
  if (validation.length !== vRows * FEATURES || ordinary.length !== oRows * FEATURES)
    throw new RangeError('query rows do not match their feature arrays');
  const rows = vRows + oRows;
  const order = rng.shuffle(Array.from({ length: rows }, (_, i) => i)); // order[pos] = source row
  const x = new Float32Array(rows * FEATURES);
  const validationIdx = new Int32Array(vRows);
  for (let pos = 0; pos < rows; pos++) {
    const src = order[pos]!;
    if (src < vRows) {
      x.set(validation.subarray(src * FEATURES, (src + 1) * FEATURES), pos * FEATURES);
      validationIdx[src] = pos;
    } else {
      const o = src - vRows;
      x.set(ordinary.subarray(o * FEATURES, (o + 1) * FEATURES), pos * FEATURES);
    }
  }
  return { rows, x, validationIdx };
}

/**
 * Takes the validation rows (in validation order) out of a neighbour's response to the mixed batch.
 * A response of the wrong length is returned as is (the validity check then rejects it).
 */
export function takeValidationRows(
  probs: ArrayLike<number> | null | undefined,
  batch: QueryBatch,
): ArrayLike<number> | null {
  if (probs === null || probs === undefined) return null;
  if (probs.length !== batch.rows * CLASSES) return probs;
  const out = new Float64Array(batch.validationIdx.length * CLASSES);
  batch.validationIdx.forEach((pos, b) => {
    for (let c = 0; c < CLASSES; c++) out[b * CLASSES + c] = probs[pos * CLASSES + c]!;
  });
  return out;
}
