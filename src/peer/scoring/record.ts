/**
 * Glue for the peer runtime and the console (docs/pruning.md §3.5 "log per round", §3.8): turning a round's
 * scores into EMA observations, and the per-neighbour record + round log that explain "why this weight".
 */
import { seedHash } from '../task/blocked-gaussian.js';
import type { RoundScores } from './ablation.js';
import type { Observation, ScoreBook } from './ema.js';
import type { WeightRow } from './weights.js';

export interface NeighbourIdentity {
  uid: number;
  hotkey: string;
}

/**
 * Observations for the EMA from a round; `queried[j]` is the neighbour behind response j, and
 * `queryFailures[j]`, when set, why its query failed (timeout, refused, bad body): that reason is the one a
 * failed observation keeps, ahead of the scorer's own ('invalid response' when it has none).
 */
export function observationsOf(
  queried: readonly NeighbourIdentity[],
  scores: RoundScores,
  queryFailures: readonly (string | null)[] = [],
): Observation[] {
  if (queried.length !== scores.neighbours.length) throw new RangeError('one identity per scored neighbour');
  return queried.map((n, j) => {
    const s = scores.neighbours[j]!;
    return s.valid
      ? {
          uid: n.uid,
          hotkey: n.hotkey,
          outcome: 'scored',
          score: s.score,
          se: s.se,
          accDecline: s.accDecline,
          gate: s.gate,
        }
      : {
          uid: n.uid,
          hotkey: n.hotkey,
          outcome: 'failed',
          reason: queryFailures[j] ?? s.reason ?? 'invalid response',
          gate: s.gate,
        };
  });
}

/** What the console shows per neighbour. Scores are "pruning score (Δloss when removed)", in nats. */
export interface NeighbourRecord {
  uid: number;
  hotkey: string;
  /** ŝ of the last round it was queried in. */
  score: number;
  se: number;
  /** Accuracy decline when removed (last round; not used for weights). */
  accDecline: number;
  /** s̄ and its SE. */
  ema: number;
  emaSE: number;
  gate: number;
  /** Weight in the current row (0 when not in it). */
  weight: number;
  failures: number;
  rounds: number;
  /** 'scored' | 'failed' (last round) with the reason of a failure. */
  status: 'scored' | 'failed';
  reason: string | null;
}

export function neighbourRecords(book: ScoreBook, row: WeightRow | null): NeighbourRecord[] {
  return book.all().map((s) => ({
    uid: s.uid,
    hotkey: s.hotkey,
    score: s.lastScore,
    se: s.lastSE,
    accDecline: s.lastAccDecline,
    ema: s.ema,
    emaSE: book.se(s.uid),
    gate: s.lastGate,
    weight: row?.byUid.get(s.uid) ?? 0,
    failures: s.failures,
    rounds: s.rounds,
    status: s.lastReason === null ? 'scored' : 'failed',
    reason: s.lastReason,
  }));
}

export interface RoundLog {
  round: number;
  /** Public fingerprint of the private batch seed. */
  batchSeedHash: string;
  B: number;
  K: number;
  lossAll: number;
  accAll: number;
  /** E.g. the semivalue note when a random subset was queried. */
  note: string | null;
  emit: boolean;
  emitReason: string | null;
  neighbours: NeighbourRecord[];
}

export function roundLog(
  round: number,
  batchSeed: bigint,
  scores: RoundScores,
  book: ScoreBook,
  row: WeightRow | null,
  note: string | null = null,
): RoundLog {
  return {
    round,
    batchSeedHash: seedHash(batchSeed),
    B: scores.B,
    K: scores.K,
    lossAll: scores.lossAll,
    accAll: scores.accAll,
    note,
    emit: row?.emit ?? false,
    emitReason: row?.reason ?? null,
    neighbours: neighbourRecords(book, row),
  };
}
