/**
 * Which neighbours a scoring round queries when K is too large to query everyone (docs/pruning.md §3.2.6): a
 * random subset of k, leave-one-out inside it. Like core_validator's permuted UIDs, each pass over the
 * neighbours is a fresh seeded permutation cut into rounds of k, so every neighbour is sampled at least
 * once per ⌈K/k⌉ rounds; the last, short round of a pass is filled up with neighbours drawn uniformly from
 * the rest, so every round's coalition has exactly k members. Given that j is sampled, its k − 1
 * co-members are a uniformly random (k − 1)-subset of the others, so the EMA of j's leave-one-out score
 * averages its marginal contribution over random coalitions of size k − 1: a semivalue, not pure
 * leave-one-out. Pure and deterministic per seed (the same seed and the same neighbour sets give the same
 * subsets).
 */
import { Rng, type Seed } from '../task/prng.js';

/** Neighbours queried per round unless `--max-neighbours` says otherwise. */
export const DEFAULT_MAX_NEIGHBOURS = 64;

export type ScoringMode = 'leave-one-out' | 'subset-semivalue';

export interface ScoringModeInfo {
  mode: ScoringMode;
  /** Neighbours queried per round (k, or K when everyone is queried). */
  subsetSize: number;
  /** Current neighbours (K). */
  of: number;
  /** What the scores mean in this mode (for the console and logs). */
  note: string;
}

/** The scoring mode for K current neighbours under a cap of k per round. */
export function scoringMode(K: number, maxNeighbours: number): ScoringModeInfo {
  if (K <= maxNeighbours)
    return {
      mode: 'leave-one-out',
      subsetSize: K,
      of: K,
      note: `pure leave-one-out: all ${K} neighbours are queried every round`,
    };
  return {
    mode: 'subset-semivalue',
    subsetSize: maxNeighbours,
    of: K,
    note: `scores are semivalues over random coalitions of ${maxNeighbours} of ${K} neighbours (not pure leave-one-out)`,
  };
}

/** `items` at `indices`, in that order (responses, endpoints, gates of the sampled neighbours). */
export function pick<T>(items: ArrayLike<T>, indices: readonly number[]): T[] {
  return indices.map((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= items.length) throw new RangeError(`index ${i} out of range`);
    return items[i] as T;
  });
}

/** θ of the sampled neighbours (the join of the subset uses their gates as trained for all K). */
export function pickTheta(theta: Float32Array, indices: readonly number[]): Float32Array {
  return Float32Array.from(pick(theta, indices));
}

export class SubsetSchedule {
  private readonly rng: Rng;
  private setKey: string | null = null;
  private queue: number[][] = [];
  /** Completed and started passes (a pass covers every neighbour at least once). */
  passes = 0;

  constructor(
    seed: Seed,
    readonly maxNeighbours: number = DEFAULT_MAX_NEIGHBOURS,
  ) {
    if (!Number.isInteger(maxNeighbours) || maxNeighbours < 1)
      throw new RangeError(`maxNeighbours must be a positive integer, got ${maxNeighbours}`);
    this.rng = new Rng(seed);
  }

  /**
   * Indices (ascending) into the current K neighbours to query this round. `setKey` identifies the
   * neighbour set: when it changes, a fresh pass starts (the old permutation no longer applies).
   */
  next(K: number, setKey: string = String(K)): number[] {
    if (!Number.isInteger(K) || K < 0) throw new RangeError(`K must be a non-negative integer, got ${K}`);
    if (K <= this.maxNeighbours) {
      this.setKey = null;
      this.queue = [];
      return Array.from({ length: K }, (_, i) => i);
    }
    if (setKey !== this.setKey) {
      this.setKey = setKey;
      this.queue = [];
    }
    if (this.queue.length === 0) this.queue = this.pass(K);
    return this.queue.shift()!;
  }

  /** One pass: a permutation of 0..K−1 cut into rounds of k, the short last round filled up at random. */
  private pass(K: number): number[][] {
    const k = this.maxNeighbours;
    this.passes++;
    const order = this.rng.shuffle(Array.from({ length: K }, (_, i) => i));
    const rounds: number[][] = [];
    for (let start = 0; start < K; start += k) {
      const chunk = order.slice(start, start + k);
      if (chunk.length < k) {
        const inChunk = new Set(chunk);
        const rest = this.rng.shuffle(order.filter((i) => !inChunk.has(i)));
        chunk.push(...rest.slice(0, k - chunk.length));
      }
      rounds.push(chunk.sort((a, b) => a - b));
    }
    return rounds;
  }
}
