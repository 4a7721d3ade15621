// Properties of the epoch and its arithmetic over seeded random inputs: exact payout, uid-permutation
// equivariance, a minority cannot pay its own miner, the closed-form median equals the chain's
// quickselect, and the Number arithmetic equals a BigInt oracle.
import { describe, expect, it } from 'vitest';
import {
  distributeExactly,
  type EpochInputs,
  type EpochOutputs,
  runEpoch,
  sparseToRows,
} from '../../src/consensus/index.js';
import { div, expSafe, expSafeBig, mul, ONE, propToU16, toRao } from '../../src/consensus/fixed.js';
import { medianOfColumn, weightedMedian } from '../../src/consensus/math.js';
import { epochDiffs } from './vectors.js';

/** mulberry32: a small seeded PRNG so every run checks the same cases. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

type Variant = { yuma3Enabled: boolean; liquidAlphaEnabled: boolean; bondsPenalty: number };
const VARIANTS: Variant[] = [
  { yuma3Enabled: true, liquidAlphaEnabled: false, bondsPenalty: 65535 },
  { yuma3Enabled: true, liquidAlphaEnabled: true, bondsPenalty: 30000 },
  { yuma3Enabled: false, liquidAlphaEnabled: false, bondsPenalty: 0 },
];

/** A random epoch: distinct stakes (so top-k has no ties), sparse weights and bonds, some stale rows. */
function randomEpoch(seed: number, v: Variant): EpochInputs {
  const r = rng(seed);
  const n = int(r, 2, 40);
  const stake = Array.from({ length: n }, (_, i) => (r() < 0.4 ? 1_000_000 * int(r, 1, 10_000) + i : 0));
  const row = (): [number, number][] => {
    const out: [number, number][] = [];
    for (let j = 0; j < n; j++) if (r() < 0.5) out.push([j, int(r, 0, 65535)]);
    return out;
  };
  return {
    n,
    currentBlock: 10_000,
    stake,
    weights: Array.from({ length: n }, () => (r() < 0.6 ? row() : [])),
    bonds: Array.from({ length: n }, () => (r() < 0.5 ? row() : [])),
    validatorPermits: Array.from({ length: n }, () => r() < 0.7),
    lastUpdate: Array.from({ length: n }, () => int(r, 4000, 9999)),
    blockAtRegistration: Array.from({ length: n }, () => int(r, 0, 9800)),
    params: {
      ...v,
      maxAllowedValidators: int(r, 1, n),
      kappa: int(r, 20000, 45000),
      ownerUid: r() < 0.3 ? int(r, 0, n - 1) : null,
      raoEmission: BigInt(int(r, 0, 1e12)),
      stakeThreshold: BigInt(r() < 0.5 ? 0 : 2_000_000_000),
    },
  };
}

const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

describe('payout', () => {
  it('distributeExactly pays the whole pool, each uid its floor or floor + 1, remainder to the largest remainders', () => {
    const r = rng(1);
    for (let t = 0; t < 300; t++) {
      const shares = Array.from({ length: int(r, 1, 30) }, () => (r() < 0.2 ? 0 : int(r, 0, ONE)));
      const pool = BigInt(int(r, 0, 1e15));
      const paid = distributeExactly(pool, shares);
      const total = shares.reduce((a, b) => a + BigInt(b), 0n);
      if (total === 0n) {
        expect(paid.every((p) => p === 0n)).toBe(true);
        continue;
      }
      expect(sum(paid)).toBe(pool);
      shares.forEach((s, i) => {
        const floor = (pool * BigInt(s)) / total;
        expect(paid[i]! - floor === 0n || paid[i]! - floor === 1n).toBe(true);
        if (s === 0) expect(paid[i]).toBe(0n);
      });
    }
  });

  it('distributeExactly breaks remainder ties toward the lowest uid', () => {
    expect(distributeExactly(2n, [1, 1, 1])).toEqual([1n, 1n, 0n]);
    expect(distributeExactly(10n, [0, 0])).toEqual([0n, 0n]);
    expect(distributeExactly(7n, [3, 1])).toEqual([5n, 2n]);
  });

  it('the epoch pays at most rao_emission, short by < 2n·(1 + rao/2^32); distributeExactly closes the gap', () => {
    for (let seed = 0; seed < 150; seed++) {
      const inputs = randomEpoch(seed, VARIANTS[seed % 3]!);
      const out = runEpoch(inputs);
      const rao = BigInt(inputs.params!.raoEmission!);
      const n = BigInt(inputs.n);
      const paid = sum(out.serverEmission) + sum(out.validatorEmission);
      const anyStake = out.fixed.stake.some((s) => s > 0);
      expect(paid <= rao).toBe(true);
      // the normalised shares (bits) sum to at most 1.0 and lose < 1 bit per term to floors
      const bits = [...out.fixed.normalizedServerEmission, ...out.fixed.normalizedValidatorEmission];
      const totalBits = bits.reduce((a, b) => a + b, 0);
      expect(totalBits).toBeLessThanOrEqual(ONE);
      if (!anyStake) {
        expect(paid).toBe(0n);
        continue;
      }
      expect(totalBits).toBeGreaterThan(ONE - 2 * inputs.n);
      const bound = 2n * n + (2n * n * rao) / BigInt(ONE) + 1n;
      expect(rao - paid < bound).toBe(true);
      // exact ledger payout from the same shares: every uid gets at least the epoch's floor amount
      const exact = distributeExactly(rao, bits);
      expect(sum(exact)).toBe(rao);
      const floors = [...out.serverEmission, ...out.validatorEmission];
      exact.forEach((x, i) => {
        expect(x >= floors[i]!).toBe(true);
      });
    }
  });
});

function permuteInputs(x: EpochInputs, p: number[]): EpochInputs {
  const n = x.n;
  const move = <T>(a: readonly T[], fill: T): T[] => {
    const out = new Array<T>(n).fill(fill);
    for (let i = 0; i < n; i++) out[p[i]!] = a[i]!;
    return out;
  };
  const rows = (m: EpochInputs['weights']) =>
    move(
      (m as [number, number][][]).map((row) => row.map(([j, v]) => [p[j]!, v] as [number, number])),
      [] as [number, number][],
    );
  const owner = x.params?.ownerUid;
  return {
    ...x,
    stake: move(x.stake, 0),
    weights: rows(x.weights),
    bonds: rows(x.bonds),
    validatorPermits: move(x.validatorPermits, false),
    lastUpdate: move(x.lastUpdate, 0),
    blockAtRegistration: move(x.blockAtRegistration, 0),
    params: { ...x.params, ownerUid: owner === null || owner === undefined ? null : p[owner]! },
  };
}

function permuteOutputs(o: EpochOutputs, p: number[]): unknown {
  const n = p.length;
  const move = <T>(a: ArrayLike<T>): T[] => {
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[p[i]!] = a[i]!;
    return out;
  };
  const bonds = move(
    sparseToRows(o.bonds).map((row) => row.map(([j, v]) => [p[j]!, v]).sort((a, b) => a[0]! - b[0]!)),
  );
  const f = o.fixed;
  return {
    u16: [o.stakeWeightU16, o.consensusU16, o.incentiveU16, o.dividendsU16, o.validatorTrustU16].map(move),
    rao: [o.serverEmission, o.validatorEmission, o.emission].map(move),
    bools: [o.active, o.newValidatorPermits].map(move),
    fixed: [f.stake, f.activeStake, f.consensus, f.incentive, f.dividends, f.validatorTrust].map(move),
    bonds,
  };
}
const unpermuted = (o: EpochOutputs) =>
  permuteOutputs(
    o,
    Array.from({ length: o.active.length }, (_, i) => i),
  );

describe('uid permutation', () => {
  it('permuting the uids of the inputs permutes every output (both semantics, all bond variants)', () => {
    for (let seed = 0; seed < 90; seed++) {
      const x = randomEpoch(1000 + seed, VARIANTS[seed % 3]!);
      const r = rng(seed);
      const p = Array.from({ length: x.n }, (_, i) => i);
      for (let i = p.length - 1; i > 0; i--) {
        const k = Math.floor(r() * (i + 1));
        [p[i], p[k]] = [p[k]!, p[i]!];
      }
      for (const semantics of ['chain', 'dense'] as const) {
        const a = runEpoch(x, { semantics });
        const b = runEpoch(permuteInputs(x, p), { semantics });
        expect(unpermuted(b)).toEqual(permuteOutputs(a, p));
      }
    }
  });
});

describe('consensus resists a minority', () => {
  it('a validator with less than kappa of the stake, alone on a miner, gives that miner zero incentive', () => {
    for (let seed = 0; seed < 60; seed++) {
      const r = rng(500 + seed);
      const honest = int(r, 2, 6);
      const miners = int(r, 2, 8);
      const n = honest + 1 + miners + 1; // + the minority validator + its lone miner
      const lone = n - 1;
      const minority = honest;
      const stake = new Array<number>(n).fill(0);
      for (let i = 0; i < honest; i++) stake[i] = int(r, 1_000_000, 5_000_000);
      const honestTotal = stake.reduce((a, b) => a + b, 0);
      const share = 0.05 + 0.4 * r(); // the minority's share of all stake: 5%..45% (< kappa ≈ 50%)
      stake[minority] = Math.floor((honestTotal * share) / (1 - share));
      const weights: [number, number][][] = Array.from({ length: n }, () => []);
      for (let i = 0; i < honest; i++) {
        for (let m = honest + 1; m < lone; m++) weights[i]!.push([m, int(r, 1, 65535)]);
      }
      weights[minority] = [[lone, 65535]];
      const out = runEpoch(
        {
          n,
          currentBlock: 1000,
          stake,
          weights,
          bonds: [],
          validatorPermits: new Array<boolean>(n).fill(true),
          lastUpdate: new Array<number>(n).fill(999),
          blockAtRegistration: new Array<number>(n).fill(0),
          params: { yuma3Enabled: seed % 2 === 0, kappa: 32767 },
        },
        { semantics: seed % 3 === 0 ? 'dense' : 'chain' },
      );
      expect(out.fixed.consensus[lone]).toBe(0);
      expect(out.fixed.incentive[lone]).toBe(0);
      expect(out.incentiveU16[lone]).toBe(0);
      expect(out.serverEmission[lone]).toBe(0n);
      expect(out.fixed.incentive.some((x, j) => j !== lone && x > 0)).toBe(true);
    }
  });
});

describe('closed-form weighted median', () => {
  it('equals the chain quickselect on random columns (ties, zero stakes, zero scores, any kappa)', () => {
    const r = rng(7);
    for (let t = 0; t < 3000; t++) {
      const k = int(r, 1, 12);
      const stake = Array.from({ length: k }, () => (r() < 0.15 ? 0 : int(r, 0, ONE / 4)));
      const levels = int(r, 1, 5);
      const score = Array.from({ length: k }, () => (r() < 0.3 ? 0 : int(r, 1, levels) * 1000));
      const total = stake.reduce((a, b) => a + b, 0);
      const minority = total - int(r, 0, ONE);
      const want = weightedMedian(
        stake,
        score,
        score.map((_, i) => i),
        minority,
        0,
        total,
      );
      const pos = score.map((s, i) => [s, stake[i]!] as const).filter(([s]) => s > 0);
      const zeroStake = total - pos.reduce((a, [, w]) => a + w, 0);
      const got = medianOfColumn(
        Float64Array.from(pos.map(([s]) => s)),
        Float64Array.from(pos.map(([, w]) => w)),
        0,
        pos.length,
        zeroStake,
        pos.length < k,
        minority,
      );
      expect(got).toBe(want);
    }
  });
});

describe('fixed-point arithmetic on Numbers', () => {
  const I64_MIN = -(1n << 63n);
  const I64_MAX = (1n << 63n) - 1n;
  const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
  it('mul, div, propToU16, toRao equal a BigInt oracle', () => {
    const r = rng(3);
    const pick = () => {
      const scale = [1, 2 ** 20, ONE, 2 ** 40, 2 ** 48][int(r, 0, 4)]!;
      return Math.floor(r() * scale) * (r() < 0.2 ? -1 : 1);
    };
    for (let t = 0; t < 20000; t++) {
      const a = pick();
      const b = pick();
      const prod = floorDiv(BigInt(a) * BigInt(b), 1n << 32n);
      if (prod < 2n ** 53n && prod > -(2n ** 53n)) expect(BigInt(mul(a, b))).toBe(prod);
      if (b !== 0) {
        const q = (BigInt(a) << 32n) / BigInt(b);
        const want = q > I64_MAX || q < I64_MIN ? 0n : q;
        if (want < 2n ** 53n && want > -(2n ** 53n)) expect(BigInt(div(a, b))).toBe(want);
      } else expect(div(a, b)).toBe(0);
      const x = Math.abs(a) % (2 * ONE);
      expect(propToU16(x)).toBe(Math.min(65535, Number((BigInt(x) * 65535n) >> 32n)));
      const rao = BigInt(int(r, 0, 2 ** 50)) * BigInt(int(r, 1, 2 ** 12));
      expect(toRao(x, rao)).toBe((BigInt(x) * rao) >> 32n);
    }
  });

  it('the Number exp series equals the BigInt series wherever it is used', () => {
    const r = rng(4);
    for (let t = 0; t < 3000; t++) {
      const x = Math.floor((r() * 16 - 8) * ONE);
      expect(BigInt(expSafe(x))).toBe(expSafeBig(x));
    }
  });
});

describe('the vector comparator', () => {
  it('flags a one-unit difference (so the vector tests can fail)', () => {
    const exp = { incentive_u16: [1, 2], stake: [0.5], bonds_rows: [[[1, 3]], []] };
    expect(epochDiffs({ incentive_u16: [1, 2], stake: [0.5], bonds: [[[1, 3]], []] }, exp)).toEqual([]);
    expect(epochDiffs({ incentive_u16: [1, 3], stake: [0.5], bonds: [[[1, 3]], []] }, exp)).toHaveLength(1);
    expect(epochDiffs({ incentive_u16: [1, 2], stake: [0.5], bonds: [[[1, 4]], []] }, exp)).toHaveLength(1);
  });
});
