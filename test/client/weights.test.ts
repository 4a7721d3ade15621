import { describe, expect, it } from 'vitest';
import { normalizeWeights, parseUids, parseWeightRow } from '../../src/client/weights.js';
import { TaoError } from '../../src/core/errors.js';
import { vecU16MaxUpscaleToU16 } from '../../src/consensus/math.js';

const exitOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof TaoError ? e.exitCode : -1;
  }
  return undefined;
};

describe('weights normalisation (subtensor vec_max_upscale_to_u16)', () => {
  it('stores u16 inputs [43690, 21845] as [65535, 32768] (docs/yuma.md §6 example)', () => {
    expect(normalizeWeights([43690, 21845])).toEqual([65535, 32768]);
    expect(normalizeWeights(['43690', '21845'])).toEqual([65535, 32768]);
  });

  it('scales decimal weights so the largest is 65535 and rounds the rest', () => {
    expect(normalizeWeights(['0.7', '0.3'])).toEqual([65535, 28086]);
    expect(normalizeWeights(['1', '1', '1'])).toEqual([65535, 65535, 65535]);
    expect(normalizeWeights(['0.5', '0'])).toEqual([65535, 0]);
  });

  it('keeps a row of zeros at zero', () => {
    expect(normalizeWeights([0, 0])).toEqual([0, 0]);
  });

  it('agrees with the ledger on every u16 row it tries, and is idempotent', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let t = 0; t < 500; t++) {
      const len = 1 + (rand() % 8);
      const scale = [1, 100, 32768, 32769, 65535][rand() % 5]!;
      const row = Array.from({ length: len }, () => rand() % (scale + 1));
      const ours = normalizeWeights(row);
      expect(ours).toEqual(vecU16MaxUpscaleToU16(row));
      expect(normalizeWeights(ours)).toEqual(ours);
    }
  });

  it('parses --uids/--weights into the call fields', () => {
    expect(parseWeightRow('0,3', '0.7,0.3')).toEqual({ uids: [0, 3], weights: [65535, 28086] });
    expect(parseWeightRow(' 5 ', '2')).toEqual({ uids: [5], weights: [65535] });
  });

  it('rejects bad weight input with exit 2', () => {
    expect(exitOf(() => parseWeightRow('0,3', '0.7'))).toBe(2); // length mismatch
    expect(exitOf(() => parseWeightRow('0,0', '1,1'))).toBe(2); // duplicate uid
    expect(exitOf(() => parseWeightRow('0,x', '1,1'))).toBe(2);
    expect(exitOf(() => parseWeightRow('0,1', '1,-1'))).toBe(2);
    expect(exitOf(() => parseWeightRow('0,1', '1,1e3'))).toBe(2);
    expect(exitOf(() => parseWeightRow('0,1', '0,0'))).toBe(2); // all zero
    expect(exitOf(() => parseWeightRow('', ''))).toBe(2);
    expect(exitOf(() => parseUids('70000'))).toBe(2);
    expect(exitOf(() => parseUids('1,,2'))).toBe(2);
  });
});
