import { describe, expect, it } from 'vitest';
import { buildBlock } from '../../src/ledger/state/block.js';
import { blockEmission } from '../../src/ledger/state/emission.js';
import { topkNonzero } from '../../src/ledger/state/epoch-hook.js';
import { checkTxStateless } from '../../src/ledger/state/tx-check.js';
import { isEpochBlock } from '../../src/ledger/state/payout.js';
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

  it('emits α to started subnets only and τ by moving price, keeping Σ free + root stake + pools + burned + locked = issuance', () => {
    const c = Chain.dev();
    c.run(c.alice, { type: 'create_subnet' }); // block 1: subnet 2, not started
    c.mine(14); // blocks 2..15
    // subnet 1 (started at genesis, no neurons to pay at its epoch) has 15 blocks of α pending; subnet 2 none
    expect(c.state.pool(1)!.pendingEmission).toBe(15n * 820_004_577n);
    expect(c.state.pool(2)!.pendingEmission).toBe(0n);
    // the moving price steps by 0.000003 · b / (b + 201,600) in U96F32: under one bit until b = 16, and
    // no τ is emitted while every moving price is 0
    expect(c.state.pool(1)!.movingPrice).toBe(0n);
    c.mine(1); // block 16
    expect(c.state.pool(1)!.movingPrice).toBe(1n);
    expect(c.state.pool(1)!.taoReserve).toBe(1000n * TAO);
    c.mine(2); // blocks 17, 18: all of each block's τ goes into the only started subnet's pool
    expect(c.state.pool(1)!.taoReserve).toBe(1002n * TAO);
    expect(c.state.pool(2)!.taoReserve).toBe(1000n * TAO); // a dev chain mints the seed
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

  it('at the epoch the pending α becomes α stake, the neuron records the outputs, and the supply stays accounted', () => {
    const c = Chain.dev();
    const hot = key('//epoch-hot');
    c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot.address }); // block 1
    c.run(c.alice, { type: 'add_stake', hotkey: hot.address, amount: String(TAO) }); // block 2
    c.mine(7); // blocks 3..9; block 9 is subnet 1's epoch
    expect(c.state.subnet(1)!.last_epoch).toBe(9);
    expect(c.state.stakeOf(hot.address, c.alice.address)).toBe(TAO); // root τ unchanged
    // no weights → no consensus: the whole pending α of 9 blocks goes to validators ∝ active stake (all
    // Alice's), and the owner cut to the owner's hotkey (the same one): 9 blocks of 1 α less 1 rao each
    const alpha = c.state.alpha.get(`${hot.address}/1`)!;
    expect(alpha.value).toBe(9n * (820_004_577n + 179_995_422n));
    expect(Object.keys(alpha.shares)).toEqual([c.alice.address]);
    expect(c.state.pool(1)!.pendingEmission).toBe(0n);
    const n = c.state.neuron(1, 0)!;
    expect(n.emission).toBe(9n * 820_004_577n);
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
