/**
 * Smoothing the per-round scores (docs/pruning.md §3.4): s̄_j ← (1 − α)·s̄_j + α·ŝ_j with α = 0.1.
 * - queried and scored: push ŝ_j; queried but no/invalid response: push 0 and count a failure;
 *   not queried this round: untouched.
 * - a newcomer starts at s̄ = 0; the state is reset when the uid's hotkey changes.
 * - standard error of s̄: the larger of (i) the per-round SEs propagated through the EMA weights,
 *   V ← (1 − α)²·V + α²·SE², and (ii) the between-round spread from an EMA of ŝ², (E[ŝ²] − s̄²)·α/(2 − α)
 *   (the variance of an EMA of i.i.d. values).
 */

export const DEFAULT_ALPHA = 0.1;

export interface NeighbourState {
  uid: number;
  hotkey: string;
  /** s̄ */
  ema: number;
  /** EMA of ŝ² */
  emaSq: number;
  /** Per-round SE² propagated through the EMA. */
  propVar: number;
  /** Rounds in which this neighbour was queried. */
  rounds: number;
  /** Rounds with no or an invalid response. */
  failures: number;
  lastScore: number;
  lastSE: number;
  lastAccDecline: number;
  lastGate: number;
  lastReason: string | null;
}

export type Observation =
  | {
      uid: number;
      hotkey: string;
      outcome: 'scored';
      score: number;
      se: number;
      accDecline: number;
      gate: number;
    }
  | { uid: number; hotkey: string; outcome: 'failed'; reason: string; gate?: number };

function fresh(uid: number, hotkey: string): NeighbourState {
  return {
    uid,
    hotkey,
    ema: 0,
    emaSq: 0,
    propVar: 0,
    rounds: 0,
    failures: 0,
    lastScore: 0,
    lastSE: 0,
    lastAccDecline: 0,
    lastGate: 0,
    lastReason: null,
  };
}

export class ScoreBook {
  private readonly states = new Map<number, NeighbourState>();

  constructor(readonly alpha: number = DEFAULT_ALPHA) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`EMA alpha must be in (0, 1], got ${alpha}`);
  }

  /** Resets every uid whose hotkey changed (call after a metagraph sync; update() also checks). */
  syncIdentities(neurons: readonly { uid: number; hotkey: string }[]): void {
    for (const n of neurons) {
      const s = this.states.get(n.uid);
      if (s && s.hotkey !== n.hotkey) this.states.set(n.uid, fresh(n.uid, n.hotkey));
    }
  }

  /** Applies one round. Uids absent from `observations` were not queried and stay untouched. */
  update(observations: readonly Observation[]): void {
    const a = this.alpha;
    for (const o of observations) {
      let s = this.states.get(o.uid);
      if (!s || s.hotkey !== o.hotkey) {
        s = fresh(o.uid, o.hotkey);
        this.states.set(o.uid, s);
      }
      const score = o.outcome === 'scored' ? o.score : 0;
      const se = o.outcome === 'scored' ? o.se : 0;
      s.ema = (1 - a) * s.ema + a * score;
      s.emaSq = (1 - a) * s.emaSq + a * score * score;
      s.propVar = (1 - a) * (1 - a) * s.propVar + a * a * se * se;
      s.rounds++;
      s.lastScore = score;
      s.lastSE = se;
      if (o.outcome === 'scored') {
        s.lastAccDecline = o.accDecline;
        s.lastGate = o.gate;
        s.lastReason = null;
      } else {
        s.failures++;
        s.lastAccDecline = 0;
        s.lastReason = o.reason;
        if (o.gate !== undefined) s.lastGate = o.gate;
      }
    }
  }

  get(uid: number): NeighbourState | undefined {
    return this.states.get(uid);
  }

  /** Standard error of s̄ (see the module comment). */
  se(uid: number): number {
    const s = this.states.get(uid);
    if (!s) return 0;
    const a = this.alpha;
    const spread = (Math.max(s.emaSq - s.ema * s.ema, 0) * a) / (2 - a);
    return Math.sqrt(Math.max(s.propVar, spread));
  }

  /** Drops a uid (e.g. deregistered). */
  forget(uid: number): void {
    this.states.delete(uid);
  }

  all(): NeighbourState[] {
    return [...this.states.values()].sort((x, y) => x.uid - y.uid);
  }
}
