// Shared by the peer tests: real generated ONNX neighbours (onnxruntime on CPU), their answers to a batch,
// gate training on a training split and one scored round through the real join session.
import { ensureModel } from '../../src/peer/model/cache.js';
import type { NeighbourSpec } from '../../src/peer/model/graphs.js';
import { copycat, type Forward } from '../../src/peer/model/relay.js';
import {
  type ClassifierModel,
  type DeviceChoice,
  type JoinModel,
  openClassifier,
  openJoin,
} from '../../src/peer/model/session.js';
import { type RoundScores, prepareRound, scoreRound } from '../../src/peer/scoring/ablation.js';
import { trainGates, uniformTheta } from '../../src/peer/scoring/gates.js';
import { CLASSES } from '../../src/peer/task/blocked-gaussian.js';
import { sampleBatch } from '../../src/peer/task/blocked-gaussian.js';
import { Rng } from '../../src/peer/task/prng.js';

export const CPU: DeviceChoice = { requested: 'cpu', device: 'cpu', reason: 'test', gpus: null };

/** A neighbour in a test: either a generated model or a copycat of an earlier one (by index). */
export type TestNeighbour = NeighbourSpec | { copyOf: number };

export interface Network {
  forwards: Forward[];
  models: ClassifierModel[];
  join: JoinModel;
  close(): Promise<void>;
}

// Stateless sessions (good, adversarial, lazy, join) are shared between networks to keep the tests quick;
// noisy and random models carry a generator, so every network gets its own session for them.
const shared = new Map<string, Promise<ClassifierModel | JoinModel>>();
const sharedSession = <T extends ClassifierModel | JoinModel>(
  key: string,
  open: () => Promise<T>,
): Promise<T> => {
  if (!shared.has(key)) shared.set(key, open());
  return shared.get(key) as Promise<T>;
};

/** Releases the shared sessions (call in afterAll). */
export async function closeShared(): Promise<void> {
  for (const p of shared.values()) await (await p).dispose();
  shared.clear();
}

export async function openNetwork(dir: string, neighbours: TestNeighbour[]): Promise<Network> {
  const own: ClassifierModel[] = [];
  const models: ClassifierModel[] = [];
  const forwards: Forward[] = [];
  for (const n of neighbours) {
    if ('copyOf' in n) {
      forwards.push(copycat(forwards[n.copyOf]!));
      continue;
    }
    const open = () => openClassifier(ensureModel(dir, n).path, CPU);
    const stateful = n.kind === 'noisy' || n.kind === 'random' || n.kind === 'copycat';
    const m = stateful ? await open() : await sharedSession(`${dir}:${JSON.stringify(n)}`, open);
    if (stateful) own.push(m);
    models.push(m);
    forwards.push((x, rows) => m.forward(x, rows));
  }
  const join = await sharedSession(`${dir}:join`, () =>
    openJoin(ensureModel(dir, { kind: 'join', ownLogits: false }).path, CPU),
  );
  return {
    forwards,
    models,
    join,
    close: async () => {
      for (const m of own) await m.dispose();
    },
  };
}

export async function answers(net: Network, x: Float32Array, rows: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const f of net.forwards) out.push(await f(x, rows));
  return out;
}

/** Trains gates on a training split of N samples drawn from `seed`. */
export async function trainedTheta(net: Network, seed: number, N = 4000): Promise<Float32Array> {
  const batch = sampleBatch(new Rng(seed), N);
  const responses = await answers(net, batch.x, N);
  const prepared = prepareRound({
    B: N,
    x: batch.x,
    y: batch.y,
    responses,
    theta: uniformTheta(responses.length),
  });
  return trainGates(prepared.F, batch.y, prepared.K, N, { steps: 150 }).theta;
}

export async function scoreOnce(
  net: Network,
  seed: number,
  B: number,
  theta?: Float32Array,
): Promise<RoundScores> {
  const batch = sampleBatch(new Rng(seed), B);
  const responses = await answers(net, batch.x, B);
  return scoreRound(
    { B, x: batch.x, y: batch.y, responses, theta: theta ?? uniformTheta(responses.length) },
    net.join,
  );
}

export const fmt = (s: RoundScores) =>
  s.neighbours
    .map((n, j) => `${j}: ${n.score.toFixed(4)} ± ${n.se.toFixed(4)} a=${n.gate.toFixed(3)}`)
    .join('\n');

export { CLASSES };
