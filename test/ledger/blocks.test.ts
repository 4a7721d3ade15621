import { describe, expect, it } from 'vitest';
import { buildBlock } from '../../src/ledger/block.js';
import { blockEmission, splitEvenly } from '../../src/ledger/emission.js';
import { topkNonzero } from '../../src/ledger/epoch-hook.js';
import { checkTxStateless } from '../../src/ledger/tx-check.js';
import { isEpochBlock, splitDividends } from '../../src/ledger/payout.js';
import { Chain, key, TAO } from './helpers.js';

const MAX = 21_000_000n * TAO;

describe('block emission', () => {
  it('is 1 TAO per block, halving when half of the remaining supply is issued, and stops at the cap', () => {
    expect(blockEmission(0n, TAO, MAX)).toBe(TAO);
    expect(blockEmission(MAX / 2n - 1n, TAO, MAX)).toBe(TAO);
    expect(blockEmission(MAX / 2n, TAO, MAX)).toBe(TAO / 2n);
    expect(blockEmission((MAX * 3n) / 4n, TAO, MAX)).toBe(TAO / 4n);
    expect(blockEmission(MAX - TAO, TAO, MAX)).toBeLessThan(TAO);
    expect(blockEmission(MAX - 1n, TAO, MAX)).toBe(0n); // halved below one rao
    expect(blockEmission(MAX, TAO, MAX)).toBe(0n);
  });

  it('splits evenly between subnets, the remainder rao to the lowest netuids', () => {
    expect(splitEvenly(10n, 3)).toEqual([4n, 3n, 3n]);
    expect(splitEvenly(10n, 0)).toEqual([]);
  });

  it('mints into the pending pools each block and keeps Σ balances + Σ stake + pools + burned + locked = issuance', () => {
    const c = Chain.dev();
    c.run(c.alice, { type: 'create_subnet' });
    c.mine(3);
    const pools = c.state.netuids().map((n) => c.state.subnet(n)!.pending_emission);
    expect(pools.reduce((a, b) => a + b, 0n)).toBe(4n * TAO);
    expect(c.invariantHolds()).toBe(true);
  });
});

describe('epochs and payout', () => {
  it('runs on subtensor’s schedule: (block + netuid + 1) % (tempo + 1) == 0', () => {
    expect(isEpochBlock(9, 1, 10)).toBe(true);
    expect(isEpochBlock(20, 1, 10)).toBe(true);
    expect(isEpochBlock(10, 1, 10)).toBe(false);
  });

  it('is_topk_nonzero: the k largest non-zero stakes, ties lose to the higher uid', () => {
    expect(topkNonzero([5n, 5n, 1n], 1)).toEqual([false, true, false]);
    expect(topkNonzero([0n, 3n], 5)).toEqual([false, true]);
  });

  it('pays validator emission: take to the owner, the rest pro rata to nominators, remainder to the owner; sums exactly', () => {
    const c = Chain.dev();
    const hot = key('//pay-hot');
    const bob = key('//Bob', 'sr25519');
    const carol = key('//carol');
    c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot.address });
    c.run(c.alice, { type: 'transfer', dest: carol.address, amount: String(10n * TAO) });
    c.run(c.alice, { type: 'add_stake', hotkey: hot.address, amount: '1000' });
    c.run(bob, { type: 'add_stake', hotkey: hot.address, amount: '2000' });
    c.run(carol, { type: 'add_stake', hotkey: hot.address, amount: '3000' });
    const credits = splitDividends(c.state, hot.address, 1_000_003n);
    const take = (1_000_003n * 11796n) / 65535n;
    expect(credits.reduce((s, x) => s + x.amount, 0n)).toBe(1_000_003n);
    const byCold = new Map<string, bigint>();
    for (const x of credits) byCold.set(x.coldkey, (byCold.get(x.coldkey) ?? 0n) + x.amount);
    const rest = 1_000_003n - take;
    expect(byCold.get(bob.address)).toBe((rest * 2000n) / 6000n);
    expect(byCold.get(carol.address)).toBe((rest * 3000n) / 6000n);
    expect(byCold.get(c.alice.address)).toBe(
      1_000_003n - byCold.get(bob.address)! - byCold.get(carol.address)!,
    );
  });

  it('at the epoch the pool becomes stake, the neuron records the outputs, and the supply stays accounted', () => {
    const c = Chain.dev();
    const hot = key('//epoch-hot');
    c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot.address }); // block 1
    c.run(c.alice, { type: 'add_stake', hotkey: hot.address, amount: String(TAO) }); // block 2
    c.mine(7); // blocks 3..9; block 9 is subnet 1's epoch
    expect(c.state.subnet(1)!.last_epoch).toBe(9);
    const staked = c.state.stakeOf(hot.address, c.alice.address);
    // no weights → no consensus: the whole pool of 9 blocks goes to validators ∝ active stake (all Alice's)
    expect(staked).toBe(TAO + 9n * TAO);
    expect(c.state.subnet(1)!.pending_emission).toBe(0n);
    const n = c.state.neuron(1, 0)!;
    expect(n.emission).toBe(9n * TAO);
    expect(n.validator_permit).toBe(true);
    expect(n.stake_weight).toBe(65535);
    expect([n.incentive, n.dividends, n.consensus, n.rank, n.trust]).toEqual([0, 0, 0, 0, 0]);
    expect(c.invariantHolds()).toBe(true);
  });
});

describe('state root and determinism', () => {
  it('two chains fed the same blocks reach the same state root at every block', () => {
    const a = Chain.dev();
    const b = new Chain(a.config);
    const bob = key('//Bob', 'sr25519');
    for (let i = 0; i < 12; i++) {
      const tx = a.tx(a.alice, { type: 'transfer', dest: bob.address, amount: String(i + 1) });
      const block = a.block([tx]);
      const again = buildBlock(
        b.state,
        b.hasher,
        b.head,
        [checkTxStateless(tx.raw, b.genesisHash)],
        block.header.timestamp,
      );
      b.head = again.block.header;
      expect(again.block.header.state_root).toBe(block.header.state_root);
      expect(again.block.header.hash).toBe(block.header.hash);
    }
  });

  it('a rejected tx leaves the state root exactly as an empty block would', () => {
    const a = Chain.dev();
    const b = new Chain(a.config);
    const carol = key('//carol');
    const rejected = a.block([a.tx(carol, { type: 'transfer', dest: carol.address, amount: '5' })]);
    const empty = b.block([]);
    expect(rejected.txs[0]!.status).toBe('rejected');
    expect(rejected.header.state_root).toBe(empty.header.state_root);
  });

  it('the state root changes with any balance change', () => {
    const a = Chain.dev();
    const b = new Chain(a.config);
    a.block([a.tx(a.alice, { type: 'transfer', dest: key('//x').address, amount: '1' })]);
    b.block([b.tx(b.alice, { type: 'transfer', dest: key('//x').address, amount: '2' })]);
    expect(a.head.state_root).not.toBe(b.head.state_root);
  });

  it('a different genesis gives a different genesis hash, and txs for it are E_WRONG_CHAIN', () => {
    const a = Chain.dev();
    const b = Chain.local();
    expect(a.genesisHash).not.toBe(b.genesisHash);
    expect(() => checkTxStateless(a.raw(a.alice, { type: 'create_subnet' }), b.genesisHash)).toThrow(/chain/);
  });
});
