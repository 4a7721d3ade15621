import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureModel, specHash } from '../../src/peer/model/cache.js';
import { joinGraph, neighbourGraph } from '../../src/peer/model/graphs.js';
import { DType, GraphBuilder } from '../../src/peer/model/onnx-builder.js';
import { copycat } from '../../src/peer/model/relay.js';
import { openClassifier, openJoin } from '../../src/peer/model/session.js';
import { blockLogPosterior, CLASSES, FEATURES, sampleBatch } from '../../src/peer/task/blocked-gaussian.js';
import { Rng } from '../../src/peer/task/prng.js';
import { CPU } from './fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'tao-peer-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const B = 64;
const batch = sampleBatch(new Rng(2024), B);
const run = async (bytes: Uint8Array) => {
  const m = await openClassifier(bytes, CPU);
  try {
    return await m.forward(batch.x, B);
  } finally {
    await m.dispose();
  }
};
const rowsAreProbabilities = (p: Float32Array) => {
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let c = 0; c < CLASSES; c++) {
      if (!(p[b * CLASSES + c]! >= 0)) return false;
      s += p[b * CLASSES + c]!;
    }
    if (Math.abs(s - 1) > 1e-5) return false;
  }
  return true;
};

describe('generated neighbour graphs (onnxruntime, CPU)', () => {
  it('good(b) is the Bayes posterior of block b', async () => {
    for (const block of [0, 3]) {
      const p = await run(neighbourGraph({ kind: 'good', block }));
      const ref = blockLogPosterior(batch.x, B, block);
      let worst = 0;
      for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i]! - Math.exp(ref[i]!)));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('adversarial(b) permutes good(b): q(c) = post(c−1 mod C)', async () => {
    const good = await run(neighbourGraph({ kind: 'good', block: 1 }));
    const adv = await run(neighbourGraph({ kind: 'adversarial', block: 1 }));
    for (let b = 0; b < B; b++)
      for (let c = 0; c < CLASSES; c++)
        expect(adv[b * CLASSES + c]).toBe(good[b * CLASSES + ((c + CLASSES - 1) % CLASSES)]);
  });

  it('lazy is uniform; random returns varying simplex points', async () => {
    const lazy = await run(neighbourGraph({ kind: 'lazy' }));
    expect(lazy.every((v) => v === Math.fround(0.1))).toBe(true);
    const rnd = await run(neighbourGraph({ kind: 'random', seed: 4 }));
    expect(rowsAreProbabilities(rnd)).toBe(true);
    expect(rnd[0]).not.toBe(rnd[CLASSES]);
  });

  it('noisy(b, τ): τ = 0 equals good(b); τ > 0 perturbs, reproducibly per fresh session', async () => {
    const good = await run(neighbourGraph({ kind: 'good', block: 2 }));
    const clean = await run(neighbourGraph({ kind: 'noisy', block: 2, tau: 0, seed: 1 }));
    for (let i = 0; i < good.length; i++) expect(Math.abs(clean[i]! - good[i]!)).toBeLessThan(1e-6);
    const n1 = await run(neighbourGraph({ kind: 'noisy', block: 2, tau: 2, seed: 1 }));
    const n2 = await run(neighbourGraph({ kind: 'noisy', block: 2, tau: 2, seed: 1 }));
    expect(rowsAreProbabilities(n1)).toBe(true);
    expect(n2).toEqual(n1);
    expect(Math.max(...n1.map((v, i) => Math.abs(v - good[i]!)))).toBeGreaterThan(0.1);
  });

  it('copycat relays its target verbatim (same session, so even the noise is copied)', async () => {
    const graph = neighbourGraph({ kind: 'noisy', block: 0, tau: 1, seed: 9 });
    const target = await openClassifier(graph, CPU);
    const twin = await openClassifier(graph, CPU); // same seed: replays the target's noise sequence
    const copy = copycat((x, rows) => target.forward(x, rows));
    const direct = await target.forward(batch.x, B);
    const relayed = await copy(batch.x, B);
    expect(direct).toEqual(await twin.forward(batch.x, B));
    expect(relayed).toEqual(await twin.forward(batch.x, B));
    expect(relayed).not.toEqual(direct); // fresh noise per run: the relay really asked the target again
    await target.dispose();
    await twin.dispose();
  });
});

describe('--model signature validation', () => {
  const model = (inWidth: number, outWidth: number, rows: string | number = 'B', softmax = true) => {
    const g = new GraphBuilder();
    g.input('input', DType.float, [rows, inWidth]);
    g.output('out', DType.float, [rows, outWidth]);
    const w = g.const('w', DType.float, [inWidth, outWidth], new Float32Array(inWidth * outWidth).fill(0.01));
    const logits = g.op('MatMul', ['input', w], {}, softmax ? undefined : 'out');
    if (softmax) g.op('Softmax', [logits], { axis: 1 }, 'out');
    return g.build('user', 'test classifier');
  };

  it('accepts any classifier with x float32 [B, 32] → float32 [B, 10]', async () => {
    const file = join(dir, 'user-ok.onnx');
    writeFileSync(file, model(FEATURES, CLASSES));
    const m = await openClassifier(file, CPU);
    expect(m.inputName).toBe('input');
    expect(rowsAreProbabilities(await m.forward(batch.x, B))).toBe(true);
    await m.dispose();
  });

  it('refuses a mismatched model with expected vs found signatures (exit 2)', async () => {
    const file = join(dir, 'user-bad.onnx');
    writeFileSync(file, model(16, CLASSES));
    const err = await openClassifier(file, CPU).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_MODEL_SIGNATURE', exitCode: 2 });
    expect((err as Error).message).toContain('expected x float32 [B, 32] -> probs float32 [B, 10]');
    expect((err as Error).message).toContain('found input float32 [B, 16] -> out float32 [B, 10]');
    const fixed = await openClassifier(model(FEATURES, CLASSES, 1), CPU).catch((e: unknown) => e);
    expect(fixed).toMatchObject({ code: 'E_MODEL_SIGNATURE', exitCode: 2 });
    const wide = await openClassifier(model(FEATURES, 12), CPU).catch((e: unknown) => e);
    expect(wide).toMatchObject({ code: 'E_MODEL_SIGNATURE', exitCode: 2 });
  });

  it('refuses a model that outputs logits instead of probabilities, and a file that is not ONNX', async () => {
    const logits = await openClassifier(model(FEATURES, CLASSES, 'B', false), CPU).catch((e: unknown) => e);
    expect(logits).toMatchObject({ code: 'E_MODEL_OUTPUT', exitCode: 2 });
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, 'not a model');
    const err = await openClassifier(junk, CPU).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_MODEL', exitCode: 2 });
  });
});

describe('model cache under $TAO_HOME/models', () => {
  it('generates once, reuses, regenerates when missing, and replaces a stale version', () => {
    const models = join(dir, 'models');
    const first = ensureModel(models, { kind: 'good', block: 0 });
    expect(first.generated).toBe(true);
    const again = ensureModel(models, { kind: 'good', block: 0 });
    expect(again).toEqual({ ...first, generated: false });
    rmSync(first.path);
    expect(ensureModel(models, { kind: 'good', block: 0 }).generated).toBe(true);
    // Changed generator parameters (another prototype seed) → new hash, old file removed.
    const changed = ensureModel(models, { kind: 'good', block: 0, protoSeed: 5 });
    expect(changed.generated).toBe(true);
    expect(changed.hash).not.toBe(first.hash);
    expect(readdirSync(models).filter((f) => f.startsWith('good-b0.'))).toEqual([
      changed.path.split('/').pop(),
    ]);
    // Different models live side by side; a copycat shares its target's file.
    const noisyA = ensureModel(models, { kind: 'noisy', block: 1, tau: 0.5, seed: 1 });
    const noisyB = ensureModel(models, { kind: 'noisy', block: 1, tau: 1, seed: 1 });
    expect(statSync(noisyA.path).size).toBeGreaterThan(0);
    expect(statSync(noisyB.path).size).toBeGreaterThan(0);
    expect(
      ensureModel(models, { kind: 'copycat', target: { kind: 'noisy', block: 1, tau: 1, seed: 1 } }),
    ).toEqual({
      ...noisyB,
      generated: false,
    });
    expect(specHash({ kind: 'join', ownLogits: true })).not.toBe(
      specHash({ kind: 'join', ownLogits: false }),
    );
    expect(readdirSync(models).some((f) => f.endsWith('.tmp'))).toBe(false);
  });
});

describe('join graph', () => {
  it('adds own logits u(x) when generated with ownLogits', async () => {
    const join = await openJoin(joinGraph({ kind: 'join', ownLogits: true }), CPU);
    expect(join.ownLogits).toBe(true);
    const K = 2;
    const F = new Float32Array(K * B * CLASSES).fill(Math.log(0.1));
    const u = new Float32Array(B * CLASSES);
    for (let b = 0; b < B; b++) u[b * CLASSES + (b % CLASSES)] = 3;
    const { logp, a } = await join.run({
      B,
      K,
      M: 1,
      x: batch.x,
      F,
      m: new Float32Array([1, 1]),
      theta: new Float32Array(K),
      u,
    });
    expect(a[0]).toBeCloseTo(Math.log(2), 12);
    const expected = 3 - Math.log(Math.exp(3) + 9);
    expect(logp[0]).toBeCloseTo(expected, 12);
    await expect(
      join.run({ B, K, M: 1, x: batch.x, F, m: new Float32Array([1, 1]), theta: new Float32Array(K) }),
    ).rejects.toThrow(/own logits/);
    await join.dispose();
  });
});
