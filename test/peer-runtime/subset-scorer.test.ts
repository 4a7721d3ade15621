/**
 * Subset scoring against real neighbours (docs/pruning.md §3.2.6): six in-process axons serving generated
 * ONNX models over loopback HTTP, the real signed dendrite and the real join session, with k = 3 < K = 6.
 * Each round must query only its k sampled neighbours, every neighbour must be sampled equally often, and
 * after enough rounds the good neighbours must still rank above the adversarial, lazy and random ones and get
 * all the weight; /status must say that the scores are semivalues.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NeighbourSpec } from '../../src/peer/model/graphs.js';
import { type JoinModel, resolveDevice } from '../../src/peer/model/session.js';
import type { Axon } from '../../src/peer/net/axon.js';
import type { Dendrite, NeighbourEndpoint } from '../../src/peer/net/dendrite.js';
import { Scorer } from '../../src/peer/runtime/scorer.js';
import { peerStatusJson } from '../../src/peer/runtime/status.js';
import { type NeighbourAxons, startNeighbourAxons, validatorSs58 } from './neighbour-axons.js';

let market: NeighbourAxons;
let axons: Axon[];
let join_: JoinModel;
let dendrite: Dendrite;
let endpoints: NeighbourEndpoint[];
const lines: string[] = [];

const NEIGHBOURS: { uri: string; spec: NeighbourSpec }[] = [
  { uri: '//good0', spec: { kind: 'good', block: 0 } },
  { uri: '//adv', spec: { kind: 'adversarial', block: 3 } },
  { uri: '//good1', spec: { kind: 'good', block: 1 } },
  { uri: '//lazy', spec: { kind: 'lazy' } },
  { uri: '//random', spec: { kind: 'random', seed: 5 } },
  { uri: '//good2', spec: { kind: 'good', block: 2 } },
];
const GOOD = [1, 3, 6];
const BAD = [2, 4, 5];
const K = NEIGHBOURS.length;
const k = 3;
const ROUNDS = 16;

beforeAll(async () => {
  market = await startNeighbourAxons('tao-subset-scorer-', NEIGHBOURS);
  ({ axons, join: join_, dendrite, endpoints } = market);
}, 60_000);

afterAll(() => market.close());

describe('Scorer with more neighbours than --max-neighbours', () => {
  it('queries a seeded random k per round and still ranks the good neighbours first', async () => {
    const s = new Scorer({
      batch: 128,
      maxNeighbours: k,
      subsetSeed: 'subset-scorer-test',
      queryAll: (t, x, b) => dendrite.queryAll(t, x, b),
      join: join_,
      log: (l) => lines.push(l),
    });
    const rules = { tempo: 10, weightsRateLimit: 5, maxWeightLimit: 65535, minAllowedWeights: 1 };
    let last = null;
    const servedBefore = axons.map((a) => a.snapshot().served);
    for (let r = 0; r < ROUNDS; r++) {
      last = await s.runRound(endpoints, rules);
      expect(last!.sampled).toHaveLength(k);
      expect(last!.K).toBe(K);
      expect(last!.mode).toMatchObject({ mode: 'subset-semivalue', subsetSize: k, of: K });
      expect(last!.scores.K).toBe(k); // the join ran over the subset only
    }
    // Each pass of ⌈6/3⌉ = 2 rounds samples everyone once: 8 rounds each, and no failures.
    for (const e of endpoints) expect(s.book.get(e.uid)).toMatchObject({ rounds: ROUNDS / 2, failures: 0 });
    // The axons saw one gate-training query plus one query per round they were sampled in, nothing more.
    expect(axons.map((a, i) => a.snapshot().served - servedBefore[i]!)).toEqual(
      Array(K).fill(1 + ROUNDS / 2),
    );

    const ema = (uid: number) => s.book.get(uid)!.ema;
    const worstGood = Math.min(...GOOD.map(ema));
    for (const uid of BAD) expect(ema(uid)).toBeLessThan(worstGood);
    for (const uid of GOOD) expect(ema(uid)).toBeGreaterThan(2 * s.book.se(uid));
    expect(Math.abs(ema(4))).toBeLessThan(1e-9); // lazy: exactly 0 in every coalition
    const row = last!.row!;
    expect(row.emit).toBe(true);
    expect(row.uids.length).toBeGreaterThan(0);
    for (const uid of row.uids) expect(GOOD).toContain(uid);

    const logged = lines.filter((l) => l.startsWith('scoring mode'));
    expect(logged).toEqual([
      'scoring mode subset-semivalue: scores are semivalues over random coalitions of 3 of 6 neighbours (not pure leave-one-out)',
    ]);
    const roundLines = lines.filter((l) => l.includes('"event":"round"')).map((l) => JSON.parse(l));
    expect(roundLines).toHaveLength(ROUNDS);
    for (const r of roundLines) {
      expect(r).toMatchObject({ K, k, mode: 'subset-semivalue' });
      expect(r.scores).toHaveLength(k);
    }

    const base = {
      name: 'v',
      flavour: 'validator',
      hotkey: validatorSs58,
      uid: 9,
      netuid: 1,
      device: await resolveDevice('cpu'),
      startedAt: Date.now(),
      scorer: s,
      neighbours: s.neighbours,
      note: null,
      lastWeightsTx: null,
      nextWeightsDue: 12,
      head: 10,
      axon: { served: 0, rejected: {}, running: 0, waiting: 0 },
    };
    const status = peerStatusJson(base);
    expect(status.scoring).toEqual({
      mode: 'subset-semivalue',
      subset_size: k,
      of: K,
      max_neighbours: k,
      note: 'scores are semivalues over random coalitions of 3 of 6 neighbours (not pure leave-one-out)',
    });
    expect(status.neighbours.filter((n) => n.sampled).map((n) => n.uid)).toEqual(last!.sampled);
    for (const n of status.neighbours) expect(n.rounds).toBe(ROUNDS / 2);
    expect(status).toMatchObject({ next_weights_due: 12, weights_pending: false });
    // While a weights tx is in flight the due block is not shown (it would be the stale one).
    const pending = peerStatusJson({
      ...base,
      lastWeightsTx: { tx_hash: '0x01', block: null, status: 'pending' },
      weightsPending: true,
    });
    expect(pending).toMatchObject({ next_weights_due: null, weights_pending: true });
  }, 120_000);

  it('asks only new neighbours for the gate-training split when the neighbour set changes', async () => {
    const logged: string[] = [];
    const s = new Scorer({
      batch: 64,
      maxNeighbours: K,
      queryAll: (t, x, b) => dendrite.queryAll(t, x, b),
      join: join_,
      log: (l) => logged.push(l),
    });
    const served = () => axons.map((a) => a.snapshot().served);
    const delta = (before: number[]) => served().map((n, i) => n - before[i]!);
    let before = served();
    await s.runRound(endpoints.slice(0, 5), null); // gate training (all 5) + the round
    expect(delta(before)).toEqual([2, 2, 2, 2, 2, 0]);
    before = served();
    await s.runRound(endpoints, null); // the sixth joins: only it is asked for the training split
    expect(delta(before)).toEqual([1, 1, 1, 1, 1, 2]);
    before = served();
    const withoutFirst = endpoints.slice(1);
    const r = await s.runRound(withoutFirst, null); // one leaves: gates refit from known answers, no query
    expect(delta(before)).toEqual([0, 1, 1, 1, 1, 1]);
    expect(r!.sampled).toEqual(withoutFirst.map((e) => e.uid));
    expect(s.theta).toHaveLength(withoutFirst.length);
    const trained = logged.filter((l) => l.startsWith('gates trained'));
    expect(trained.map((l) => /\((\d+) queried, (\d+) known\)/.exec(l)?.slice(1))).toEqual([
      ['5', '0'],
      ['1', '5'],
      ['0', '5'],
    ]);
  }, 60_000);

  it('stays pure leave-one-out (everyone every round) when K ≤ k', async () => {
    const s = new Scorer({
      batch: 64,
      maxNeighbours: K,
      queryAll: (t, x, b) => dendrite.queryAll(t, x, b),
      join: join_,
    });
    const r = await s.runRound(endpoints, null);
    expect(r!.sampled).toEqual(endpoints.map((e) => e.uid));
    expect(r!.mode.mode).toBe('leave-one-out');
    expect(r!.scores.K).toBe(K);
  }, 60_000);
});
