// The AI peer's compute: one scoring round for K = 64 neighbours at B = 256 (validation, one stacked-mask
// join run of M = K+1 masks, leave-one-out statistics, EMA, weight row; no network), the TS closed form
// for comparison, ONNX inference throughput of a neighbour model and the join, and gate training time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureModel } from '../dist/peer/model/cache.js';
import { openClassifier, openJoin, resolveDevice } from '../dist/peer/model/session.js';
import {
  closedFormLogProbs,
  prepareRound,
  scoreRound,
  scoresFromLogProbs,
} from '../dist/peer/scoring/ablation.js';
import { ScoreBook } from '../dist/peer/scoring/ema.js';
import { trainGates, uniformTheta } from '../dist/peer/scoring/gates.js';
import { buildWeightRow } from '../dist/peer/scoring/weights.js';
import { sampleBatch } from '../dist/peer/task/blocked-gaussian.js';
import { Rng } from '../dist/peer/task/prng.js';
import { fmtMs, median, percentile, printTable } from './table.mjs';

const K = 64;
const B = 256;
const dir = mkdtempSync(join(tmpdir(), 'tao-peer-bench-'));
const device = await resolveDevice(process.env.TAO_BENCH_DEVICE ?? 'auto');
console.log(`device: ${device.device} (${device.reason})`);

const specs = [
  { kind: 'good', block: 0 },
  { kind: 'good', block: 1 },
  { kind: 'good', block: 2 },
  { kind: 'good', block: 3 },
  { kind: 'noisy', block: 1, tau: 1, seed: 7 },
  { kind: 'adversarial', block: 2 },
  { kind: 'lazy' },
  { kind: 'random', seed: 3 },
];
const models = [];
for (const s of specs) models.push(await openClassifier(ensureModel(dir, s).path, device));
const joinModel = await openJoin(ensureModel(dir, { kind: 'join', ownLogits: false }).path, device);

const time = async (n, fn) => {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const t = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return t;
};

// Responses of 64 neighbours (8 flavours × 8) to one validation batch, computed once (network excluded).
const batch = sampleBatch(new Rng(1), B);
const responses = [];
for (let j = 0; j < K; j++) responses.push(await models[j % models.length].forward(batch.x, B));
const theta = uniformTheta(K);
const book = new ScoreBook();
const ids = Array.from({ length: K }, (_, uid) => ({ uid, hotkey: `hk${uid}` }));

const roundOnnx = async () => {
  const s = await scoreRound({ B, x: batch.x, y: batch.y, responses, theta }, joinModel);
  book.update(
    ids.map((n, j) => ({
      ...n,
      outcome: 'scored',
      score: s.neighbours[j].score,
      se: s.neighbours[j].se,
      accDecline: 0,
      gate: 1,
    })),
  );
  return buildWeightRow(
    book.all().map((st) => ({ uid: st.uid, ema: st.ema, se: book.se(st.uid) })),
    { maxWeight: 0.1 },
  );
};
const roundTs = async () => {
  const p = prepareRound({ B, x: batch.x, y: batch.y, responses, theta });
  const a = Float64Array.from(theta, (t) => Math.max(t, 0) + Math.log(1 + Math.exp(-Math.abs(t))));
  const s = scoresFromLogProbs(p, closedFormLogProbs(p, a), batch.y, a);
  book.update(
    ids.map((n, j) => ({
      ...n,
      outcome: 'scored',
      score: s.neighbours[j].score,
      se: s.neighbours[j].se,
      accDecline: 0,
      gate: 1,
    })),
  );
  return buildWeightRow(
    book.all().map((st) => ({ uid: st.uid, ema: st.ema, se: book.se(st.uid) })),
    { maxWeight: 0.1 },
  );
};
const joinOnly = async () => {
  const p = prepareRound({ B, x: batch.x, y: batch.y, responses, theta });
  return joinModel.run({ B, K, M: K + 1, x: batch.x, F: p.F, m: p.masks, theta });
};

const rows = [];
const add = (what, t, rowsPerRun) => {
  const med = median(t);
  rows.push([
    what,
    fmtMs(med),
    fmtMs(percentile(t, 95)),
    rowsPerRun ? `${Math.round((rowsPerRun / med) * 1000).toLocaleString('en')}` : '',
  ]);
};
add(`scoring round K=${K} B=${B}: ONNX join (target ≤ 50 ms)`, await time(30, roundOnnx));
add(`scoring round K=${K} B=${B}: TS closed form z − a_j f_j`, await time(30, roundTs));
add(`join session.run alone, M·B = ${(K + 1) * B} rows`, await time(30, joinOnly), (K + 1) * B);
for (const rowsN of [256, 1024]) {
  const x = sampleBatch(new Rng(2), rowsN).x;
  add(`neighbour good(b0) forward, ${rowsN} rows`, await time(50, () => models[0].forward(x, rowsN)), rowsN);
}
{
  const N = 4000;
  const train = sampleBatch(new Rng(3), N);
  const resp = [];
  for (let j = 0; j < 9; j++) resp.push(await models[j % models.length].forward(train.x, N));
  const p = prepareRound({ B: N, x: train.x, y: train.y, responses: resp, theta: uniformTheta(9) });
  add(
    'gate training K=9 N=4000, 300 Adam steps',
    await time(3, async () => trainGates(p.F, train.y, 9, N, { steps: 300 })),
  );
}
printTable(['what', 'median', 'p95', 'rows/s'], rows);

for (const m of models) await m.dispose();
await joinModel.dispose();
rmSync(dir, { recursive: true, force: true });
