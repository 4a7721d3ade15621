/**
 * The validator's scoring loop against real neighbours: in-process axons serving generated ONNX models over
 * loopback HTTP, a real signed dendrite, the real join session. Pins what docs/pruning.md §3.2–3.5 asks of a
 * round.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { encodeAddress } from '../../src/crypto/ss58.js';
import type { NeighbourSpec } from '../../src/peer/model/graphs.js';
import { type JoinModel, resolveDevice } from '../../src/peer/model/session.js';
import type { Dendrite, NeighbourEndpoint } from '../../src/peer/net/dendrite.js';
import { Scorer } from '../../src/peer/runtime/scorer.js';
import { peerStatusJson } from '../../src/peer/runtime/status.js';
import { type NeighbourAxons, startNeighbourAxons, validatorSs58 } from './neighbour-axons.js';
import { freePort } from './ports.js';

let market: NeighbourAxons;
let join_: JoinModel;
let dendrite: Dendrite;
let endpoints: NeighbourEndpoint[];
const lines: string[] = [];

const NEIGHBOURS: { uri: string; spec: NeighbourSpec }[] = [
  { uri: '//good0', spec: { kind: 'good', block: 0 } },
  { uri: '//good1', spec: { kind: 'good', block: 1 } },
  { uri: '//adv', spec: { kind: 'adversarial', block: 2 } },
  { uri: '//lazy', spec: { kind: 'lazy' } },
];

beforeAll(async () => {
  market = await startNeighbourAxons('tao-scorer-', NEIGHBOURS);
  ({ join: join_, dendrite } = market);
  // A registered neighbour whose axon is down: it must count as removed, every round.
  endpoints = [
    ...market.endpoints,
    {
      uid: 7,
      hotkey: encodeAddress(keyPairFromUri('//gone').publicKey),
      ip: '127.0.0.1',
      port: await freePort(),
    },
  ];
}, 60_000);

afterAll(() => market.close());

const scorer = () =>
  new Scorer({
    batch: 256,
    queryAll: (t, x, b) => dendrite.queryAll(t, x, b),
    join: join_,
    log: (l) => lines.push(l),
  });

describe('Scorer', () => {
  it('scores good neighbours positive, lazy exactly 0, a dead axon as removed, and weights only the good', async () => {
    const s = scorer();
    const rules = { tempo: 10, weightsRateLimit: 5, maxWeightLimit: 65535, minAllowedWeights: 1 };
    let last = null;
    for (let r = 0; r < 8; r++) last = await s.runRound(endpoints, rules);
    expect(s.round).toBe(8);
    const [good0, good1, adv, lazy, gone] = endpoints.map((e) => s.book.get(e.uid)!);
    for (const g of [good0!, good1!]) {
      expect(g.ema).toBeGreaterThan(2 * s.book.se(g.uid));
      expect(g.failures).toBe(0);
    }
    expect(Math.abs(lazy!.ema)).toBeLessThan(1e-9);
    expect(gone!.failures).toBe(8);
    expect(gone!.ema).toBe(0);
    expect(gone!.lastReason).toBeTruthy();
    expect(adv!.lastGate).toBeLessThan(0.5); // the trained gate mutes the adversary
    const row = last!.row!;
    expect(row.emit).toBe(true);
    expect(row.uids).toEqual([1, 2]);
    expect(row.u16).toContain(65535);
    expect(row.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Gates trained once (the neighbour set never changed), one log line per round with the seed hash.
    expect(lines.filter((l) => l.startsWith('gates trained'))).toHaveLength(1);
    const rounds = lines.filter((l) => l.includes('"event":"round"')).map((l) => JSON.parse(l));
    expect(rounds).toHaveLength(8);
    expect(new Set(rounds.map((r) => r.seed_hash)).size).toBe(8); // a fresh private batch every round
    expect(rounds[0]).toMatchObject({ B: 256, K: 5 });

    // /status as the contract spells it.
    const status = peerStatusJson({
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
    });
    expect(status).toMatchObject({
      name: 'v',
      uid: 9,
      round: 8,
      next_weights_due: 12,
      last_weights_tx: null,
    });
    expect(Object.keys(status.device).sort()).toEqual(['device', 'gpus', 'reason']);
    expect(status.device.device).toBe('cpu');
    for (const n of status.neighbours)
      expect(Object.keys(n)).toEqual(
        expect.arrayContaining([
          'uid',
          'hotkey',
          'score',
          'se',
          'ema',
          'ema_se',
          'gate',
          'weight',
          'acc_decline',
          'latency_ms',
          'failures',
          'status',
        ]),
      );
    const goneStatus = status.neighbours.find((n) => n.uid === 7)!;
    expect(goneStatus).toMatchObject({ status: 'failed', weight: 0, failures: 8 });
    expect(goneStatus.reason).toBeTruthy();
  }, 120_000);

  it('retrains the gates when the neighbour set changes and resets a uid whose hotkey changed', async () => {
    const s = scorer();
    const before = lines.length;
    await s.runRound(endpoints.slice(0, 2), null);
    const good1 = s.book.get(2)!;
    expect(good1.rounds).toBe(1);
    // uid 2 now belongs to another hotkey (the lazy model): its state starts over.
    const swapped = [endpoints[0]!, { ...endpoints[3]!, uid: 2 }];
    s.book.syncIdentities(swapped);
    expect(s.book.get(2)!.rounds).toBe(0);
    await s.runRound(swapped, null);
    expect(s.book.get(2)).toMatchObject({ rounds: 1, hotkey: endpoints[3]!.hotkey });
    expect(Math.abs(s.book.get(2)!.ema)).toBeLessThan(1e-9); // lazy: zero up to float rounding
    expect(lines.slice(before).filter((l) => l.startsWith('gates trained'))).toHaveLength(2);
  }, 120_000);

  it('sets no row when nobody helps (never a uniform row)', async () => {
    const s = scorer();
    const useless = [endpoints[3]!, endpoints[4]!]; // lazy + dead
    const r = await s.runRound(useless, null);
    expect(r!.row!.emit).toBe(false);
    expect(await s.runRound([], null)).toBeNull();
    expect(s.note).toMatch(/no neighbours/);
  }, 60_000);
});
