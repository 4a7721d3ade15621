import { describe, expect, it } from 'vitest';
import { ScoreBook } from '../../src/peer/scoring/ema.js';

const scored = (uid: number, score: number, se = 0.01, hotkey = `hk${uid}`) => ({
  uid,
  hotkey,
  outcome: 'scored' as const,
  score,
  se,
  accDecline: 0,
  gate: 1,
});

describe('ScoreBook (EMA, docs/pruning.md §3.4)', () => {
  it('starts newcomers at 0 and moves by α = 0.1 per round', () => {
    const book = new ScoreBook();
    book.update([scored(1, 1)]);
    expect(book.get(1)!.ema).toBeCloseTo(0.1, 15);
    book.update([scored(1, 1)]);
    expect(book.get(1)!.ema).toBeCloseTo(0.19, 15);
  });

  it('pushes 0 for a queried neighbour that failed, and leaves a not-queried one untouched', () => {
    const book = new ScoreBook();
    book.update([scored(1, 1), scored(2, 1)]);
    book.update([{ uid: 1, hotkey: 'hk1', outcome: 'failed', reason: 'no response' }]);
    expect(book.get(1)!.ema).toBeCloseTo(0.09, 15);
    expect(book.get(1)!.failures).toBe(1);
    expect(book.get(1)!.lastReason).toBe('no response');
    expect(book.get(2)!.ema).toBeCloseTo(0.1, 15);
    expect(book.get(2)!.rounds).toBe(1);
  });

  it('resets the state when the hotkey of a uid changes', () => {
    const book = new ScoreBook();
    for (let i = 0; i < 5; i++) book.update([scored(7, 0.5)]);
    book.update([scored(7, 0.5, 0.01, 'other')]);
    expect(book.get(7)!.ema).toBeCloseTo(0.05, 15);
    expect(book.get(7)!.rounds).toBe(1);
    book.syncIdentities([{ uid: 7, hotkey: 'third' }]);
    expect(book.get(7)!.ema).toBe(0);
  });

  it('gives an SE that covers the per-round SE and the between-round spread', () => {
    const steady = new ScoreBook();
    for (let i = 0; i < 200; i++) steady.update([scored(1, 0.2, 0.05)]);
    // propagated: SE·sqrt(α/(2−α)) for constant scores
    expect(steady.se(1)).toBeCloseTo(0.05 * Math.sqrt(0.1 / 1.9), 6);
    const noisy = new ScoreBook();
    for (let i = 0; i < 400; i++) noisy.update([scored(1, i % 2 === 0 ? 0 : 0.4, 0)]);
    // alternating 0 / 0.4: variance ≈ 0.04 → SE ≈ 0.2·sqrt(α/(2−α))
    expect(noisy.se(1)).toBeGreaterThan(0.03);
    expect(noisy.se(1)).toBeLessThan(0.06);
  });
});
