/**
 * The console's epoch countdown is the ledger's schedule: blocksToEpoch (what chain-feed shows) against
 * isEpochBlock (what payout.ts runs), head by head, for several netuids and tempos (tempo 0 included).
 */
import { describe, expect, it } from 'vitest';
import { blocksToEpoch, isEpochBlock } from '../../src/ledger/state/epoch-schedule.js';

/** The next epoch by brute force: the first block after `head` that the ledger runs an epoch at. */
function firstEpochAfter(head: number, netuid: number, tempo: number): number {
  for (let b = head + 1; ; b++) if (isEpochBlock(b, netuid, tempo)) return b;
}

describe('epoch schedule', () => {
  it('counts down to the first block after the head that runs the epoch', () => {
    for (const tempo of [0, 1, 2, 10, 99, 360]) {
      for (const netuid of [0, 1, 2, 7, 31]) {
        for (let head = 0; head < 3 * (tempo + 1) + 5; head++) {
          expect(
            head + blocksToEpoch(head, netuid, tempo),
            `head ${head} netuid ${netuid} tempo ${tempo}`,
          ).toBe(firstEpochAfter(head, netuid, tempo));
        }
      }
    }
  });

  it('matches the rule at hand-checked points (tempo 10, netuid 1: epochs at 9, 20, 31)', () => {
    expect(blocksToEpoch(8, 1, 10)).toBe(1);
    expect(blocksToEpoch(9, 1, 10)).toBe(11);
    expect(blocksToEpoch(10, 1, 10)).toBe(10);
    expect(blocksToEpoch(19, 1, 10)).toBe(1);
  });
});
