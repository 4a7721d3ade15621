// Random-subset scoring when K is too large to query everyone (docs/pruning.md §3.2.6): the seeded schedule
// (deterministic, covers every neighbour each pass, exactly k per round, uniform coalitions) and
// leave-one-out inside the subset = leave-one-out on the sub-market.
import { describe, expect, it } from 'vitest';
import { type JoinRunner, scoreRound } from '../../src/peer/scoring/ablation.js';
import { ScoreBook } from '../../src/peer/scoring/ema.js';
import { softplus, uniformTheta } from '../../src/peer/scoring/gates.js';
import {
  DEFAULT_MAX_NEIGHBOURS,
  pick,
  pickTheta,
  SubsetSchedule,
  scoringMode,
} from '../../src/peer/scoring/subset.js';
import { blockLogPosterior, CLASSES, sampleBatch } from '../../src/peer/task/blocked-gaussian.js';
import { Rng } from '../../src/peer/task/prng.js';

const rounds = (s: SubsetSchedule, K: number, n: number, key?: string) =>
  Array.from({ length: n }, () => s.next(K, key));

describe('SubsetSchedule', () => {
  it('queries everyone (pure leave-one-out) while K ≤ k, and 64 is the default k', () => {
    const s = new SubsetSchedule(1);
    expect(s.maxNeighbours).toBe(DEFAULT_MAX_NEIGHBOURS);
    expect(DEFAULT_MAX_NEIGHBOURS).toBe(64);
    expect(s.next(5)).toEqual([0, 1, 2, 3, 4]);
    expect(s.next(64)).toEqual([...Array(64).keys()]);
    expect(s.next(0)).toEqual([]);
    expect(scoringMode(64, 64)).toMatchObject({ mode: 'leave-one-out', subsetSize: 64, of: 64 });
    expect(scoringMode(256, 64)).toMatchObject({ mode: 'subset-semivalue', subsetSize: 64, of: 256 });
    expect(scoringMode(256, 64).note).toBe(
      'scores are semivalues over random coalitions of 64 of 256 neighbours (not pure leave-one-out)',
    );
    expect(() => new SubsetSchedule(1, 0)).toThrow(RangeError);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = rounds(new SubsetSchedule(42, 4), 13, 30);
    const b = rounds(new SubsetSchedule(42, 4), 13, 30);
    const c = rounds(new SubsetSchedule(43, 4), 13, 30);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('gives exactly k distinct neighbours per round and covers all K in every pass of ⌈K/k⌉ rounds', () => {
    for (const [K, k] of [
      [12, 4],
      [10, 3],
      [7, 6],
      [256, 64],
      [5, 1],
    ] as const) {
      const s = new SubsetSchedule(`cover-${K}-${k}`, k);
      const perPass = Math.ceil(K / k);
      for (let pass = 0; pass < 5; pass++) {
        const seen = new Set<number>();
        for (const r of rounds(s, K, perPass)) {
          expect(r).toHaveLength(k);
          expect(new Set(r).size).toBe(k);
          expect([...r].sort((x, y) => x - y)).toEqual(r); // ascending
          for (const i of r) {
            expect(i).toBeGreaterThanOrEqual(0);
            expect(i).toBeLessThan(K);
            seen.add(i);
          }
        }
        expect(seen.size).toBe(K);
      }
      expect(s.passes).toBe(5);
    }
  });

  it('samples each neighbour equally often when k divides K, and within one per pass otherwise', () => {
    const even = new SubsetSchedule(7, 4);
    const counts = new Array(12).fill(0);
    for (const r of rounds(even, 12, 30)) for (const i of r) counts[i]++;
    expect(counts).toEqual(new Array(12).fill(10)); // 10 passes of 3 rounds
    const uneven = new SubsetSchedule(7, 3);
    const c2 = new Array(10).fill(0);
    for (const r of rounds(uneven, 10, 40)) for (const i of r) c2[i]++; // 10 passes of 4 rounds
    for (const c of c2) {
      expect(c).toBeGreaterThanOrEqual(10);
      expect(c).toBeLessThanOrEqual(20);
    }
    expect(c2.reduce((x, y) => x + y, 0)).toBe(120);
  });

  it('draws uniform coalitions: inclusion ≈ k/K and each co-member ≈ (k−1)/(K−1) given j', () => {
    const K = 10;
    const k = 3;
    const N = 6000;
    const s = new SubsetSchedule('uniform', k);
    const incl = new Array(K).fill(0);
    const pair = Array.from({ length: K }, () => new Array(K).fill(0));
    for (const r of rounds(s, K, N)) {
      for (const i of r) {
        incl[i]++;
        for (const j of r) if (j !== i) pair[i]![j]++;
      }
    }
    for (let i = 0; i < K; i++) {
      expect(Math.abs(incl[i]! / N - k / K)).toBeLessThan(0.02);
      for (let j = 0; j < K; j++) {
        if (j === i) continue;
        // P(j in coalition | i sampled) = (k−1)/(K−1) = 2/9 ≈ 0.222
        expect(Math.abs(pair[i]![j]! / incl[i]! - (k - 1) / (K - 1))).toBeLessThan(0.035);
      }
    }
  });

  it('starts a fresh pass when the neighbour set changes', () => {
    const s = new SubsetSchedule(9, 2);
    s.next(6, 'set-a'); // first of 3 rounds of pass 1
    expect(s.passes).toBe(1);
    const fresh = rounds(s, 8, 4, 'set-b'); // a new set: a full new pass of 4 rounds
    expect(s.passes).toBe(2);
    expect(new Set(fresh.flat()).size).toBe(8);
  });
});

/** The join as a TypeScript reference over any stacked masks: log softmax(u + Σ_j m_j a_j f_j). */
const tsJoin: JoinRunner = {
  run: async ({ B, K, M, F, m, theta, u }) => {
    const a = Float64Array.from(theta, softplus);
    const logp = new Float64Array(M * B * CLASSES);
    for (let row = 0; row < M; row++)
      for (let b = 0; b < B; b++) {
        const z = new Float64Array(CLASSES);
        for (let c = 0; c < CLASSES; c++) {
          let v = u ? u[b * CLASSES + c]! : 0;
          for (let j = 0; j < K; j++) v += m[row * K + j]! * a[j]! * F[(j * B + b) * CLASSES + c]!;
          z[c] = v;
        }
        const max = Math.max(...z);
        const lse = max + Math.log(z.reduce((acc, v) => acc + Math.exp(v - max), 0));
        for (let c = 0; c < CLASSES; c++) logp[(row * B + b) * CLASSES + c] = z[c]! - lse;
      }
    return { logp, a };
  },
};

describe('leave-one-out inside a subset', () => {
  const B = 128;
  const batch = sampleBatch(new Rng(0x5b5e7), B);
  const probsOf = (logp: Float64Array) => Float64Array.from(logp, Math.exp);
  const goods = [0, 1, 2, 3].map((b) => probsOf(blockLogPosterior(batch.x, B, b)));
  const adversarial = goods[2]!.map((_, i) => {
    const row = Math.floor(i / CLASSES);
    const c = i % CLASSES;
    return goods[2]![row * CLASSES + ((c + CLASSES - 1) % CLASSES)]!;
  });
  const lazy = new Float64Array(B * CLASSES).fill(1 / CLASSES);
  // The market: good0..good3, adversarial, lazy, good1 again (a copy) and a dead neighbour.
  const market = [...goods, adversarial, lazy, goods[1]!, null];
  const theta = Float32Array.from(market, (_, j) => [0.3, 0.8, 0.5, 0.6, -1.5, 0.2, 0.4, 0.1][j]!);
  const input = (responses: (Float64Array | null)[], th: Float32Array) => ({
    B,
    x: batch.x,
    y: batch.y,
    responses,
    theta: th,
  });

  it('equals leave-one-out on the sub-market of the sampled neighbours (others removed in every pass)', async () => {
    const subset = [0, 1, 4, 5, 7];
    const inSubset = await scoreRound(input(pick(market, subset), pickTheta(theta, subset)), tsJoin);
    // The same market with every non-sampled neighbour removed (m_j = 0 in all passes).
    const embedded = await scoreRound(
      input(
        market.map((r, j) => (subset.includes(j) ? r : null)),
        theta,
      ),
      tsJoin,
    );
    expect(inSubset.lossAll).toBeCloseTo(embedded.lossAll, 12);
    expect(inSubset.accAll).toBe(embedded.accAll);
    subset.forEach((j, s) => {
      const a = inSubset.neighbours[s]!;
      const b = embedded.neighbours[j]!;
      expect(a.score).toBeCloseTo(b.score, 12);
      expect(a.se).toBeCloseTo(b.se, 12);
      expect(a.accDecline).toBe(b.accDecline);
      expect(a.valid).toBe(b.valid);
      expect(a.gate).toBeCloseTo(softplus(theta[j]!), 6);
    });
    expect(inSubset.neighbours[4]).toMatchObject({ valid: false, score: 0 }); // the dead one
    // …and it depends on the coalition: good1 is worth more without its copy and without good2/good3.
    const full = await scoreRound(input(market, theta), tsJoin);
    expect(inSubset.neighbours[1]!.score).toBeGreaterThan(
      full.neighbours[1]!.score + 2 * full.neighbours[1]!.se,
    );
  });

  it('leaves the EMA of neighbours not sampled untouched (not sampled is not a failure)', async () => {
    const book = new ScoreBook();
    const s = new SubsetSchedule(3, 3);
    const ids = market.map((_, uid) => ({ uid, hotkey: `hk${uid}` }));
    const th = uniformTheta(market.length);
    for (let r = 0; r < 3; r++) {
      const idx = s.next(market.length);
      const before = new Map(
        ids.map((n) => {
          const st = book.get(n.uid);
          return [n.uid, { ema: st?.ema ?? 0, rounds: st?.rounds ?? 0, failures: st?.failures ?? 0 }];
        }),
      );
      const scores = await scoreRound(input(pick(market, idx), pickTheta(th, idx)), tsJoin);
      book.update(
        pick(ids, idx).map((n, j) => {
          const sc = scores.neighbours[j]!;
          return sc.valid
            ? { ...n, outcome: 'scored' as const, score: sc.score, se: sc.se, accDecline: 0, gate: sc.gate }
            : { ...n, outcome: 'failed' as const, reason: sc.reason ?? 'invalid' };
        }),
      );
      for (const n of ids) {
        if (idx.includes(n.uid)) continue;
        expect(book.get(n.uid)?.ema ?? 0).toBe(before.get(n.uid)!.ema);
        expect(book.get(n.uid)?.rounds ?? 0).toBe(before.get(n.uid)!.rounds);
        expect(book.get(n.uid)?.failures ?? 0).toBe(before.get(n.uid)!.failures);
      }
    }
    // After one full pass (⌈8/3⌉ = 3 rounds) everyone was sampled at least once; only the dead one failed.
    for (const n of ids) expect(book.get(n.uid)!.rounds).toBeGreaterThanOrEqual(1);
    expect(book.get(7)!.failures).toBe(book.get(7)!.rounds);
    for (const uid of [0, 1, 2, 3, 4, 5, 6]) expect(book.get(uid)!.failures).toBe(0);
  });
});
