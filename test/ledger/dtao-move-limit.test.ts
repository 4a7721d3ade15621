/**
 * Price-protected moves across subnets on the ledger (spec 300's swap_stake_limit rule, on move_stake,
 * transfer_stake and swap_stake): get_max_amount_move's formula, a limit met (the whole amount moves, as
 * without a limit), not met (fill or kill refused, nothing changed), partial (exactly the maximum moves), and
 * a limit above the current ratio refused even with allow_partial.
 */
import { describe, expect, it } from 'vitest';
import { currentPriceU96, maxAmountMove, movePoolOf } from '../../src/dtao/move.js';
import { alphaHeld } from '../../src/dtao/shares.js';
import { MAX_PRICE_RAO, MIN_PRICE_RAO, swap } from '../../src/dtao/swap.js';
import { toSharePool } from '../../src/ledger/state/dtao-view.js';
import { Chain, key, TAO } from './helpers.js';

const bob = key('//Bob', 'sr25519');
const charlie = key('//Charlie', 'sr25519');

/** Subnets 1 (genesis) and 2 (started) with hotkey hA on both; Bob holds α on (hA, 1) bought with 200 τ. */
function twoPools() {
  const c = Chain.dev();
  const [hA, hB] = [key('//move-limit-a'), key('//move-limit-b')];
  for (const [signer, hotkey] of [
    [c.alice, hA],
    [bob, hB],
  ] as const)
    c.run(signer, { type: 'burned_register', netuid: 1, hotkey: hotkey.address });
  c.run(c.alice, { type: 'create_subnet' });
  c.run(c.alice, { type: 'burned_register', netuid: 2, hotkey: hA.address });
  c.mine(10);
  expect(c.run(c.alice, { type: 'start_call', netuid: 2 }).status).toBe('included');
  // Bob's buy lifts subnet 1's price well above subnet 2's.
  expect(
    c.run(bob, { type: 'add_stake', hotkey: hA.address, netuid: 1, amount: String(200n * TAO) }).status,
  ).toBe('included');
  return { c, hA, hB };
}

const alphaOf = (c: Chain, hotkey: string, coldkey: string, netuid: number) =>
  alphaHeld(toSharePool(c.state.alpha.get(`${hotkey}/${netuid}`)), coldkey);
const poolOf = (c: Chain, netuid: number) => movePoolOf(c.state.pool(netuid)!);
/** origin price / destination price × 10^9 as the runtime compares it (U96F32 prices). */
const ratio = (c: Chain) => {
  const [p1, p2] = [currentPriceU96(poolOf(c, 1)), currentPriceU96(poolOf(c, 2))];
  return (p1 * TAO) / p2;
};
const swapCall = (hotkey: string, amount: bigint, limit?: bigint, partial?: boolean) => ({
  type: 'swap_stake',
  hotkey,
  origin_netuid: 1,
  dest_netuid: 2,
  amount: String(amount),
  ...(limit === undefined ? {} : { limit_price: String(limit) }),
  ...(partial === undefined ? {} : { allow_partial: partial }),
});
/** The α a move of `alpha` credits: a fee-free sale on subnet 1, the τ bought into subnet 2 with its fee. */
function expectedIn(c: Chain, alpha: bigint): bigint {
  const [p1, p2] = [poolOf(c, 1), poolOf(c, 2)];
  const sold = swap(p1.curve, p1.reserves, 'sell', alpha, MIN_PRICE_RAO, { dropFees: true, simulate: true });
  return swap(p2.curve, p2.reserves, 'buy', sold.paidOut, MAX_PRICE_RAO, { simulate: true }).paidOut;
}

describe('get_max_amount_move', () => {
  it("is spec 300's one-step formula, to within the fixed point's truncation, and 0 above the ratio", () => {
    const { c } = twoPools();
    const [o, d] = [poolOf(c, 1), poolOf(c, 2)];
    const current = ratio(c);
    expect(current).toBeGreaterThan(TAO);
    for (const permille of [999n, 990n, 950n, 800n, 500n]) {
      const limit = (current * permille) / 1000n;
      // x = (α₂·t₁/limit − α₁·t₂) / (t₁ + t₂), limit as rao per 10^9, in exact rationals
      const [t1, t2, a1, a2] = [o.reserves.tao, d.reserves.tao, o.reserves.alpha, d.reserves.alpha];
      const exact = (a2 * t1 * TAO - a1 * t2 * limit) / (limit * (t1 + t2));
      const got = maxAmountMove(o, d, limit);
      expect(got > 0n).toBe(true);
      expect(got - exact <= 2n && exact - got <= 2n, `${permille}: ${got} vs ${exact}`).toBe(true);
    }
    expect(maxAmountMove(o, d, current + current / 100n)).toBe(0n);
  });
});

describe('a move across subnets with a limit price', () => {
  it('moves the whole amount when the limit is met, exactly as without a limit', () => {
    const { c, hA } = twoPools();
    const held = alphaOf(c, hA.address, bob.address, 1);
    const amount = held / 10n;
    const limit = (ratio(c) * 95n) / 100n;
    expect(maxAmountMove(poolOf(c, 1), poolOf(c, 2), limit)).toBeGreaterThan(amount);
    const want = expectedIn(c, amount);
    expect(c.run(bob, swapCall(hA.address, amount, limit)).status).toBe('included');
    expect(alphaOf(c, hA.address, bob.address, 1)).toBe(held - amount);
    expect(alphaOf(c, hA.address, bob.address, 2)).toBe(want);
    expect(c.invariantHolds()).toBe(true);
  });

  it('refuses a fill-or-kill move past the limit with E_PRICE_LIMIT and changes nothing', () => {
    const { c, hA, hB } = twoPools();
    const held = alphaOf(c, hA.address, bob.address, 1);
    const limit = (ratio(c) * 99n) / 100n;
    const max = maxAmountMove(poolOf(c, 1), poolOf(c, 2), limit);
    expect(max).toBeLessThan(held);
    const [pool1, pool2] = [c.state.pool(1)!, c.state.pool(2)!];
    const r = c.run(bob, swapCall(hA.address, max + 1n, limit));
    expect(r.error?.code).toBe('E_PRICE_LIMIT');
    expect(alphaOf(c, hA.address, bob.address, 1)).toBe(held);
    expect(alphaOf(c, hA.address, bob.address, 2)).toBe(0n);
    // the block's emission moved the reserves, not the refused swap: the curves are untouched
    expect(c.state.pool(1)!.curve.sqrtPrice).toBe(pool1.curve.sqrtPrice);
    expect(c.state.pool(2)!.curve.sqrtPrice).toBe(pool2.curve.sqrtPrice);
    // move_stake and transfer_stake take the same limit
    const move = {
      type: 'move_stake',
      origin_hotkey: hA.address,
      dest_hotkey: hB.address,
      origin_netuid: 1,
      dest_netuid: 2,
      amount: String(held),
      limit_price: String(limit),
    };
    expect(c.run(bob, move).error?.code).toBe('E_PRICE_LIMIT');
    const transfer = {
      type: 'transfer_stake',
      dest_coldkey: charlie.address,
      hotkey: hA.address,
      origin_netuid: 1,
      dest_netuid: 2,
      amount: String(held),
      limit_price: String(limit),
    };
    expect(c.run(bob, transfer).error?.code).toBe('E_PRICE_LIMIT');
    // a limit above the current ratio: nothing can move, even partially
    expect(c.run(bob, swapCall(hA.address, TAO, ratio(c) + TAO / 100n, true)).error?.code).toBe(
      'E_PRICE_LIMIT',
    );
    // an epoch may have paid Bob more α on subnet 1 meanwhile; none of it left
    expect(alphaOf(c, hA.address, bob.address, 1)).toBeGreaterThanOrEqual(held);
    expect(alphaOf(c, hA.address, bob.address, 2)).toBe(0n);
    expect(c.state.pool(1)!.curve.sqrtPrice).toBe(pool1.curve.sqrtPrice);
    expect(c.invariantHolds()).toBe(true);
  });

  it('with allow_partial moves exactly the maximum the limit allows', () => {
    const { c, hA } = twoPools();
    const held = alphaOf(c, hA.address, bob.address, 1);
    const limit = (ratio(c) * 99n) / 100n;
    const max = maxAmountMove(poolOf(c, 1), poolOf(c, 2), limit);
    expect(max).toBeLessThan(held);
    const want = expectedIn(c, max);
    expect(c.run(bob, swapCall(hA.address, held, limit, true)).status).toBe('included');
    expect(alphaOf(c, hA.address, bob.address, 1)).toBe(held - max);
    expect(alphaOf(c, hA.address, bob.address, 2)).toBe(want);
    // within one subnet the limit is not looked at
    const within = { ...swapCall(hA.address, 0n, TAO * 1000n), dest_netuid: 1 };
    const moved = c.run(bob, {
      ...within,
      type: 'transfer_stake',
      dest_coldkey: charlie.address,
      amount: String(max / 2n),
    });
    expect(moved.status).toBe('included');
    expect(c.invariantHolds()).toBe(true);
  });
});
