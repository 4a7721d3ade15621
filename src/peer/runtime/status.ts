/**
 * The body of the axon's `GET /status` (docs/peer-contract.md, snake_case): identity, device, scoring
 * progress, every current neighbour with its pruning score (Δloss when removed, nats), EMA, gate and weight,
 * the last weights tx and the axon's counters. Pure: built from the runtime's in-memory state.
 * - `scoring`: `{mode: 'leave-one-out' | 'subset-semivalue', subset_size, of, max_neighbours, note}` — in
 *   subset mode each round queries a random k of K neighbours and the scores are semivalues (§3.2.6).
 * - per neighbour, `rounds` = rounds it was sampled (queried) in, `sampled` = whether it was in the last.
 * - `next_weights_due` is null while a weights tx is in flight (`weights_pending: true`): the next due
 *   block depends on the block that tx lands in.
 */
import type { AxonStats } from '../net/axon.js';
import type { NeighbourEndpoint } from '../net/dendrite.js';
import type { DeviceChoice } from '../model/session.js';
import { scoringMode } from '../scoring/subset.js';
import type { Scorer } from './scorer.js';
import type { WeightsTxStatus } from './weight-setter.js';

export interface PeerStatusInput {
  name: string;
  flavour: string;
  hotkey: string;
  uid: number | null;
  netuid: number;
  device: DeviceChoice;
  startedAt: number;
  scorer: Scorer | null;
  neighbours: readonly NeighbourEndpoint[];
  note: string | null;
  lastWeightsTx: WeightsTxStatus | null;
  nextWeightsDue: number | null;
  /** A weights tx is being prepared, submitted or awaited. */
  weightsPending?: boolean;
  head: number | null;
  axon: AxonStats;
}

const round6 = (v: number) => Number(v.toFixed(6));

/** The `scoring` block: how many neighbours a round queries and what the scores mean. */
export function scoringJson(K: number, maxNeighbours: number) {
  const m = scoringMode(K, maxNeighbours);
  return { mode: m.mode, subset_size: m.subsetSize, of: m.of, max_neighbours: maxNeighbours, note: m.note };
}

export function peerStatusJson(s: PeerStatusInput) {
  const scorer = s.scorer;
  const row = scorer?.lastRow ?? null;
  const neighbours = scorer
    ? s.neighbours.map((n) => {
        const st = scorer.book.get(n.uid);
        const live = scorer.live.get(n.uid);
        const known = st !== undefined && st.hotkey === n.hotkey;
        const failed = known && st.lastReason !== null;
        return {
          uid: n.uid,
          hotkey: n.hotkey,
          score: known ? round6(st.lastScore) : 0,
          se: known ? round6(st.lastSE) : 0,
          ema: known ? round6(st.ema) : 0,
          ema_se: known ? round6(scorer.book.se(n.uid)) : 0,
          gate: known ? round6(st.lastGate) : 0,
          weight: round6(row?.byUid.get(n.uid) ?? 0),
          acc_decline: known ? round6(st.lastAccDecline) : 0,
          latency_ms: live?.latencyMs === null || live === undefined ? null : Math.round(live.latencyMs),
          failures: known ? st.failures : 0,
          rounds: known ? st.rounds : 0,
          sampled: scorer.lastSampled.has(n.uid),
          status: !known ? 'new' : failed ? 'failed' : 'scored',
          ...(failed ? { reason: st.lastReason } : {}),
        };
      })
    : [];
  const { device, reason, gpus } = s.device;
  return {
    name: s.name,
    flavour: s.flavour,
    hotkey: s.hotkey,
    uid: s.uid,
    netuid: s.netuid,
    device: { device, reason, gpus },
    started_at: new Date(s.startedAt).toISOString(),
    round: scorer?.round ?? 0,
    last_round_at: scorer?.lastRoundAt ? new Date(scorer.lastRoundAt).toISOString() : null,
    ...(s.note ? { note: s.note } : {}),
    score_label: 'pruning score (Δloss when removed, nats)',
    scoring: scorer ? scoringJson(s.neighbours.length, scorer.maxNeighbours) : null,
    neighbours,
    last_weights_tx: s.lastWeightsTx,
    next_weights_due: s.weightsPending ? null : s.nextWeightsDue,
    weights_pending: s.weightsPending ?? false,
    head: s.head,
    weight_row_note: row?.reason ?? null,
    axon: {
      served: s.axon.served,
      rejected: s.axon.rejected,
      running: s.axon.running,
      waiting: s.axon.waiting,
    },
  };
}

export type PeerStatusJson = ReturnType<typeof peerStatusJson>;
