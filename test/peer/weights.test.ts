import { describe, expect, it } from 'vitest';
import {
  buildWeightRow,
  normalizeMaxWeight,
  U16_MAX,
  u16ToWeights,
  weightsToU16,
} from '../../src/peer/scoring/weights.js';
import { vecU16MaxUpscaleToU16 } from '../../src/consensus/math.js';
import { Rng } from '../../src/peer/task/prng.js';

const close = (a: number[], b: number[], tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => {
    expect(Math.abs(v - b[i]!)).toBeLessThan(tol);
  });
};

describe('normalizeMaxWeight (port of the SDK water-filling cap)', () => {
  it('matches the reference implementation on fixed rows', () => {
    // Expected values printed by the Python reference (bittensor weight_utils.normalize_max_weight, numpy f64).
    close(
      normalizeMaxWeight([0.5, 0.3, 0.1, 0.05, 0.05], 0.3),
      [
        0.29999979999980003, 0.29999979999980003, 0.20000020000020005, 0.10000010000010003,
        0.10000010000010003,
      ],
    );
    close(normalizeMaxWeight([10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0], 0.15), [
      0.14999982999996597,
      ...Array(10).fill(0.0850000170000034),
      0,
    ]);
    close(
      normalizeMaxWeight([0.7, 0.2, 0.1], 0.4),
      [0.3999999333332889, 0.3999999333332889, 0.2000001333334222],
    );
  });

  it('caps random rows at the limit, keeps order and sums to 1', () => {
    const rng = new Rng(5);
    for (let t = 0; t < 200; t++) {
      const n = 2 + rng.int(60);
      const x = Array.from({ length: n }, () => rng.uniform() ** 4);
      const limit = 1 / n + rng.uniform() * (1 - 1 / n) + 1e-6;
      const w = normalizeMaxWeight(x, limit);
      expect(Math.abs(w.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-9);
      expect(Math.max(...w)).toBeLessThanOrEqual(limit + 1e-12);
      let orderKept = true;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) if (x[i]! > x[j]! && w[i]! < w[j]! - 1e-15) orderKept = false;
      expect(orderKept).toBe(true);
    }
  });

  it('returns uniform when n·limit ≤ 1 (the only feasible answer)', () => {
    close(normalizeMaxWeight([3, 1, 0, 0], 0.25), [0.25, 0.25, 0.25, 0.25]);
  });
});

describe('u16 quantisation as subtensor', () => {
  it('stores a max-upscaled row unchanged and rounds half away from zero (docs/yuma.md §6 example)', () => {
    expect(vecU16MaxUpscaleToU16([43690, 21845])).toEqual([65535, 32768]);
    expect(vecU16MaxUpscaleToU16([0, 0])).toEqual([0, 0]);
    expect(vecU16MaxUpscaleToU16([100, 50, 1])).toEqual([65535, 32768, 655]);
    const row = weightsToU16([0.5, 0.25, 0.125, 0.125]);
    expect(row).toEqual([65535, 32768, 16384, 16384]);
    expect(vecU16MaxUpscaleToU16(row)).toEqual(row);
  });

  it('round-trips weights with error below 1/65535', () => {
    const rng = new Rng(9);
    for (let t = 0; t < 100; t++) {
      const n = 1 + rng.int(64);
      const raw = Array.from({ length: n }, () => rng.uniform());
      const sum = raw.reduce((s, v) => s + v, 0);
      const w = raw.map((v) => v / sum);
      const u = weightsToU16(w);
      const stored = vecU16MaxUpscaleToU16(u);
      expect(stored).toEqual(u); // what the ledger keeps is what we sent
      const max = Math.max(...w);
      u.forEach((v, i) => {
        expect(Number.isInteger(v) && v >= 0 && v <= U16_MAX).toBe(true);
        expect(Math.abs(v / U16_MAX - w[i]! / max)).toBeLessThan(1 / U16_MAX); // max-normalised (as stored)
      });
      const back = u16ToWeights(stored); // row-normalised (as Yuma reads it)
      back.forEach((v, i) => {
        expect(Math.abs(v - w[i]!)).toBeLessThan(1 / U16_MAX);
      });
    }
  });
});

describe('buildWeightRow (criterion 6)', () => {
  it('never emits when all s⁺ = 0, and never a uniform row', () => {
    const row = buildWeightRow([
      { uid: 1, ema: -0.2, se: 0.01 },
      { uid: 2, ema: 0, se: 0 },
    ]);
    expect(row.emit).toBe(false);
    expect(row.uids).toEqual([]);
    expect(row.reason).toMatch(/all s⁺ = 0/);
  });

  it('applies the significance gate (s̄ > 2·SE) unless disabled', () => {
    const entries = [
      { uid: 0, ema: 0.1, se: 0.01 },
      { uid: 3, ema: 0.01, se: 0.01 },
      { uid: 4, ema: -0.05, se: 0.01 },
    ];
    const gated = buildWeightRow(entries);
    expect(gated.uids).toEqual([0]);
    expect(gated.weights).toEqual([1]);
    expect(gated.u16).toEqual([65535]);
    const ungated = buildWeightRow(entries, { significance: false });
    expect(ungated.uids).toEqual([0, 3]);
    close(ungated.weights, [0.1 / 0.11, 0.01 / 0.11]);
  });

  it('is non-negative, sums to 1 and respects the cap λ after quantisation', () => {
    const rng = new Rng(21);
    for (let t = 0; t < 500; t++) {
      const n = 4 + rng.int(40);
      const entries = Array.from({ length: n }, (_, uid) => ({
        uid,
        ema: rng.normal() * 0.1 + 0.05,
        se: 0.001,
      }));
      const positive = entries.filter((e) => e.ema > 0.002).length;
      const lambda = Math.min(1, 1 / positive + 0.05 + rng.uniform() * 0.3);
      const row = buildWeightRow(entries, { maxWeight: lambda });
      if (positive === 0) continue;
      expect(row.emit).toBe(true);
      expect(row.weights.every((w) => w >= 0)).toBe(true);
      expect(Math.abs(row.weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-9);
      expect(Math.max(...row.weights)).toBeLessThanOrEqual(lambda + 1e-12);
      expect(Math.max(...u16ToWeights(row.u16))).toBeLessThanOrEqual(lambda);
      expect(Math.max(...row.u16)).toBe(U16_MAX);
    }
  });

  it('refuses an infeasible cap instead of inventing weight', () => {
    const row = buildWeightRow(
      [
        { uid: 0, ema: 0.2, se: 0.01 },
        { uid: 1, ema: 0.1, se: 0.01 },
        { uid: 2, ema: -0.1, se: 0.01 },
      ],
      { maxWeight: 0.4 },
    );
    expect(row.emit).toBe(false);
    expect(row.reason).toMatch(/infeasible/);
  });

  it('fills min_allowed_weights with the next-best non-negative neighbours at their own weight', () => {
    const entries = [
      { uid: 0, ema: 0.3, se: 0.01 },
      { uid: 1, ema: 0.004, se: 0.01 }, // not significant, but non-negative
      { uid: 2, ema: 0.0, se: 0.0 },
      { uid: 3, ema: -0.1, se: 0.01 }, // negative: never used
      { uid: 4, ema: 0.002, se: 0.01 },
    ];
    const row = buildWeightRow(entries, { minAllowedWeights: 3 });
    expect(row.emit).toBe(true);
    expect(row.uids).toEqual([0, 1, 4]);
    close(row.weights, [0.3 / 0.306, 0.004 / 0.306, 0.002 / 0.306]);
    const four = buildWeightRow(entries, { minAllowedWeights: 4 });
    expect(four.uids).toEqual([0, 1, 2, 4]);
    expect(four.byUid.get(2)).toBe(0); // listed to meet the minimum, with no invented weight
    const six = buildWeightRow(entries, { minAllowedWeights: 5 });
    expect(six.emit).toBe(false);
    expect(six.reason).toMatch(/requires 5/);
  });
});
