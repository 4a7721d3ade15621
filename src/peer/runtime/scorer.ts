/**
 * The validator's scoring loop, one round at a time (docs/pruning.md §3.2–3.5): a fresh private validation
 * batch mixed among ordinary queries, every neighbour queried once (failures count as removed), one
 * stacked-mask join run, the EMA with zero-pushing, and the weight row under the subnet's rules. Gates are
 * trained on the peer's own private training split whenever the neighbour set changes. When there are more
 * than `maxNeighbours` (k) neighbours, each round queries a seeded random subset of k and scores
 * leave-one-out inside it (§3.2.6; see subset.ts): neighbours not sampled keep their EMA untouched — not
 * sampled is not a failure. No ledger I/O here: the runtime decides when the row goes on chain.
 */
import { takeValidationRows, mixQueries } from '../scoring/queries.js';
import { type JoinRunner, scoreRound, type RoundScores } from '../scoring/ablation.js';
import { ScoreBook } from '../scoring/ema.js';
import { observationsOf } from '../scoring/record.js';
import { gatesOf, trainGatesYielding, uniformTheta } from '../scoring/gates.js';
import { checkResponse, writeClippedLogProbs } from '../scoring/responses.js';
import {
  DEFAULT_MAX_NEIGHBOURS,
  pick,
  pickTheta,
  type ScoringModeInfo,
  SubsetSchedule,
  scoringMode,
} from '../scoring/subset.js';
import { buildWeightRow, type WeightRow } from '../scoring/weights.js';
import type { NeighbourEndpoint, QueryResult } from '../net/dendrite.js';
import { CLASSES, randomValidationSeed, sampleBatch, seedHash } from '../task/blocked-gaussian.js';
import { Rng, type Seed } from '../task/prng.js';
import type { SubnetRules } from './metagraph-cache.js';
import { neighbourKey } from './metagraph-cache.js';

/** Sends one batch to every neighbour (the dendrite's queryAll). */
export type QueryAll = (
  targets: readonly NeighbourEndpoint[],
  x: Float32Array,
  b: number,
) => Promise<QueryResult[]>;
/** The peer's own classifier (for u = log q_own), when it has one. */
export type OwnForward = (x: Float32Array, rows: number) => Promise<Float32Array>;

export const TRAIN_ROWS = 1024;

export interface NeighbourLive {
  latencyMs: number | null;
  lastOk: boolean;
  reason: string | null;
}

export interface RoundSummary {
  round: number;
  seedHash: string;
  B: number;
  /** Current neighbours. */
  K: number;
  /** Uids queried and scored this round (all K unless subset mode is on), ascending. */
  sampled: number[];
  mode: ScoringModeInfo;
  lossAll: number;
  accAll: number;
  /** Weight row for the current neighbours (null when there were none). */
  row: WeightRow | null;
  scores: RoundScores;
}

export interface ScorerOptions {
  batch: number;
  queryAll: QueryAll;
  join: JoinRunner;
  own?: OwnForward;
  /** Ordinary (unscored) rows mixed into each round's query (default batch / 4). */
  ordinaryRows?: number;
  trainRows?: number;
  /** Query at most this many neighbours per round (k; default 64): more → random subsets, semivalue. */
  maxNeighbours?: number;
  /** Seed of the subset schedule (default: random per process). Fixed in tests for reproducibility. */
  subsetSeed?: Seed;
  log?: (line: string) => void;
}

/** u = log max(q_own, ε) as float32 [rows, C]. */
async function ownLogits(own: OwnForward | undefined, x: Float32Array, rows: number) {
  if (!own) return undefined;
  const q = await own(x, rows);
  const u = new Float32Array(rows * CLASSES);
  writeClippedLogProbs(q, u, 0);
  return u;
}

export class Scorer {
  readonly book = new ScoreBook();
  readonly live = new Map<number, NeighbourLive>();
  round = 0;
  lastRoundAt: number | null = null;
  lastRow: WeightRow | null = null;
  /** Neighbours of the last round, in query order. */
  neighbours: NeighbourEndpoint[] = [];
  theta: Float32Array = new Float32Array(0);
  gatesFor = '';
  gateLoss: { before: number; after: number } | null = null;
  note: string | null = null;
  /** Uids sampled in the last round. */
  lastSampled: ReadonlySet<number> = new Set();
  readonly maxNeighbours: number;
  private readonly schedule: SubsetSchedule;
  private lastMode: string | null = null;
  private readonly trainSeed = randomValidationSeed();
  /**
   * Clipped log-probs [N, C] of each neighbour's answer to the private training split (fixed for the life of
   * the scorer), by hotkey and endpoint: when the neighbour set changes, only the new ones are queried.
   */
  private readonly trainAnswers = new Map<string, Float32Array>();
  private readonly ordinary: number;

  constructor(private readonly options: ScorerOptions) {
    this.ordinary = options.ordinaryRows ?? Math.max(1, Math.floor(options.batch / 4));
    this.maxNeighbours = options.maxNeighbours ?? DEFAULT_MAX_NEIGHBOURS;
    this.schedule = new SubsetSchedule(options.subsetSeed ?? randomValidationSeed(), this.maxNeighbours);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /**
   * Trains the gates on the private training split against the current neighbours. Neighbours whose answer to
   * that split is known (same hotkey and endpoint) are not asked again; a failed answer is asked again.
   */
  async trainGatesFor(neighbours: readonly NeighbourEndpoint[]): Promise<void> {
    const K = neighbours.length;
    const N = this.options.trainRows ?? TRAIN_ROWS;
    const train = sampleBatch(new Rng(this.trainSeed), N);
    const answerKey = (n: NeighbourEndpoint) => `${n.hotkey}@${n.ip}:${n.port}`;
    const unknown = neighbours.filter((n) => !this.trainAnswers.has(answerKey(n)));
    const results = unknown.length > 0 ? await this.options.queryAll(unknown, train.x, N) : [];
    results.forEach((r, j) => {
      if (!r.ok || !checkResponse(r.probs, N).ok) return;
      const answer = new Float32Array(N * CLASSES);
      writeClippedLogProbs(r.probs, answer, 0);
      this.trainAnswers.set(answerKey(unknown[j]!), answer);
    });
    const current = new Set(neighbours.map(answerKey));
    for (const key of this.trainAnswers.keys()) if (!current.has(key)) this.trainAnswers.delete(key);
    const F = new Float32Array(K * N * CLASSES); // a neighbour without an answer keeps zeros, as before
    neighbours.forEach((n, j) => {
      const answer = this.trainAnswers.get(answerKey(n));
      if (answer) F.set(answer, j * N * CLASSES);
    });
    const u = await ownLogits(this.options.own, train.x, N);
    const t = await trainGatesYielding(F, train.y, K, N, { ...(u ? { u } : {}) });
    this.theta = t.theta;
    this.gatesFor = neighbourKey(neighbours);
    this.gateLoss = { before: t.lossBefore, after: t.lossAfter };
    const gates = [...gatesOf(t.theta)].map((a, j) => `${neighbours[j]!.uid}:${a.toFixed(3)}`).join(' ');
    this.log(
      `gates trained on ${N} private training rows for ${K} neighbours (${unknown.length} queried, ${K - unknown.length} known): loss ${t.lossBefore.toFixed(4)} → ${t.lossAfter.toFixed(4)} nats; a = ${gates}`,
    );
  }

  /** One scoring round against `neighbours` under `rules` (null rules: no cap, no minimum). */
  async runRound(
    neighbours: readonly NeighbourEndpoint[],
    rules: SubnetRules | null,
  ): Promise<RoundSummary | null> {
    if (neighbours.length === 0) {
      this.note = 'no neighbours with an announced axon yet';
      return null;
    }
    if (neighbourKey(neighbours) !== this.gatesFor) {
      this.theta = uniformTheta(neighbours.length);
      await this.trainGatesFor(neighbours);
    }
    const mode = scoringMode(neighbours.length, this.maxNeighbours);
    if (mode.mode !== this.lastMode) {
      this.lastMode = mode.mode;
      this.log(`scoring mode ${mode.mode}: ${mode.note}`);
    }
    const indices = this.schedule.next(neighbours.length, neighbourKey(neighbours));
    const queried = pick(neighbours, indices);
    const B = this.options.batch;
    const seed = randomValidationSeed();
    const rng = new Rng(seed);
    const validation = sampleBatch(rng, B);
    const ordinary = sampleBatch(rng, this.ordinary);
    const mixed = mixQueries(rng, validation.x, B, ordinary.x, this.ordinary);
    const results = await this.options.queryAll(queried, mixed.x, mixed.rows);
    const responses = results.map((r) => (r.ok ? takeValidationRows(r.probs, mixed) : null));
    const u = await ownLogits(this.options.own, validation.x, B);
    const scores = await scoreRound(
      {
        B,
        x: validation.x,
        y: validation.y,
        responses,
        theta: pickTheta(this.theta, indices),
        ...(u ? { u } : {}),
      },
      this.options.join,
    );
    const queryFailures = results.map((r) => (r.ok ? null : r.reason));
    const observations = observationsOf(queried, scores, queryFailures);
    queried.forEach((n, j) => {
      const s = scores.neighbours[j]!;
      this.live.set(n.uid, {
        latencyMs: results[j]!.latencyMs,
        lastOk: s.valid,
        reason: queryFailures[j] ?? s.reason,
      });
    });
    this.book.update(observations);
    this.lastSampled = new Set(queried.map((n) => n.uid));
    this.neighbours = [...neighbours];
    this.round++;
    this.lastRoundAt = Date.now();
    this.note = null;
    const row = this.weightRow(neighbours, rules);
    this.lastRow = row;
    const hash = seedHash(seed);
    this.log(
      JSON.stringify({
        event: 'round',
        round: this.round,
        seed_hash: hash,
        B,
        K: neighbours.length,
        mode: mode.mode,
        k: queried.length,
        loss: Number(scores.lossAll.toFixed(5)),
        acc: Number(scores.accAll.toFixed(4)),
        scores: queried.map((n, j) => {
          const s = scores.neighbours[j]!;
          return {
            uid: n.uid,
            s: Number(s.score.toFixed(5)),
            se: Number(s.se.toFixed(5)),
            ema: Number((this.book.get(n.uid)?.ema ?? 0).toFixed(5)),
            w: Number((row.byUid.get(n.uid) ?? 0).toFixed(4)),
            ...(s.valid
              ? {}
              : {
                  failed:
                    observations[j]!.outcome === 'failed'
                      ? (observations[j] as { reason: string }).reason
                      : '',
                }),
          };
        }),
        emit: row.emit,
      }),
    );
    return {
      round: this.round,
      seedHash: hash,
      B,
      K: neighbours.length,
      sampled: queried.map((n) => n.uid),
      mode,
      lossAll: scores.lossAll,
      accAll: scores.accAll,
      row,
      scores,
    };
  }

  /** The row from the smoothed scores of the current neighbours, under the subnet's cap and minimum. */
  weightRow(neighbours: readonly NeighbourEndpoint[], rules: SubnetRules | null): WeightRow {
    const entries = neighbours.map((n) => ({
      uid: n.uid,
      ema: this.book.get(n.uid)?.ema ?? 0,
      se: this.book.se(n.uid),
    }));
    return buildWeightRow(entries, {
      significance: true,
      maxWeight: rules ? Math.max(rules.maxWeightLimit, 1) / 65535 : 1,
      minAllowedWeights: rules ? Math.min(rules.minAllowedWeights, neighbours.length) : 0,
    });
  }
}
