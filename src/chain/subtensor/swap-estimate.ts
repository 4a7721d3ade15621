/**
 * What a stake (τ → alpha) or unstake (alpha → τ) gets from a subnet pool, computed here before signing.
 *
 * Spec 300's swap pallet is Uniswap-v3 style; with only the protocol's own position over the full tick range
 * (user liquidity off) a swap is one step at constant liquidity L: the fee (`swap.feeRate`/65535 of the
 * input) is taken first, the rest moves √price by Δ/L (buy) or 1/√price by Δ/L (sell), and the output is
 * L·Δ/((L·√p + Δ)·√p) alpha (buy) or Δ·(L/(L/√p + Δ))·√p τ (sell). The runtime does this in U64F64 fixed
 * point (64 fractional bits, products and quotients truncated); this module repeats that arithmetic on
 * bigint bits, so on such a pool the estimate is the chain's own result to the rao (`exact: true`). With
 * user liquidity, a stable (mechanism 0) pool's 1:1 rule aside, or a limit reached (partial fill, where the
 * runtime's iterative square root of the limit price is approximated by an exact integer one) the result
 * is labelled an estimate (`exact: false`) and the limit price is what protects the trade.
 */
import type { ApiPromise } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import { storage } from './access.js';
import { big } from './codec.js';

const FRAC = 64n;
const ONE = 1n << FRAC;
const MAX128 = (1n << 128n) - 1n;
const MAX64 = (1n << 64n) - 1n;
const RAO = 1_000_000_000n;

/** U64F64 arithmetic on raw bits, saturating and truncating like substrate_fixed. */
export const fx = {
  int: (n: bigint): bigint => (n << FRAC > MAX128 ? MAX128 : n << FRAC),
  mul: (a: bigint, b: bigint): bigint => {
    const r = (a * b) >> FRAC;
    return r > MAX128 ? MAX128 : r;
  },
  div: (a: bigint, b: bigint): bigint => {
    if (b === 0n) return 0n;
    const r = (a << FRAC) / b;
    return r > MAX128 ? MAX128 : r;
  },
  add: (a: bigint, b: bigint): bigint => (a + b > MAX128 ? MAX128 : a + b),
  sub: (a: bigint, b: bigint): bigint => (a > b ? a - b : 0n),
  toU64: (a: bigint): bigint => {
    const r = a >> FRAC;
    return r > MAX64 ? MAX64 : r;
  },
};

/** floor(√n) for a non-negative bigint. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/** √ of a U64F64 value, as U64F64 bits (floor). */
const sqrtBits = (bits: bigint): bigint => isqrt(bits << FRAC);

/** √(price) as U64F64 bits for a price in rao per alpha (10^9 = 1.0): how the runtime reads a limit. */
export const limitSqrtPrice = (priceRao: bigint): bigint => sqrtBits(fx.div(fx.int(priceRao), fx.int(RAO)));

export interface PoolState {
  netuid: number;
  /** 1 = dynamic (a pool); 0 = stable (root): 1:1, no fee. */
  mechanism: number;
  /** √price, U64F64 bits. */
  sqrtPrice: bigint;
  liquidity: bigint;
  /** u16, out of 65535. */
  feeRate: bigint;
  /** The pool has only the protocol's full-range position, so one swap step is the whole swap. */
  protocolOnly: boolean;
  /** The V3 state was initialised; otherwise it is derived here from the reserves as the runtime would. */
  initialized: boolean;
}

const bits = (codec: Codec): bigint => BigInt((codec as unknown as { bits: Codec }).bits.toString());
const bool = (codec: Codec): boolean => (codec as unknown as { isTrue: boolean }).isTrue;

export async function readPoolState(api: ApiPromise, netuid: number): Promise<PoolState> {
  const q = (pallet: string, item: string) => storage(api, pallet, item)(netuid);
  const [mechanism, initialized, sqrtPrice, liquidity, feeRate, userLiquidity] = await Promise.all([
    q('subtensorModule', 'subnetMechanism'),
    q('swap', 'swapV3Initialized'),
    q('swap', 'alphaSqrtPrice'),
    q('swap', 'currentLiquidity'),
    q('swap', 'feeRate'),
    q('swap', 'enabledUserLiquidity'),
  ]);
  const state: PoolState = {
    netuid,
    mechanism: Number(mechanism.toString()),
    sqrtPrice: bits(sqrtPrice),
    liquidity: big(liquidity),
    feeRate: big(feeRate),
    protocolOnly: !bool(userLiquidity),
    initialized: bool(initialized),
  };
  if (!state.initialized && state.mechanism === 1) {
    // maybe_initialize_v3: price = τ reserve / alpha reserve, L = √(τ·alpha), both reserves counting the
    // provided parts.
    const [tao, taoProvided, alpha, alphaProvided] = await Promise.all([
      q('subtensorModule', 'subnetTAO'),
      q('subtensorModule', 'subnetTaoProvided'),
      q('subtensorModule', 'subnetAlphaIn'),
      q('subtensorModule', 'subnetAlphaInProvided'),
    ]);
    const taoReserve = big(tao) + big(taoProvided);
    const alphaReserve = big(alpha) + big(alphaProvided);
    state.sqrtPrice = sqrtBits(fx.div(fx.int(taoReserve), fx.int(alphaReserve)));
    state.liquidity = isqrt(taoReserve * alphaReserve);
  }
  return state;
}

export interface SwapEstimate {
  /** Input actually swapped, fee included (τ for a buy, alpha for a sell). */
  used: bigint;
  /** Output: alpha for a buy, τ for a sell. */
  out: bigint;
  /** The pool's fee, in the input's units. */
  fee: bigint;
  /** The pool's price after the swap, rao per alpha. */
  priceAfter: bigint;
  /** The limit price stopped the swap before the whole input was used. */
  limited: boolean;
  /** The chain's own arithmetic, to the rao (see the module header). */
  exact: boolean;
}

const priceOf = (sqrt: bigint): bigint => fx.toU64(fx.mul(fx.mul(sqrt, sqrt), fx.int(RAO)));

function feeOf(state: PoolState, amount: bigint): bigint {
  const rate = fx.div(fx.int(state.feeRate), fx.int(65535n));
  return fx.toU64(fx.mul(fx.int(amount), rate));
}

/** The fee when the step stops at a price: Δ·rate/(65535 − rate). */
function feeOnDelta(state: PoolState, delta: bigint): bigint {
  const rate = fx.int(state.feeRate);
  return fx.toU64(fx.mul(fx.int(delta), fx.div(rate, fx.sub(fx.int(65535n), rate))));
}

/** τ in, alpha out (add stake). `limitPriceRao` undefined = no limit. */
export function estimateBuy(state: PoolState, tao: bigint, limitPriceRao?: bigint): SwapEstimate {
  if (state.mechanism !== 1)
    return { used: tao, out: tao, fee: 0n, priceAfter: RAO, limited: false, exact: true };
  const L = fx.int(state.liquidity);
  const sp = state.sqrtPrice;
  let fee = feeOf(state, tao);
  let delta = tao - fee;
  let final = fx.add(fx.div(fx.int(delta), L), sp);
  let limited = false;
  if (limitPriceRao !== undefined) {
    const limit = limitSqrtPrice(limitPriceRao);
    if (limit <= sp)
      return { used: 0n, out: 0n, fee: 0n, priceAfter: priceOf(sp), limited: true, exact: false };
    if (final > limit) {
      delta = fx.toU64(fx.mul(L, fx.sub(limit, sp)));
      fee = feeOnDelta(state, delta);
      final = limit;
      limited = true;
    }
  }
  const a = fx.mul(fx.add(fx.mul(L, sp), fx.int(delta)), sp);
  const out = fx.toU64(fx.mul(fx.div(L, a), fx.int(delta)));
  return {
    used: delta + fee,
    out,
    fee,
    priceAfter: priceOf(final),
    limited,
    exact: state.protocolOnly && !limited,
  };
}

/** alpha in, τ out (remove stake). `limitPriceRao` undefined = no limit. */
export function estimateSell(state: PoolState, alpha: bigint, limitPriceRao?: bigint): SwapEstimate {
  if (state.mechanism !== 1)
    return { used: alpha, out: alpha, fee: 0n, priceAfter: RAO, limited: false, exact: true };
  const L = fx.int(state.liquidity);
  const sp = state.sqrtPrice;
  const one = ONE;
  let fee = feeOf(state, alpha);
  let delta = alpha - fee;
  let final = fx.div(one, fx.add(fx.div(fx.int(delta), L), fx.div(one, sp)));
  let limited = false;
  if (limitPriceRao !== undefined) {
    const limit = limitSqrtPrice(limitPriceRao);
    if (limit >= sp)
      return { used: 0n, out: 0n, fee: 0n, priceAfter: priceOf(sp), limited: true, exact: false };
    if (final < limit) {
      delta = fx.toU64(fx.mul(L, fx.sub(fx.div(one, limit), fx.div(one, sp))));
      fee = feeOnDelta(state, delta);
      final = limit;
      limited = true;
    }
  }
  const b = fx.mul(fx.div(L, fx.add(fx.div(L, sp), fx.int(delta))), sp);
  const out = fx.toU64(fx.mul(fx.int(delta), b));
  return {
    used: delta + fee,
    out,
    fee,
    priceAfter: priceOf(final),
    limited,
    exact: state.protocolOnly && !limited,
  };
}
