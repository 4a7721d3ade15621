/**
 * Dynamic TAO on the ledger: every staking call through signed txs in built blocks (the real state
 * transition), checked against the pool arithmetic of src/dtao on the same state (itself checked against
 * the real runtime in test/subtensor/swap-crosscheck.test.ts), and every rejection leaving nothing behind.
 */
import { describe, expect, it } from 'vitest';
import { alphaHeld } from '../../src/dtao/shares.js';
import { MAX_PRICE_RAO, spotPriceRao, swap } from '../../src/dtao/swap.js';
import { toSharePool } from '../../src/ledger/state/dtao-view.js';
import { stakeListJson } from '../../src/ledger/node/rpc-dtao.js';
import { Chain, key, TAO } from './helpers.js';

const bob = key('//Bob', 'sr25519');
const charlie = key('//Charlie', 'sr25519');
const FEE = 100_000n; // the ledger's flat tx fee

/** A dev chain with hotkeys hA (Alice's) and hB (Bob's) registered on subnet 1 (started at genesis). */
function market() {
  const c = Chain.dev();
  const hA = key('//dtao-a');
  const hB = key('//dtao-b');
  c.block([
    c.tx(c.alice, { type: 'burned_register', netuid: 1, hotkey: hA.address }),
    c.tx(bob, { type: 'burned_register', netuid: 1, hotkey: hB.address }),
  ]);
  return { c, hA, hB };
}

const alphaOf = (c: Chain, hotkey: string, coldkey: string, netuid = 1) =>
  alphaHeld(toSharePool(c.state.alpha.get(`${hotkey}/${netuid}`)), coldkey);

/** What the pool gives for `amount` now (buy: τ in, α out; sell: α in, τ out), per the model's swap. */
function quote(c: Chain, netuid: number, order: 'buy' | 'sell', amount: bigint) {
  const p = c.state.pool(netuid)!;
  return swap(
    p.curve,
    { tao: p.taoReserve, alpha: p.alphaReserve },
    order,
    amount,
    order === 'buy' ? MAX_PRICE_RAO : 0n,
    {
      simulate: true,
    },
  );
}

describe('add_stake / remove_stake on a subnet', () => {
  it('swaps τ into α through the pool (fee held by the pool) and back, exact to the rao', () => {
    const { c, hA } = market();
    const free0 = c.free(bob);
    const pool0 = c.state.pool(1)!;
    const q = quote(c, 1, 'buy', 50n * TAO);
    expect(
      c.run(bob, { type: 'add_stake', hotkey: hA.address, netuid: 1, amount: String(50n * TAO) }).status,
    ).toBe('included');
    expect(c.free(bob)).toBe(free0 - 50n * TAO - FEE);
    expect(alphaOf(c, hA.address, bob.address)).toBe(q.paidOut);
    const pool1 = c.state.pool(1)!;
    expect(q.paidOut).toBeLessThan(50n * TAO); // the price was 1 and rose while buying
    expect(pool1.feesTao - pool0.feesTao).toBe(q.fee);
    // α outside the pool: the bought α, and the block's own 1 α of emission
    expect(pool1.alphaOutstanding - pool0.alphaOutstanding).toBe(q.paidOut + TAO);
    expect(spotPriceRao(pool1.curve, { tao: pool1.taoReserve, alpha: pool1.alphaReserve })).toBeGreaterThan(
      TAO,
    );
    // remove a third of it
    const sell = q.paidOut / 3n;
    const back = quote(c, 1, 'sell', sell);
    const free1 = c.free(bob);
    expect(
      c.run(bob, { type: 'remove_stake', hotkey: hA.address, netuid: 1, amount: String(sell) }).status,
    ).toBe('included');
    expect(c.free(bob)).toBe(free1 + back.paidOut - FEE);
    expect(alphaOf(c, hA.address, bob.address)).toBe(q.paidOut - sell);
    // stake_list shows the α stake with its τ value at the pool's price
    const listed = stakeListJson(c.state, bob.address).alpha_stakes;
    expect(listed).toEqual([
      expect.objectContaining({ hotkey: hA.address, netuid: 1, alpha: String(q.paidOut - sell) }),
    ]);
    expect(c.invariantHolds()).toBe(true);
  });

  it('a limit price: refused whole when it cannot all fit, filled up to the limit with allow_partial', () => {
    const { c, hA } = market();
    const limit = 1_010_000_000n; // 1.01 τ per α: a 1,000 τ pool reaches it after ~5 τ
    const pool0 = c.state.pool(1)!;
    const r = c.run(bob, {
      type: 'add_stake',
      hotkey: hA.address,
      netuid: 1,
      amount: String(100n * TAO),
      limit_price: String(limit),
    });
    expect(r.error?.code).toBe('E_PRICE_LIMIT');
    expect(alphaOf(c, hA.address, bob.address)).toBe(0n);
    // the refused swap left the pool as the block's emission alone leaves it
    expect(c.state.pool(1)!.curve).toEqual(pool0.curve);
    expect(c.state.pool(1)!.taoReserve).toBe(pool0.taoReserve);
    const free0 = c.free(bob);
    expect(
      c.run(bob, {
        type: 'add_stake',
        hotkey: hA.address,
        netuid: 1,
        amount: String(100n * TAO),
        limit_price: String(limit),
        allow_partial: true,
      }).status,
    ).toBe('included');
    const spent = free0 - FEE - c.free(bob);
    expect(spent > 0n && spent < 10n * TAO).toBe(true); // only what the limit let in, the rest stays free
    const p = c.state.pool(1)!;
    const price = spotPriceRao(p.curve, { tao: p.taoReserve, alpha: p.alphaReserve });
    expect(price <= limit && price > limit - 1_000_000n).toBe(true);
    // selling with a limit above the price is refused
    const held = alphaOf(c, hA.address, bob.address);
    expect(
      c.run(bob, {
        type: 'remove_stake',
        hotkey: hA.address,
        netuid: 1,
        amount: String(held),
        limit_price: String(2n * TAO),
      }).error?.code,
    ).toBe('E_PRICE_LIMIT');
    expect(alphaOf(c, hA.address, bob.address)).toBe(held);
    expect(c.invariantHolds()).toBe(true);
  });

  it('rejects an unknown subnet, a subnet not started, too little, too much α, and an unknown hotkey', () => {
    const { c, hA } = market();
    const stake = (amount: bigint, netuid: number, hotkey = hA.address) =>
      c.run(bob, { type: 'add_stake', hotkey, netuid, amount: String(amount) }).error?.code;
    expect(stake(TAO, 7)).toBe('E_UNKNOWN_SUBNET');
    c.run(c.alice, { type: 'create_subnet' }); // subnet 2, not started
    expect(stake(TAO, 2)).toBe('E_SUBNET_NOT_STARTED');
    expect(stake(1_000_000n, 1)).toBe('E_AMOUNT_TOO_LOW'); // under the 2,000,000 rao minimum stake + fee
    expect(stake(TAO, 1, key('//nobody').address)).toBe('E_UNKNOWN_HOTKEY');
    expect(stake(2_000_000n * TAO, 1)).toBe('E_INSUFFICIENT_BALANCE');
    expect(
      c.run(bob, { type: 'remove_stake', hotkey: hA.address, netuid: 1, amount: '5000000' }).error?.code,
    ).toBe('E_INSUFFICIENT_STAKE');
    expect(alphaOf(c, hA.address, bob.address)).toBe(0n);
    expect(c.invariantHolds()).toBe(true);
  });

  it('root (netuid 0, the default) stays τ at price 1: a limit under 1 τ is refused', () => {
    const { c, hA } = market();
    expect(c.run(bob, { type: 'add_stake', hotkey: hA.address, amount: String(TAO) }).status).toBe(
      'included',
    );
    expect(c.state.stakeOf(hA.address, bob.address)).toBe(TAO);
    expect(
      c.run(bob, {
        type: 'add_stake',
        hotkey: hA.address,
        netuid: 0,
        amount: String(TAO),
        limit_price: '999999999',
      }).error?.code,
    ).toBe('E_PRICE_LIMIT');
    expect(c.state.stakeOf(hA.address, bob.address)).toBe(TAO);
  });
});

describe('start_call', () => {
  it('only the owner, only after start_call_delay blocks, only once; emission starts the block after', () => {
    const c = Chain.dev();
    c.run(bob, { type: 'create_subnet' }); // block 1: subnet 2, Bob's, registered at 1
    expect(c.run(bob, { type: 'start_call', netuid: 2 }).error?.code).toBe('E_START_TOO_EARLY');
    c.mine(8); // head 10
    expect(c.run(c.alice, { type: 'start_call', netuid: 2 }).error?.code).toBe('E_NOT_SUBNET_OWNER');
    expect(c.run(bob, { type: 'start_call', netuid: 2 }).status).toBe('included'); // block 12 (≥ 1 + 10)
    expect(c.state.pool(2)!.firstEmissionBlock).toBe(13);
    // the ledger emits at the end of a block what the runtime emits at the start of the next: block 12's
    // end is block 13's coinbase, the first to include subnet 2
    expect(c.state.pool(2)!.pendingEmission).toBe(820_004_577n);
    expect(c.run(bob, { type: 'start_call', netuid: 2 }).error?.code).toBe('E_ALREADY_STARTED');
    expect(c.state.pool(2)!.pendingEmission).toBe(2n * 820_004_577n);
    expect(c.invariantHolds()).toBe(true);
  });
});

describe('move, transfer, swap and unstake_all', () => {
  it('moves α between hotkeys on a subnet, transfers it to another coldkey, swaps it across subnets', () => {
    const { c, hA, hB } = market();
    c.run(bob, { type: 'add_stake', hotkey: hA.address, netuid: 1, amount: String(20n * TAO) });
    const held = alphaOf(c, hA.address, bob.address);
    // move half to hB (same subnet: no swap, no fee)
    c.run(bob, {
      type: 'move_stake',
      origin_hotkey: hA.address,
      dest_hotkey: hB.address,
      origin_netuid: 1,
      dest_netuid: 1,
      amount: String(held / 2n),
    });
    expect(alphaOf(c, hA.address, bob.address)).toBe(held - held / 2n);
    expect(alphaOf(c, hB.address, bob.address)).toBe(held / 2n);
    // transfer a quarter of hB's to Charlie
    c.run(bob, {
      type: 'transfer_stake',
      dest_coldkey: charlie.address,
      hotkey: hB.address,
      origin_netuid: 1,
      dest_netuid: 1,
      amount: String(held / 4n),
    });
    expect(alphaOf(c, hB.address, charlie.address)).toBe(held / 4n);
    // swap the rest of Bob's α on hA into subnet 2 (started, hA registered there too)
    c.run(c.alice, { type: 'create_subnet' });
    c.run(c.alice, { type: 'burned_register', netuid: 2, hotkey: hA.address });
    c.mine(10);
    expect(c.run(c.alice, { type: 'start_call', netuid: 2 }).status).toBe('included');
    const rest = alphaOf(c, hA.address, bob.address);
    const sale = quote(c, 1, 'sell', rest);
    const r = c.run(bob, {
      type: 'swap_stake',
      hotkey: hA.address,
      origin_netuid: 1,
      dest_netuid: 2,
      amount: String(rest),
    });
    expect(r.status).toBe('included');
    expect(alphaOf(c, hA.address, bob.address, 1)).toBe(0n);
    const onTwo = alphaOf(c, hA.address, bob.address, 2);
    // the sale on subnet 1 is fee-free; its τ buys α on subnet 2 (price ~1) with subnet 2's fee
    expect(onTwo > 0n && onTwo <= sale.paidOut).toBe(true);
    // the same stake, and root, are refused
    const same = { type: 'move_stake', origin_hotkey: hB.address, dest_hotkey: hB.address, origin_netuid: 1 };
    expect(c.run(bob, { ...same, dest_netuid: 1, amount: '3000000' }).error?.code).toBe('E_SAME_STAKE');
    expect(c.run(bob, { ...same, dest_netuid: 0, amount: '3000000' }).error?.code).toBe('E_BAD_CALL');
    expect(c.invariantHolds()).toBe(true);
  });

  it('unstake_all returns root τ and every subnet’s α as τ; refused when there is nothing', () => {
    const { c, hA } = market();
    c.run(bob, { type: 'add_stake', hotkey: hA.address, amount: String(5n * TAO) });
    c.run(bob, { type: 'add_stake', hotkey: hA.address, netuid: 1, amount: String(5n * TAO) });
    const alpha = alphaOf(c, hA.address, bob.address);
    const back = quote(c, 1, 'sell', alpha);
    const free0 = c.free(bob);
    expect(c.run(bob, { type: 'unstake_all', hotkey: hA.address }).status).toBe('included');
    expect(c.free(bob)).toBe(free0 - FEE + 5n * TAO + back.paidOut);
    expect(c.state.stakeOf(hA.address, bob.address)).toBe(0n);
    expect(alphaOf(c, hA.address, bob.address)).toBe(0n);
    expect(c.run(bob, { type: 'unstake_all', hotkey: hA.address }).error?.code).toBe('E_INSUFFICIENT_STAKE');
    expect(c.invariantHolds()).toBe(true);
  });
});

describe('call validation', () => {
  it('rejects malformed dTAO fields with E_BAD_CALL / E_BAD_AMOUNT naming the field', () => {
    const { c, hA } = market();
    const code = (call: Record<string, unknown>) => {
      try {
        c.tx(bob, call);
        return 'accepted';
      } catch (e) {
        return `${(e as { code: string }).code}: ${(e as Error).message}`;
      }
    };
    expect(code({ type: 'add_stake', hotkey: hA.address, amount: '5', allow_partial: 'yes' })).toMatch(
      /E_BAD_CALL: .*allow_partial/,
    );
    expect(code({ type: 'add_stake', hotkey: hA.address, amount: '5', limit_price: '1.5' })).toMatch(
      /E_BAD_AMOUNT: .*limit_price/,
    );
    expect(code({ type: 'start_call', netuid: 0 })).toMatch(/E_BAD_CALL: .*netuid/);
    expect(code({ type: 'swap_stake', hotkey: hA.address, origin_netuid: 1, amount: '5' })).toMatch(
      /E_BAD_CALL: .*dest_netuid/,
    );
  });
});
