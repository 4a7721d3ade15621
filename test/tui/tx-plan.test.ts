/**
 * The console's ledger dialogs plan with the one ledger plan (src/client/tx-plan.ts) the CLI signs: the call,
 * the preview lines and the balances after, for each kind, hard-coded to the rao; and the reasons a plan
 * stops before its review.
 */
import { describe, expect, it } from 'vitest';
import type { MarketSnapshot } from '../../src/tui/data/types.js';
import { planTx } from '../../src/tui/dialogs/tx-plan.js';
import { address, OWN_COLDKEY, OWN_HOTKEY } from './fixtures.js';

const TAO = 1_000_000_000n;
const DEST = address(7);

function snapshot(free: bigint, staked: bigint, txFee: bigint | null = 1_000_000n) {
  return {
    own: {
      walletName: 'default',
      coldkey: OWN_COLDKEY,
      hotkeys: [{ name: 'default', ss58: OWN_HOTKEY }],
      balance: { free, staked },
      stakes: staked > 0n ? [{ hotkey: OWN_HOTKEY, amount: staked }] : [],
    },
    node: {
      url: 'http://127.0.0.1:9944',
      connection: { kind: 'connected' },
      lastUpdate: null,
      head: 10,
      nextEpochIn: null,
      blockTimeMs: null,
      chain: 'tao-dev',
      txFee,
    },
  } satisfies Pick<MarketSnapshot, 'own' | 'node'>;
}

const planned = (...args: Parameters<typeof planTx>) => {
  const r = planTx(...args);
  if ('problem' in r) throw new Error(r.problem);
  return r.tx;
};

describe('the console plans the ledger transaction the CLI signs', () => {
  it('transfer: the transfer call, to/amount lines, free − amount − fee', () => {
    const tx = planned('transfer', DEST, 2n * TAO, snapshot(10n * TAO, 0n));
    expect(tx.plan.call).toEqual({ type: 'transfer', dest: DEST, amount: '2000000000' });
    expect(tx.plan.details).toEqual([
      ['to', DEST],
      ['amount', '2.000000000 τ'],
    ]);
    expect(tx.request).toEqual({ kind: 'transfer', from: OWN_COLDKEY, to: DEST, amount: 2n * TAO });
    expect([tx.fee, tx.freeBefore, tx.freeAfter]).toEqual([1_000_000n, 10n * TAO, 7_999_000_000n]);
    expect([tx.stakeBefore, tx.stakeAfter]).toEqual([null, null]);
  });

  it('stake add: add_stake on the hotkey, free − amount − fee, stake + amount', () => {
    const tx = planned('stake-add', OWN_HOTKEY, 3n * TAO, snapshot(10n * TAO, 5n * TAO));
    expect(tx.plan.call).toEqual({ type: 'add_stake', hotkey: OWN_HOTKEY, amount: '3000000000' });
    expect(tx.plan.details).toEqual([
      ['hotkey', OWN_HOTKEY],
      ['amount', '3.000000000 τ'],
    ]);
    expect([tx.freeAfter, tx.stakeBefore, tx.stakeAfter]).toEqual([6_999_000_000n, 5n * TAO, 8n * TAO]);
  });

  it('stake remove: remove_stake, free + amount − fee, stake − amount', () => {
    const tx = planned('stake-remove', OWN_HOTKEY, 2n * TAO, snapshot(10n * TAO, 5n * TAO));
    expect(tx.plan.call).toEqual({ type: 'remove_stake', hotkey: OWN_HOTKEY, amount: '2000000000' });
    expect([tx.freeAfter, tx.stakeBefore, tx.stakeAfter]).toEqual([11_999_000_000n, 5n * TAO, 3n * TAO]);
  });

  it('stops before the review when the balance, the stake or the fee cannot pay', () => {
    expect(planTx('transfer', DEST, 10n * TAO, snapshot(10n * TAO, 0n))).toEqual({
      problem: 'insufficient balance: 10.000000000 τ + fee 0.001000000 τ > free 10.000000000 τ',
    });
    expect(planTx('stake-remove', OWN_HOTKEY, 6n * TAO, snapshot(10n * TAO, 5n * TAO))).toEqual({
      problem: 'cannot unstake 6.000000000 τ: only 5.000000000 τ staked to that hotkey',
    });
    expect(planTx('stake-remove', OWN_HOTKEY, 0n, snapshot(0n, 5n * TAO))).toEqual({
      problem: 'the fee 0.001000000 τ exceeds the free balance',
    });
    expect(planTx('transfer', DEST, 1n, snapshot(10n * TAO, 0n, null))).toEqual({
      problem: 'transaction fee not known yet (is the node reachable?)',
    });
  });
});
