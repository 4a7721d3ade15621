/** The EMA observations of a round (peer/scoring/record.ts), as the scorer builds them. */
import { describe, expect, it } from 'vitest';
import type { NeighbourRoundScore, RoundScores } from '../../src/peer/scoring/ablation.js';
import { observationsOf } from '../../src/peer/scoring/record.js';

const scored: NeighbourRoundScore = {
  score: 0.25,
  se: 0.01,
  accDecline: 0.02,
  valid: true,
  reason: null,
  gate: 0.7,
};
const rejected: NeighbourRoundScore = {
  score: 0,
  se: 0,
  accDecline: 0,
  valid: false,
  reason: 'rows do not sum to 1',
  gate: 0.5,
};
const silent: NeighbourRoundScore = { score: 0, se: 0, accDecline: 0, valid: false, reason: null, gate: 0.4 };
const round: RoundScores = {
  B: 256,
  K: 3,
  lossAll: 0.9,
  accAll: 0.6,
  neighbours: [scored, rejected, silent],
};
const ids = [
  { uid: 3, hotkey: '5Three' },
  { uid: 7, hotkey: '5Seven' },
  { uid: 9, hotkey: '5Nine' },
];

describe('observationsOf', () => {
  it("keeps a failed query's own reason ahead of the scorer's, and the scorer's ahead of the default", () => {
    expect(observationsOf(ids, round, [null, 'timeout after 5000 ms', null])).toEqual([
      { uid: 3, hotkey: '5Three', outcome: 'scored', score: 0.25, se: 0.01, accDecline: 0.02, gate: 0.7 },
      { uid: 7, hotkey: '5Seven', outcome: 'failed', reason: 'timeout after 5000 ms', gate: 0.5 },
      { uid: 9, hotkey: '5Nine', outcome: 'failed', reason: 'invalid response', gate: 0.4 },
    ]);
    expect(observationsOf(ids, round).map((o) => (o.outcome === 'failed' ? o.reason : null))).toEqual([
      null,
      'rows do not sum to 1',
      'invalid response',
    ]);
  });

  it('wants one identity per scored neighbour', () => {
    expect(() => observationsOf(ids.slice(1), round)).toThrow(RangeError);
  });
});
