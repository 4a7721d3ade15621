import { describe, expect, it } from 'vitest';
import {
  BLOCKS,
  blockLogPosterior,
  CLASSES,
  FEATURES,
  makePrototypes,
  randomValidationSeed,
  sampleBatch,
  seedHash,
} from '../../src/peer/task/blocked-gaussian.js';
import { Rng } from '../../src/peer/task/prng.js';

describe('PRNG (splitmix64-seeded xoshiro128**, Box–Muller)', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42n);
    const c = new Rng(43);
    const sa = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(sa);
    expect(new Rng('round-1').uniform()).toBe(new Rng('round-1').uniform());
  });

  it('produces uniforms in [0,1) and standard normals with the right moments', () => {
    const rng = new Rng(1);
    let sum = 0;
    let sumSq = 0;
    const n = 100_000;
    let inRange = true;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) inRange = false;
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    expect(inRange).toBe(true);
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.02);
  });

  it('draws unbiased integers and shuffles into a permutation', () => {
    const rng = new Rng(3);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 50_000; i++) counts[rng.int(10)]++;
    for (const c of counts) expect(Math.abs(c - 5000)).toBeLessThan(300);
    expect(
      rng
        .shuffle(Array.from({ length: 50 }, (_, i) => i))
        .slice()
        .sort((p, q) => p - q),
    ).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('blocked Gaussian prototypes task (docs/pruning.md §3.7)', () => {
  it('has fixed public prototypes and draws batches of the documented shape', () => {
    const mu = makePrototypes();
    expect(mu.length).toBe(CLASSES * FEATURES);
    expect(makePrototypes(0)).toBe(mu);
    expect(makePrototypes(1)[0]).not.toBe(mu[0]);
    const batch = sampleBatch(new Rng(5), 64);
    expect(batch.x.length).toBe(64 * FEATURES);
    expect(batch.y.every((y) => y >= 0 && y < CLASSES)).toBe(true);
    expect(sampleBatch(new Rng(5), 64)).toEqual(batch);
    expect(sampleBatch(new Rng(6), 64).x).not.toEqual(batch.x);
  });

  it('makes single blocks informative but incomplete, and the blocks complementary', () => {
    const B = 4000;
    const { x, y } = sampleBatch(new Rng(77), B);
    const sum = new Float64Array(B * CLASSES);
    const accs: number[] = [];
    for (let blk = 0; blk < BLOCKS; blk++) {
      const lp = blockLogPosterior(x, B, blk);
      let hits = 0;
      for (let b = 0; b < B; b++) {
        let best = 0;
        for (let c = 0; c < CLASSES; c++) {
          sum[b * CLASSES + c] = sum[b * CLASSES + c]! + lp[b * CLASSES + c]!;
          if (lp[b * CLASSES + c]! > lp[b * CLASSES + best]!) best = c;
        }
        if (best === y[b]) hits++;
      }
      accs.push(hits / B);
    }
    let hits = 0;
    for (let b = 0; b < B; b++) {
      let best = 0;
      for (let c = 0; c < CLASSES; c++) if (sum[b * CLASSES + c]! > sum[b * CLASSES + best]!) best = c;
      if (best === y[b]) hits++;
    }
    for (const acc of accs) expect(acc).toBeGreaterThan(0.3);
    for (const acc of accs) expect(acc).toBeLessThan(0.85);
    expect(hits / B).toBeGreaterThan(Math.max(...accs) + 0.1);
  });

  it('keeps the private validation seed separate and logs only its hash', () => {
    const s1 = randomValidationSeed();
    const s2 = randomValidationSeed();
    expect(s1).not.toBe(s2);
    expect(seedHash(s1)).toMatch(/^[0-9a-f]{16}$/);
    expect(seedHash(s1)).not.toContain(s1.toString(16));
    expect(seedHash(s1)).toBe(seedHash(s1));
  });
});
