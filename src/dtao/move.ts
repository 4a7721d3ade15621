/**
 * Stake transitions (spec 300's transition_stake_internal): move_stake (same coldkey, another hotkey and/or
 * subnet), transfer_stake (another coldkey, same hotkey), swap_stake (same keys, another subnet). Within a
 * subnet the alpha moves as is (no swap, no fee); across subnets it is sold without fee on the origin pool
 * and the τ bought into the destination with its fee. Both sides are planned before either commits.
 * Difference from the runtime: τ from a cross-subnet sale under the minimum stake goes to the coldkey's free
 * balance (spec 300 drops it).
 */
import { reject } from './errors.js';
import { U96F32 } from './fixed.js';
import { credit, debit, alphaHeld } from './shares.js';
import { clonePool, planStakeInto, planUnstakeFrom } from './stake.js';
import { type DtaoState, stakeKey } from './state.js';
import { addFree, ensureHotkey, ensureStarted, sharePool, subnetOf } from './subnet.js';
import { MAX_PRICE_RAO, MIN_PRICE_RAO, spotPriceRao, swap } from './swap.js';

export interface MoveOutcome {
  /** α taken from the origin stake. */
  alpha: bigint;
  /** τ value moved (the sale's τ across subnets; α × price within one). */
  tao: bigint;
  /** α credited to the destination stake. */
  alphaIn: bigint;
}

export interface Transition {
  originColdkey: string;
  destColdkey: string;
  originHotkey: string;
  destHotkey: string;
  originNetuid: number;
  destNetuid: number;
  alpha: bigint;
}

/** transition_stake_internal: any of the three moves, by its origin and destination (coldkey, hotkey, netuid). */
export function transition(s: DtaoState, t: Transition): MoveOutcome {
  if (t.originColdkey === t.destColdkey && t.originHotkey === t.destHotkey && t.originNetuid === t.destNetuid)
    reject('E_SAME_STAKE', 'origin and destination are the same stake');
  const from = subnetOf(s, t.originNetuid);
  const to = subnetOf(s, t.destNetuid);
  ensureStarted(from);
  ensureStarted(to);
  ensureHotkey(s, t.originHotkey);
  ensureHotkey(s, t.destHotkey);
  const held = alphaHeld(sharePool(s, t.originHotkey, t.originNetuid), t.originColdkey);
  if (t.alpha > held)
    reject('E_INSUFFICIENT_STAKE', `${t.originColdkey} holds ${held} alpha, not ${t.alpha}`);
  const min = s.params.minStake;

  if (from !== to) {
    const sim = swap(
      from.curve,
      { tao: from.taoReserve, alpha: from.alphaReserve },
      'sell',
      t.alpha,
      MIN_PRICE_RAO,
      {
        simulate: true,
      },
    );
    if (sim.paidOut <= min)
      reject('E_AMOUNT_TOO_LOW', `the move is worth ${sim.paidOut} rao, not over the minimum`);
    const sale = planUnstakeFrom(s, t.originColdkey, t.originHotkey, from, t.alpha, MIN_PRICE_RAO, true);
    const tao = sale.outcome.tao;
    if (tao < min) {
      sale.commit();
      addFree(s, t.originColdkey, tao);
      return { alpha: sale.outcome.alpha, tao, alphaIn: 0n };
    }
    // The destination pool is another subnet: the sale does not change it, so both plans hold together.
    const buy = planStakeInto(s, t.destColdkey, t.destHotkey, to, tao, MAX_PRICE_RAO);
    sale.commit();
    buy.commit();
    return { alpha: sale.outcome.alpha, tao, alphaIn: buy.outcome.alpha };
  }

  const originKey = stakeKey(t.originHotkey, t.originNetuid);
  const destKey = stakeKey(t.destHotkey, t.destNetuid);
  const origin = clonePool(sharePool(s, t.originHotkey, t.originNetuid));
  const dest = originKey === destKey ? origin : clonePool(sharePool(s, t.destHotkey, t.destNetuid));
  const taken = debit(origin, t.originColdkey, t.alpha);
  const moved = credit(dest, t.destColdkey, taken);
  const price = U96F32.div(
    U96F32.int(spotPriceRao(from.curve, { tao: from.taoReserve, alpha: from.alphaReserve })),
    U96F32.int(1_000_000_000n),
  );
  const tao = U96F32.toU64(U96F32.mul(price, U96F32.int(moved)));
  if (tao < min) reject('E_AMOUNT_TOO_LOW', `the move is worth ${tao} rao, under the minimum stake`);
  s.stakes.set(originKey, origin);
  s.stakes.set(destKey, dest);
  return { alpha: taken, tao, alphaIn: moved };
}

/** move_stake: the coldkey's alpha from one hotkey/subnet to another hotkey/subnet of its own. */
export const moveStake = (
  s: DtaoState,
  coldkey: string,
  originHotkey: string,
  destHotkey: string,
  originNetuid: number,
  destNetuid: number,
  alpha: bigint,
): MoveOutcome =>
  transition(s, {
    originColdkey: coldkey,
    destColdkey: coldkey,
    originHotkey,
    destHotkey,
    originNetuid,
    destNetuid,
    alpha,
  });

/** transfer_stake: the coldkey's alpha on a hotkey to another coldkey (same hotkey), maybe on another subnet. */
export const transferStake = (
  s: DtaoState,
  coldkey: string,
  destColdkey: string,
  hotkey: string,
  originNetuid: number,
  destNetuid: number,
  alpha: bigint,
): MoveOutcome =>
  transition(s, {
    originColdkey: coldkey,
    destColdkey,
    originHotkey: hotkey,
    destHotkey: hotkey,
    originNetuid,
    destNetuid,
    alpha,
  });

/** swap_stake: the same keys' alpha from one subnet into another. */
export const swapStake = (
  s: DtaoState,
  coldkey: string,
  hotkey: string,
  originNetuid: number,
  destNetuid: number,
  alpha: bigint,
): MoveOutcome =>
  transition(s, {
    originColdkey: coldkey,
    destColdkey: coldkey,
    originHotkey: hotkey,
    destHotkey: hotkey,
    originNetuid,
    destNetuid,
    alpha,
  });
