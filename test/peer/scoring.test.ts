// Pins the acceptance criteria of docs/pruning.md §3.7 (1–7) with fixed seeds, real generated ONNX neighbours
// and the real join session (onnxruntime on CPU), single rounds at B = 1024 and an EMA run at B = 256.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinGraph } from '../../src/peer/model/graphs.js';
import { openJoin } from '../../src/peer/model/session.js';
import { closedFormLogProbs, removalDeltas, scoreRound } from '../../src/peer/scoring/ablation.js';
import { ScoreBook } from '../../src/peer/scoring/ema.js';
import { uniformTheta } from '../../src/peer/scoring/gates.js';
import { mixQueries, takeValidationRows } from '../../src/peer/scoring/queries.js';
import { observationsOf, roundLog } from '../../src/peer/scoring/record.js';
import { checkResponse } from '../../src/peer/scoring/responses.js';
import { buildWeightRow } from '../../src/peer/scoring/weights.js';
import { CLASSES, FEATURES, sampleBatch } from '../../src/peer/task/blocked-gaussian.js';
import { Rng } from '../../src/peer/task/prng.js';
import {
  answers,
  CPU,
  type Network,
  openNetwork,
  closeShared,
  scoreOnce,
  type TestNeighbour,
  trainedTheta,
} from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'tao-peer-scoring-'));
const networks: Network[] = [];
const open = async (n: TestNeighbour[]) => {
  const net = await openNetwork(dir, n);
  networks.push(net);
  return net;
};
afterAll(async () => {
  for (const n of networks) await n.close();
  await closeShared();
  rmSync(dir, { recursive: true, force: true });
});

const VALIDATION_SEED = 0x5eed;
const TRAIN_SEED = 0x7a1;
const good = (block: number) => ({ kind: 'good' as const, block });

describe('responses and query mixing', () => {
  it('accepts probability rows and rejects wrong shape, NaN, negatives and bad sums', () => {
    const row = Array.from({ length: CLASSES }, () => 0.1);
    expect(checkResponse([...row, ...row], 2)).toEqual({ ok: true });
    expect(checkResponse(null, 2)).toMatchObject({ ok: false, reason: 'no response' });
    expect(checkResponse(row, 2)).toMatchObject({ ok: false, reason: expect.stringMatching(/wrong shape/) });
    expect(checkResponse([Number.NaN, ...row.slice(1)], 1)).toMatchObject({ ok: false });
    expect(checkResponse([-0.1, 0.2, ...row.slice(2)], 1)).toMatchObject({ ok: false });
    expect(
      checkResponse(
        row.map((v) => v * 1.002),
        1,
      ),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/sums/) });
    expect(
      checkResponse(
        row.map((v) => v * 1.0009),
        1,
      ),
    ).toEqual({ ok: true });
  });

  it('hides validation rows among ordinary queries and takes them back out', () => {
    const rng = new Rng(1);
    const v = sampleBatch(new Rng(2), 16);
    const o = sampleBatch(new Rng(3), 48);
    const mixed = mixQueries(rng, v.x, 16, o.x, 48);
    expect(mixed.rows).toBe(64);
    expect(new Set(mixed.validationIdx).size).toBe(16);
    expect([...mixed.validationIdx].some((p, b) => p !== b)).toBe(true); // not simply at the front
    mixed.validationIdx.forEach((pos, b) => {
      expect(mixed.x.subarray(pos * FEATURES, (pos + 1) * FEATURES)).toEqual(
        v.x.subarray(b * FEATURES, (b + 1) * FEATURES),
      );
    });
    const probs = new Float32Array(64 * CLASSES).map((_, i) => Math.floor(i / CLASSES)); // row id
    const back = takeValidationRows(probs, mixed)!;
    mixed.validationIdx.forEach((pos, b) => {
      expect(back[b * CLASSES]).toBe(pos);
    });
    expect(takeValidationRows(new Float32Array(3), mixed)!.length).toBe(3); // wrong shape passes through to be rejected
  });
});

describe('the 9-neighbour mix of §3.7 (B = 1024, learned gates)', () => {
  // 0–3 good, 4 noisy(b1, τ=1), 5 copycat of 0, 6 adversarial(b2), 7 lazy, 8 random
  let net: Network;
  let theta: Float32Array;
  let scores: Awaited<ReturnType<typeof scoreOnce>>;
  beforeAll(async () => {
    net = await open([
      good(0),
      good(1),
      good(2),
      good(3),
      { kind: 'noisy', block: 1, tau: 1, seed: 7 },
      { copyOf: 0 },
      { kind: 'adversarial', block: 2 },
      { kind: 'lazy' },
      { kind: 'random', seed: 3 },
    ]);
    theta = await trainedTheta(net, TRAIN_SEED);
    scores = await scoreOnce(net, VALIDATION_SEED, 1024, theta);
  });

  it('criterion 1: every good neighbour has s > 2·SE and weight > 0', () => {
    const row = buildWeightRow(scores.neighbours.map((n, uid) => ({ uid, ema: n.score, se: n.se })));
    for (const j of [0, 1, 2, 3]) {
      expect(scores.neighbours[j]!.score).toBeGreaterThan(2 * scores.neighbours[j]!.se);
      expect(row.byUid.get(j)).toBeGreaterThan(0);
    }
  });

  it('criterion 3: a copycat and its original score the same', () => {
    const [orig, copy] = [scores.neighbours[0]!, scores.neighbours[5]!];
    expect(Math.abs(copy.score - orig.score)).toBeLessThan(2 * orig.se);
  });

  it('criterion 4 (learned gates): the adversary is muted, s ≤ 2·SE, so it gets no weight', () => {
    const adv = scores.neighbours[6]!;
    expect(adv.gate).toBeLessThan(0.3);
    expect(adv.score).toBeLessThanOrEqual(2 * adv.se);
    const row = buildWeightRow(scores.neighbours.map((n, uid) => ({ uid, ema: n.score, se: n.se })));
    expect(row.byUid.get(6) ?? 0).toBe(0);
  });

  it('criterion 5: the lazy (uniform) neighbour scores exactly 0', () => {
    expect(Math.abs(scores.neighbours[7]!.score)).toBeLessThan(1e-9);
    expect(scores.neighbours[7]!.accDecline).toBe(0);
  });

  it('criterion 7: the stacked-mask ONNX run equals the TS closed form z − a_j f_j (1e-5)', async () => {
    const batch = sampleBatch(new Rng(VALIDATION_SEED), 1024);
    const responses = await answers(net, batch.x, 1024);
    const r = await scoreRound({ B: 1024, x: batch.x, y: batch.y, responses, theta }, net.join);
    const ts = closedFormLogProbs(r.prepared, r.a);
    let worst = 0;
    for (let i = 0; i < ts.length; i++) worst = Math.max(worst, Math.abs(ts[i]! - r.logp[i]!));
    expect(worst).toBeLessThan(1e-5);
    expect(r.logp.length).toBe(10 * 1024 * CLASSES); // M = K + 1 masks in one run
  });

  it('an invalid response is removed in every pass (m_j = 0) and scores 0; the others are unaffected by its values', async () => {
    const batch = sampleBatch(new Rng(VALIDATION_SEED + 1), 256);
    const responses: (Float32Array | null)[] = await answers(net, batch.x, 256);
    const broken = Float32Array.from(responses[1]!);
    broken[17] = Number.NaN;
    const withNaN = await scoreRound(
      { B: 256, x: batch.x, y: batch.y, responses: responses.map((r, j) => (j === 1 ? broken : r)), theta },
      net.join,
    );
    const missing = await scoreRound(
      { B: 256, x: batch.x, y: batch.y, responses: responses.map((r, j) => (j === 1 ? null : r)), theta },
      net.join,
    );
    expect(withNaN.neighbours[1]).toMatchObject({
      score: 0,
      se: 0,
      valid: false,
      reason: expect.stringMatching(/non-finite/),
    });
    expect(withNaN.prepared.masks.filter((_, i) => i % 9 === 1).every((m) => m === 0)).toBe(true);
    withNaN.neighbours.forEach((n, j) => {
      expect(n.score).toBe(missing.neighbours[j]!.score);
    });
    expect(Number.isFinite(withNaN.lossAll)).toBe(true);
    const ts = closedFormLogProbs(withNaN.prepared, withNaN.a);
    expect(Math.max(...ts.map((v, i) => Math.abs(v - withNaN.logp[i]!)))).toBeLessThan(1e-5);
  });

  it('criterion 7 with own logits u(x): ONNX join(u) equals the closed form', async () => {
    const joinU = await openJoin(joinGraph({ kind: 'join', ownLogits: true }), CPU);
    const B = 128;
    const batch = sampleBatch(new Rng(99), B);
    const responses = await answers(net, batch.x, B);
    const u = new Float32Array(B * CLASSES).map((_, i) => Math.sin(i) * 2);
    const r = await scoreRound({ B, x: batch.x, y: batch.y, responses, theta, u }, joinU);
    const ts = closedFormLogProbs(r.prepared, r.a, u);
    expect(Math.max(...ts.map((v, i) => Math.abs(v - r.logp[i]!)))).toBeLessThan(1e-5);
    await joinU.dispose();
  });
});

describe('copies, adversaries and noise (B = 1024)', () => {
  it('criterion 3: the original loses credit when a copy is present; the pair earns less than the original alone', async () => {
    const solo = await open([good(0), good(1), good(2), good(3)]);
    const duo = await open([good(0), good(1), good(2), good(3), { copyOf: 0 }]);
    const s = await scoreOnce(solo, VALIDATION_SEED, 1024, await trainedTheta(solo, TRAIN_SEED, 2000));
    const d = await scoreOnce(duo, VALIDATION_SEED, 1024, await trainedTheta(duo, TRAIN_SEED, 2000));
    const alone = s.neighbours[0]!;
    const [orig, copy] = [d.neighbours[0]!, d.neighbours[4]!];
    expect(Math.abs(copy.score - orig.score)).toBeLessThan(2 * orig.se);
    expect(orig.score).toBeLessThan(alone.score - 2 * alone.se);
    expect(orig.score + copy.score).toBeLessThan(alone.score);
  });

  it('criterion 4 (uniform gates): adversarial and random score below −2·SE, so clipping alone zeroes them', async () => {
    const net = await open([
      good(0),
      good(1),
      good(2),
      good(3),
      { kind: 'adversarial', block: 2 },
      { kind: 'random', seed: 3 },
    ]);
    const s = await scoreOnce(net, VALIDATION_SEED, 1024, uniformTheta(6));
    for (const j of [4, 5]) expect(s.neighbours[j]!.score).toBeLessThan(-2 * s.neighbours[j]!.se);
    const row = buildWeightRow(
      s.neighbours.map((n, uid) => ({ uid, ema: n.score, se: n.se })),
      { significance: false },
    );
    expect(row.byUid.get(4) ?? 0).toBe(0);
    expect(row.byUid.get(5) ?? 0).toBe(0);
  });

  it('criterion 2: the noise ladder τ = 0, 0.5, 1, 2, 4 on block 1 is monotone within 2·SE and falls by > 4·SE', async () => {
    const B = 1024;
    const batch = sampleBatch(new Rng(VALIDATION_SEED), B);
    const deltas: Float64Array[] = [];
    const means: number[] = [];
    for (const tau of [0, 0.5, 1, 2, 4]) {
      const net = await open([good(0), { kind: 'noisy', block: 1, tau, seed: 11 }, good(2), good(3)]);
      const theta = await trainedTheta(net, TRAIN_SEED, 2000);
      const responses = await answers(net, batch.x, B);
      const r = await scoreRound({ B, x: batch.x, y: batch.y, responses, theta }, net.join);
      deltas.push(removalDeltas(r.prepared, r.logp, batch.y, 1));
      means.push(r.neighbours[1]!.score);
    }
    const pairedSE = (p: Float64Array, q: Float64Array) => {
      const d = p.map((v, i) => v - q[i]!);
      const m = d.reduce((s, v) => s + v, 0) / B;
      const v = d.reduce((s, x) => s + (x - m) ** 2, 0) / (B - 1);
      return Math.sqrt(v / B);
    };
    for (let i = 1; i < means.length; i++)
      expect(means[i]! - means[i - 1]!).toBeLessThanOrEqual(2 * pairedSE(deltas[i]!, deltas[i - 1]!));
    expect(means[0]! - means[4]!).toBeGreaterThan(4 * pairedSE(deltas[0]!, deltas[4]!));
  });
});

describe('EMA over rounds (B = 256, 20 rounds) into the weight row', () => {
  it('criterion 1 on s̄; a silent neighbour decays to no weight; the row obeys criterion 6', async () => {
    const net = await open([good(0), good(1), good(2), good(3), { kind: 'lazy' }]);
    const theta = await trainedTheta(net, TRAIN_SEED, 2000);
    const ids = [0, 1, 2, 3, 4].map((uid) => ({ uid, hotkey: `5Hot${uid}` }));
    const silent = { uid: 9, hotkey: '5Silent' };
    const book = new ScoreBook(0.1);
    book.update([{ ...silent, outcome: 'scored', score: 0.3, se: 0.01, accDecline: 0, gate: 1 }]);
    const rng = new Rng(VALIDATION_SEED);
    let last: ReturnType<typeof roundLog> | null = null;
    for (let round = 0; round < 20; round++) {
      const seed = rng.nextSeed();
      const batch = sampleBatch(new Rng(seed), 256);
      const responses = [...(await answers(net, batch.x, 256)), null];
      const s = await scoreRound(
        { B: 256, x: batch.x, y: batch.y, responses, theta: Float32Array.from([...theta, 0]) },
        net.join,
      );
      book.update(observationsOf([...ids, silent], s));
      const row = buildWeightRow(
        book.all().map((st) => ({ uid: st.uid, ema: st.ema, se: book.se(st.uid) })),
        { maxWeight: 0.4 },
      );
      last = roundLog(round, seed, s, book, row);
    }
    const log = last!;
    expect(log.B).toBe(256);
    expect(log.batchSeedHash).toMatch(/^[0-9a-f]{16}$/);
    const rec = new Map(log.neighbours.map((n) => [n.uid, n]));
    for (const uid of [0, 1, 2, 3]) {
      expect(rec.get(uid)!.ema).toBeGreaterThan(2 * rec.get(uid)!.emaSE);
      expect(rec.get(uid)!.weight).toBeGreaterThan(0);
    }
    expect(Math.abs(rec.get(4)!.ema)).toBeLessThan(1e-9);
    expect(rec.get(4)!.weight).toBe(0);
    expect(rec.get(9)).toMatchObject({ failures: 20, weight: 0, status: 'failed', reason: 'no response' });
    expect(rec.get(9)!.ema).toBeCloseTo(0.03 * 0.9 ** 20, 12);
    const weights = log.neighbours.map((n) => n.weight);
    expect(weights.every((w) => w >= 0 && w <= 0.4)).toBe(true);
    expect(Math.abs(weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-9);
    expect(log.emit).toBe(true);
  });
});
