/**
 * From smoothed scores to the ledger row (docs/pruning.md §3.5):
 *   s⁺_j = max(s̄_j, 0), zeroed unless s̄_j > 2·SE_j (significance gate, on by default);
 *   w = s⁺ / Σ s⁺ — and no row at all when every s⁺ = 0 (never a uniform row);
 *   `min_allowed_weights`: fill with the next-best non-negative neighbours at their own (tiny, ungated)
 *   s⁺, never inventing weight; `max_weight_limit` λ: the water-filling cap `normalizeMaxWeight` (a port
 *   of the Bittensor SDK's `normalize_max_weight`), feasible only when (#positive entries)·λ ≥ 1;
 *   u16 quantisation as subtensor: max-upscale to 65535, round half away from zero.
 */

export const U16_MAX = 65535;

/**
 * Water-filling cap (bittensor `weight_utils.normalize_max_weight`): returns x normalised to sum 1 with no
 * entry above `limit`, lowering the largest entries to a common cutoff. Uniform when Σx = 0 or n·limit ≤ 1.
 */
export function normalizeMaxWeight(x: readonly number[], limit = 0.1): number[] {
  const n = x.length;
  const epsilon = 1e-7;
  const total = x.reduce((s, v) => s + v, 0);
  if (n === 0) return [];
  if (total === 0 || n * limit <= 1) return x.map(() => 1 / n);
  const values = [...x].sort((p, q) => p - q);
  const estimation = values.map((v) => v / total);
  if (Math.max(...estimation) <= limit) return x.map((v) => v / total);
  const cumsum: number[] = [];
  estimation.reduce((s, v, i) => {
    cumsum[i] = s + v;
    return cumsum[i]!;
  }, 0);
  const estimationSum = estimation.map((e, i) => (n - i - 1) * e);
  let nValues = 0;
  for (let i = 0; i < n; i++)
    if (estimation[i]! / (estimationSum[i]! + cumsum[i]! + epsilon) < limit) nValues++;
  const cutoffScale =
    (limit * (nValues > 0 ? cumsum[nValues - 1]! : 0) - epsilon) / (1 - limit * (n - nValues));
  const cutoff = cutoffScale * total;
  const capped = x.map((v) => Math.min(v, cutoff));
  const sum = capped.reduce((s, v) => s + v, 0);
  return capped.map((v) => v / sum);
}

const roundHalfAway = (v: number) => (v < 0 ? -Math.round(-v) : Math.round(v));

/** Float weights → u16 for a weights tx: max-upscaled so the largest is 65535 (all zero if max ≤ 0). */
export function weightsToU16(w: readonly number[]): number[] {
  const max = w.reduce((m, v) => Math.max(m, v), 0);
  if (!(max > 0)) return w.map(() => 0);
  return w.map((v) => Math.min(U16_MAX, Math.max(0, roundHalfAway((Math.max(v, 0) / max) * U16_MAX))));
}

/** u16 row → normalised float weights (what Yuma sees after its row normalisation). */
export function u16ToWeights(u: readonly number[]): number[] {
  const sum = u.reduce((s, v) => s + v, 0);
  return sum === 0 ? u.map(() => 0) : u.map((v) => v / sum);
}

export interface ScoreEntry {
  uid: number;
  /** s̄ */
  ema: number;
  /** SE of s̄ */
  se: number;
}

export interface WeightPolicy {
  /** Zero s⁺ unless s̄ > 2·SE (default true). */
  significance?: boolean;
  /** λ = max_weight_limit / 65535; 1 (default) = no cap. */
  maxWeight?: number;
  /** The ledger's min_allowed_weights (default 0). */
  minAllowedWeights?: number;
}

export interface WeightRow {
  emit: boolean;
  /** Why nothing is emitted (emit = false), or a note about the row. */
  reason: string | null;
  uids: number[];
  /** Float weights summing to 1 (row order = uids). */
  weights: number[];
  /** Quantised row for the weights tx. */
  u16: number[];
  /** uids → weight (0 for neighbours not in the row), for the console. */
  byUid: Map<number, number>;
}

const noRow = (reason: string): WeightRow => ({
  emit: false,
  reason,
  uids: [],
  weights: [],
  u16: [],
  byUid: new Map(),
});

/** Builds the weight row from smoothed scores (see the module comment). */
export function buildWeightRow(entries: readonly ScoreEntry[], policy: WeightPolicy = {}): WeightRow {
  const significance = policy.significance ?? true;
  const lambda = policy.maxWeight ?? 1;
  const minAllowed = policy.minAllowedWeights ?? 0;
  if (!(lambda > 0 && lambda <= 1)) throw new RangeError(`max weight must be in (0, 1], got ${lambda}`);
  const gated = entries.map((e) => {
    const plus = Math.max(e.ema, 0);
    return significance && !(e.ema > 2 * e.se) ? 0 : plus;
  });
  const chosen = new Map<number, number>();
  entries.forEach((e, i) => {
    if (gated[i]! > 0) chosen.set(e.uid, gated[i]!);
  });
  if (chosen.size === 0) return noRow('all s⁺ = 0: no weights set (never a uniform row)');
  if (chosen.size < minAllowed) {
    const fillers = entries
      .filter((e) => !chosen.has(e.uid) && e.ema >= 0)
      .sort((p, q) => q.ema - p.ema || p.uid - q.uid);
    for (const f of fillers) {
      if (chosen.size >= minAllowed) break;
      chosen.set(f.uid, Math.max(f.ema, 0));
    }
    if (chosen.size < minAllowed)
      return noRow(`only ${chosen.size} non-negative neighbours; the ledger requires ${minAllowed} weights`);
  }
  const uids = [...chosen.keys()].sort((p, q) => p - q);
  const raw = uids.map((u) => chosen.get(u)!);
  const total = raw.reduce((s, v) => s + v, 0);
  let weights = raw.map((v) => v / total);
  let u16 = weightsToU16(weights);
  let note: string | null = null;
  if (lambda < 1) {
    const positive = raw.filter((v) => v > 0).length;
    if (positive * lambda < 1 - 1e-12)
      return noRow(
        `weight cap ${lambda} is infeasible with ${positive} positive weights (needs count·λ ≥ 1)`,
      );
    // Cap, then check the quantised row (rounding can push the max a hair above λ): tighten and retry.
    let cap = lambda;
    for (let attempt = 0; attempt < 8; attempt++) {
      weights =
        positive * cap <= 1 + 1e-12
          ? raw.map((v) => (v > 0 ? 1 / positive : 0))
          : normalizeMaxWeight(raw, cap);
      u16 = weightsToU16(weights);
      const qMax = Math.max(...u16ToWeights(u16));
      if (qMax <= lambda) break;
      cap -= 2 * (qMax - lambda) + 1 / U16_MAX;
    }
    if (Math.max(...weights) < Math.max(...raw) / total) note = `capped at λ = ${lambda}`;
  }
  const byUid = new Map<number, number>();
  uids.forEach((u, i) => {
    byUid.set(u, weights[i]!);
  });
  return { emit: true, reason: note, uids, weights, u16, byUid };
}
