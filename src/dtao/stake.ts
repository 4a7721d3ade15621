/**
 * Staking through a subnet's pool: τ in → α stake (add_stake), α stake → τ out (remove_stake), their
 * limit-price variants (allow_partial) and unstake_all, with spec 300's validation order and rejections.
 * Each call plans on copies (the pure swap, a cloned share pool) and commits only when everything passed,
 * so a rejection leaves the state untouched.
 *
 * Differences from the runtime, on purpose: τ that a limited swap does not use is refunded to the coldkey
 * (spec 300 takes the whole amount and the unused part leaves circulation), and α paid as a selling fee
 * leaves α outstanding (it is held by the pool's fee accumulator, `feesAlpha`).
 */
import { reject } from './errors.js';
import { bigMin, MAX_U64 } from './fixed.js';
import { canUpdate, credit, debit, type SharePool, alphaHeld } from './shares.js';
import type { DtaoState, Subnet } from './state.js';
import { ROOT, stakeKey } from './state.js';
import { addFree, ensureHotkey, ensureStarted, freeOf, sharePool, subnetOf } from './subnet.js';
import { feeOf, MAX_PRICE_RAO, MIN_PRICE_RAO, maxAmountAt, RAO, type SwapResult, swap } from './swap.js';

export interface StakeOutcome {
  /** τ taken from the coldkey (fee included). */
  tao: bigint;
  /** α credited to the stake. */
  alpha: bigint;
  /** The pool's fee, τ. */
  fee: bigint;
}

export interface UnstakeOutcome {
  /** α taken from the stake (fee included). */
  alpha: bigint;
  /** τ paid to the coldkey. */
  tao: bigint;
  /** The pool's fee, α. */
  fee: bigint;
}

const reservesOf = (n: Subnet) => ({ tao: n.taoReserve, alpha: n.alphaReserve });
export const clonePool = (p: SharePool): SharePool => ({ ...p, shares: new Map(p.shares) });

/** A simulated swap (no reserve check); a refusal becomes E_INSUFFICIENT_LIQUIDITY like the runtime's. */
function simulate(n: Subnet, order: 'buy' | 'sell', amount: bigint): SwapResult {
  try {
    const limit = order === 'buy' ? MAX_PRICE_RAO : MIN_PRICE_RAO;
    return swap(n.curve, reservesOf(n), order, amount, limit, { simulate: true });
  } catch {
    return reject('E_INSUFFICIENT_LIQUIDITY', `subnet ${n.netuid}'s pool cannot take this swap`);
  }
}

/** validate_add_stake: returns the τ that will be staked (clamped to `max` with allowPartial). */
export function validateAdd(
  s: DtaoState,
  coldkey: string,
  hotkey: string,
  n: Subnet,
  amount: bigint,
  max: bigint,
  allowPartial: boolean,
): bigint {
  ensureStarted(n);
  const minStake = s.params.minStake;
  let minFee: bigint;
  try {
    minFee = simulate(n, 'buy', minStake).fee;
  } catch {
    minFee = feeOf(n.curve, minStake);
  }
  if (amount < minStake + minFee)
    reject('E_AMOUNT_TOO_LOW', `a stake must be at least ${minStake + minFee} rao (minimum stake + fee)`);
  let staked = amount;
  if (!allowPartial) {
    if (amount > max) reject('E_PRICE_LIMIT', `only ${max} rao can be staked before the limit price`);
  } else if (max < staked) staked = max;
  if (freeOf(s, coldkey) < staked)
    reject('E_INSUFFICIENT_BALANCE', `${coldkey} has ${freeOf(s, coldkey)} rao, the stake needs ${staked}`);
  ensureHotkey(s, hotkey);
  const sim = simulate(n, 'buy', staked);
  if (sim.paidIn < minStake) reject('E_AMOUNT_TOO_LOW', `only ${sim.paidIn} rao would reach the pool`);
  if (sim.paidOut === 0n) reject('E_INSUFFICIENT_LIQUIDITY', 'the stake would buy no alpha');
  if (!canUpdate(sharePool(s, hotkey, n.netuid), sim.paidOut))
    reject('E_INSUFFICIENT_LIQUIDITY', "the alpha is too small for the hotkey's share pool");
  return staked;
}

/**
 * stake_into_subnet as a plan: swaps `tao` for α at `limit` and returns what it gives plus a commit that
 * takes the τ from `payer` (when given) and credits the α to (hotkey, coldkey).
 */
export function planStakeInto(
  s: DtaoState,
  coldkey: string,
  hotkey: string,
  n: Subnet,
  tao: bigint,
  limit: bigint,
  payer?: string,
): { outcome: StakeOutcome; commit: () => void } {
  const r = swap(n.curve, reservesOf(n), 'buy', tao, limit);
  if (r.paidOut === 0n) reject('E_AMOUNT_TOO_LOW', 'the stake would buy no alpha');
  const pool = clonePool(sharePool(s, hotkey, n.netuid));
  if (!canUpdate(pool, r.paidOut))
    reject('E_INSUFFICIENT_LIQUIDITY', "the alpha is too small for the hotkey's share pool");
  if (n.taoReserve + r.paidIn > MAX_U64 || n.alphaOutstanding + r.paidOut > MAX_U64)
    reject('E_OVERFLOW', `subnet ${n.netuid}'s pool would exceed 2^64 − 1 rao`);
  const alpha = credit(pool, coldkey, r.paidOut);
  const used = r.paidIn + r.fee;
  return {
    outcome: { tao: used, alpha, fee: r.fee },
    commit: () => {
      if (payer !== undefined) addFree(s, payer, -used);
      s.stakes.set(stakeKey(hotkey, n.netuid), pool);
      n.curve = r.curve;
      n.taoReserve += r.paidIn;
      if (n.curve.mechanism === 1) n.alphaReserve -= r.paidOut;
      n.alphaOutstanding += r.paidOut;
      n.feesTao += r.fee;
    },
  };
}

/**
 * unstake_from_subnet as a plan: takes `alpha` from (hotkey, coldkey), sells it at `limit`, puts back what
 * the limit left unsold; the commit pays the τ to `payee` (when given).
 */
export function planUnstakeFrom(
  s: DtaoState,
  coldkey: string,
  hotkey: string,
  n: Subnet,
  alpha: bigint,
  limit: bigint,
  dropFees: boolean,
  payee?: string,
): { outcome: UnstakeOutcome; pool: SharePool; commit: () => void } {
  const pool = clonePool(sharePool(s, hotkey, n.netuid));
  const taken = debit(pool, coldkey, alpha);
  const r = swap(n.curve, reservesOf(n), 'sell', taken, limit, { dropFees });
  const sold = r.paidIn + r.fee;
  if (taken > sold) credit(pool, coldkey, taken - sold);
  if (payee !== undefined && freeOf(s, payee) + r.paidOut > MAX_U64)
    reject('E_OVERFLOW', `${payee}'s balance would exceed 2^64 − 1 rao`);
  return {
    outcome: { alpha: sold, tao: r.paidOut, fee: r.fee },
    pool,
    commit: () => {
      s.stakes.set(stakeKey(hotkey, n.netuid), pool);
      n.curve = r.curve;
      n.taoReserve -= r.paidOut;
      if (n.curve.mechanism === 1) n.alphaReserve += r.paidIn;
      n.alphaOutstanding -= sold;
      n.feesAlpha += r.fee;
      if (payee !== undefined) addFree(s, payee, r.paidOut);
    },
  };
}

/** add_stake: `tao` rao from the coldkey into (hotkey, netuid) at any price. */
export function addStake(
  s: DtaoState,
  coldkey: string,
  hotkey: string,
  netuid: number,
  tao: bigint,
): StakeOutcome {
  const n = subnetOf(s, netuid);
  ensureStarted(n);
  validateAdd(s, coldkey, hotkey, n, tao, tao, false);
  const plan = planStakeInto(s, coldkey, hotkey, n, tao, MAX_PRICE_RAO, coldkey);
  plan.commit();
  return plan.outcome;
}

/** get_max_amount_add: the most τ (fee included) a limit price lets in; root: all or nothing at 1.0. */
export function maxAmountAdd(n: Subnet, limitPrice: bigint): bigint {
  let max: bigint;
  if (n.netuid === ROOT || n.curve.mechanism === 0) max = limitPrice >= RAO ? MAX_U64 : 0n;
  else max = maxAmountAt(n.curve, reservesOf(n), 'buy', limitPrice);
  if (max === 0n) reject('E_PRICE_LIMIT', `the price of subnet ${n.netuid} is already above the limit`);
  return max;
}

/** get_max_amount_remove: the most α (fee included) a limit price lets out; root: all or nothing at 1.0. */
export function maxAmountRemove(n: Subnet, limitPrice: bigint): bigint {
  let max: bigint;
  if (n.netuid === ROOT || n.curve.mechanism === 0) max = limitPrice <= RAO ? MAX_U64 : 0n;
  else max = maxAmountAt(n.curve, reservesOf(n), 'sell', limitPrice);
  if (max === 0n) reject('E_PRICE_LIMIT', `the price of subnet ${n.netuid} is already below the limit`);
  return max;
}

/**
 * add_stake_limit: stakes at most what keeps the price at or under `limitPrice` (rao per α). Without
 * allowPartial the whole amount must fit (else E_PRICE_LIMIT); with it, the part that fits is staked.
 */
export function addStakeLimit(
  s: DtaoState,
  coldkey: string,
  hotkey: string,
  netuid: number,
  tao: bigint,
  limitPrice: bigint,
  allowPartial: boolean,
): StakeOutcome {
  const n = subnetOf(s, netuid);
  const max = maxAmountAdd(n, limitPrice);
  const staked = validateAdd(s, coldkey, hotkey, n, tao, max, allowPartial);
  const plan = planStakeInto(s, coldkey, hotkey, n, bigMin(staked, max), limitPrice, coldkey);
  plan.commit();
  return plan.outcome;
}

/** validate_remove_stake. */
export function validateRemove(
  s: DtaoState,
  coldkey: string,
  hotkey: string,
  n: Subnet,
  alpha: bigint,
  max: bigint,
  allowPartial: boolean,
): void {
  if (alpha === 0n) reject('E_AMOUNT_TOO_LOW', 'nothing to unstake');
  const held = alphaHeld(sharePool(s, hotkey, n.netuid), coldkey);
  if (alpha > held)
    reject('E_INSUFFICIENT_STAKE', `${coldkey} holds ${held} alpha on ${hotkey}, not ${alpha}`);
  const sim = simulate(n, 'sell', alpha);
  if (held - alpha !== 0n && sim.paidOut < s.params.minStake)
    reject('E_AMOUNT_TOO_LOW', `the unstake would pay ${sim.paidOut} rao, under the minimum stake`);
  if (!allowPartial && alpha > max)
    reject('E_PRICE_LIMIT', `only ${max} alpha can be sold before the limit price`);
  ensureHotkey(s, hotkey);
}

/** remove_stake: sells `alpha` of (hotkey, coldkey) on netuid at any price; τ to the coldkey. */
export function removeStake(
  s: DtaoState,
  coldkey: string,
  hotkey: string,
  netuid: number,
  alpha: bigint,
): UnstakeOutcome {
  const n = subnetOf(s, netuid);
  ensureStarted(n);
  validateRemove(s, coldkey, hotkey, n, alpha, alpha, false);
  const plan = planUnstakeFrom(s, coldkey, hotkey, n, alpha, MIN_PRICE_RAO, false, coldkey);
  plan.commit();
  return plan.outcome;
}

/** remove_stake_limit: sells at most what keeps the price at or above `limitPrice`. */
export function removeStakeLimit(
  s: DtaoState,
  coldkey: string,
  hotkey: string,
  netuid: number,
  alpha: bigint,
  limitPrice: bigint,
  allowPartial: boolean,
): UnstakeOutcome {
  const n = subnetOf(s, netuid);
  const max = maxAmountRemove(n, limitPrice);
  validateRemove(s, coldkey, hotkey, n, alpha, max, allowPartial);
  const plan = planUnstakeFrom(s, coldkey, hotkey, n, alpha < max ? alpha : max, limitPrice, false, coldkey);
  plan.commit();
  return plan.outcome;
}

/**
 * unstake_all: every started subnet's stake of (hotkey, coldkey) that may be removed is sold at any price;
 * the others are skipped. E_INSUFFICIENT_STAKE when nothing could be (the runtime's validate_unstake_all).
 */
export function unstakeAll(s: DtaoState, coldkey: string, hotkey: string): Map<number, UnstakeOutcome> {
  ensureHotkey(s, hotkey);
  const done = new Map<number, UnstakeOutcome>();
  for (const netuid of [...s.subnets.keys()].sort((a, b) => a - b)) {
    const n = subnetOf(s, netuid);
    if (n.firstEmissionBlock === null) continue;
    const alpha = alphaHeld(sharePool(s, hotkey, netuid), coldkey);
    if (alpha === 0n) continue;
    try {
      validateRemove(s, coldkey, hotkey, n, alpha, alpha, false);
    } catch {
      continue;
    }
    const plan = planUnstakeFrom(s, coldkey, hotkey, n, alpha, MIN_PRICE_RAO, false, coldkey);
    plan.commit();
    done.set(netuid, plan.outcome);
  }
  if (done.size === 0)
    reject('E_INSUFFICIENT_STAKE', `${coldkey} has no stake on ${hotkey} that can be removed`);
  return done;
}
