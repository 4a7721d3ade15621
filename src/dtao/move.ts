/**
 * Stake transitions (spec 300's transition_stake_internal): move_stake (same coldkey, another hotkey and/or
 * subnet), transfer_stake (another coldkey, same hotkey), swap_stake (same keys, another subnet). Within a
 * subnet the alpha moves as is (no swap, no fee); across subnets it is sold without fee on the origin pool
 * and the τ bought into the destination with its fee. Both sides are planned before either commits.
 * A limit price (swap_stake_limit's rule, which the ledger applies to all three) bounds a move across
 * subnets by the ratio origin price / destination price: get_max_amount_move gives the most α that keeps the
 * ratio at or above the limit; fill or kill refuses a larger amount (E_PRICE_LIMIT), allow_partial moves
 * what fits. Within one subnet the limit is ignored (no swap).
 * Difference from the runtime: τ from a cross-subnet sale under the minimum stake goes to the coldkey's free
 * balance (spec 300 drops it).
 */
import { reject } from './errors.js';
import { MAX_U64, U64F64, U96F32 } from './fixed.js';
import { credit, debit, alphaHeld } from './shares.js';
import { clonePool, planStakeInto, planUnstakeFrom } from './stake.js';
import { type DtaoState, ROOT, type Subnet, stakeKey } from './state.js';
import { addFree, ensureHotkey, ensureStarted, sharePool, subnetOf } from './subnet.js';
import {
  type Curve,
  MAX_PRICE_RAO,
  MIN_PRICE_RAO,
  maxAmountAt,
  RAO,
  type Reserves,
  spotPriceRao,
  swap,
} from './swap.js';

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
  /** A floor on origin price / destination price, × 10^9 (swap_stake_limit); none = no limit. */
  limitPrice?: bigint;
  /** With a limit: move what fits instead of refusing the whole amount. */
  allowPartial?: boolean;
}

/** What get_max_amount_move reads of one pool: its netuid, swap state and reserves (provided parts included). */
export interface MovePool {
  netuid: number;
  curve: Curve;
  reserves: Reserves;
}

const f = U64F64;
const stable = (p: MovePool) => p.netuid === ROOT || p.curve.mechanism !== 1;
export const movePoolOf = (
  n: Pick<Subnet, 'netuid' | 'curve' | 'taoReserve' | 'alphaReserve'>,
): MovePool => ({
  netuid: n.netuid,
  curve: n.curve,
  reserves: { tao: n.taoReserve, alpha: n.alphaReserve },
});

/** current_alpha_price: √price² (U64F64, then U96F32 by truncation), τ/α from the reserves before the first swap. */
export function currentPriceU96(p: MovePool): bigint {
  if (p.curve.mechanism !== 1) return U96F32.one;
  if (p.curve.initialized) return f.mul(p.curve.sqrtPrice, p.curve.sqrtPrice) >> 32n;
  if (p.reserves.alpha === 0n) return 0n;
  return U96F32.div(U96F32.int(p.reserves.tao), U96F32.int(p.reserves.alpha));
}

/**
 * get_max_amount_move: the most origin α a move across subnets may sell while origin price / destination
 * price (× 10^9) stays at or above `limitPrice`; 0 when none (the runtime's ZeroMaxStakeAmount). Dynamic to
 * dynamic it is spec 300's one-step formula x = α₂·t₁/(t₁+t₂)/limit − α₁·t₂/(t₁+t₂) in U64F64 (a limit above
 * the current ratio gives 0); from or to a stable/root pool it is get_max_amount_add / _remove.
 */
export function maxAmountMove(origin: MovePool, dest: MovePool, limitPrice: bigint): bigint {
  if (stable(origin) && stable(dest)) return limitPrice > RAO ? 0n : MAX_U64;
  if (stable(origin)) {
    if (limitPrice === 0n) return MAX_U64;
    // The limit is origin / destination: the destination's own price limit is its inverse.
    const destLimit = f.toU64(f.mul(f.div(f.int(RAO), f.int(limitPrice)), f.int(RAO)));
    return maxAmountAt(dest.curve, dest.reserves, 'buy', destLimit);
  }
  if (stable(dest)) return maxAmountAt(origin.curve, origin.reserves, 'sell', limitPrice);
  const [t1, t2, a1, a2] = [
    origin.reserves.tao,
    dest.reserves.tao,
    origin.reserves.alpha,
    dest.reserves.alpha,
  ];
  if (t1 === 0n || t2 === 0n || a1 === 0n || a2 === 0n) return 0n;
  const limit = f.checkedDiv(f.int(limitPrice), f.int(RAO)) ?? 0n;
  const current = U96F32.div(currentPriceU96(origin), currentPriceU96(dest));
  // U64F64 against U96F32, compared as values.
  if (limit > current << 32n) return 0n;
  if (limitPrice === 0n) return MAX_U64;
  const sum = f.add(f.int(t2), f.int(t1));
  const scaled = f.div(f.mul(f.int(a2), f.div(f.int(t1), sum)), limit);
  return f.toU64(f.sub(scaled, f.mul(f.int(a1), f.div(f.int(t2), sum))));
}

/** transition_stake_internal: any of the three moves, by its origin and destination (coldkey, hotkey, netuid). */
export function transition(s: DtaoState, t: Transition): MoveOutcome {
  if (t.originColdkey === t.destColdkey && t.originHotkey === t.destHotkey && t.originNetuid === t.destNetuid)
    reject('E_SAME_STAKE', 'origin and destination are the same stake');
  const from = subnetOf(s, t.originNetuid);
  const to = subnetOf(s, t.destNetuid);
  // As the runtime: the limit's maximum comes before the other checks (from ≠ to: a swap).
  let amount = t.alpha;
  let max = amount;
  if (from !== to && t.limitPrice !== undefined) {
    max = maxAmountMove(movePoolOf(from), movePoolOf(to), t.limitPrice);
    if (max === 0n)
      reject(
        'E_PRICE_LIMIT',
        `subnet ${from.netuid}'s price over subnet ${to.netuid}'s is already below the limit ${t.limitPrice}`,
      );
  }
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
    if (t.limitPrice !== undefined && !t.allowPartial && amount > max)
      reject('E_PRICE_LIMIT', `only ${max} alpha can move before the price ratio falls to the limit`);
    if (max < amount) amount = max;
    const sale = planUnstakeFrom(s, t.originColdkey, t.originHotkey, from, amount, MIN_PRICE_RAO, true);
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
