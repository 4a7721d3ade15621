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
import { U64F64, isqrt } from '../../dtao/fixed.js';
import {
  type Curve,
  initialize,
  limitSqrtPrice,
  MAX_PRICE_RAO,
  MIN_PRICE_RAO,
  newCurve,
  priceRaoOf,
  RAO,
  swap,
} from '../../dtao/swap.js';
import { big } from './codec.js';

/** The U64F64 helpers, kept under their old names for this module's callers. */
export const fx = U64F64;
export { isqrt, limitSqrtPrice };

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
  /** τ and α in the pool, when read: the swap's reserve checks use them. */
  reserves?: { tao: bigint; alpha: bigint };
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
  if (state.mechanism === 1) {
    // The pool's reserves count the provided parts too (tao_reserve() / alpha_reserve()).
    const [tao, taoProvided, alpha, alphaProvided] = await Promise.all([
      q('subtensorModule', 'subnetTAO'),
      q('subtensorModule', 'subnetTaoProvided'),
      q('subtensorModule', 'subnetAlphaIn'),
      q('subtensorModule', 'subnetAlphaInProvided'),
    ]);
    state.reserves = { tao: big(tao) + big(taoProvided), alpha: big(alpha) + big(alphaProvided) };
    if (!state.initialized) {
      // maybe_initialize_v3, exactly as src/dtao/swap.ts repeats it.
      const curve = initialize(newCurve(state.feeRate), state.reserves);
      state.sqrtPrice = curve.sqrtPrice;
      state.liquidity = curve.liquidity;
    }
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

const curveOf = (state: PoolState): Curve => ({
  mechanism: state.mechanism,
  initialized: true,
  sqrtPrice: state.sqrtPrice,
  liquidity: state.liquidity,
  protocolLiquidity: state.liquidity,
  feeRate: state.feeRate,
});

const UNLIMITED = { tao: (1n << 64n) - 1n, alpha: (1n << 64n) - 1n };

function estimate(state: PoolState, order: 'buy' | 'sell', amount: bigint, limit?: bigint): SwapEstimate {
  if (state.mechanism !== 1)
    return { used: amount, out: amount, fee: 0n, priceAfter: RAO, limited: false, exact: true };
  const curve = curveOf(state);
  const price = limit ?? (order === 'buy' ? MAX_PRICE_RAO : MIN_PRICE_RAO);
  try {
    const r = swap(curve, state.reserves ?? UNLIMITED, order, amount, price, { simulate: true });
    return {
      used: r.paidIn + r.fee,
      out: r.paidOut,
      fee: r.fee,
      priceAfter: priceRaoOf(r.curve.sqrtPrice),
      limited: r.limited,
      exact: state.protocolOnly,
    };
  } catch {
    // Price already past the limit (or reserves too low): nothing would be swapped.
    return {
      used: 0n,
      out: 0n,
      fee: 0n,
      priceAfter: priceRaoOf(curve.sqrtPrice),
      limited: true,
      exact: false,
    };
  }
}

/** τ in, alpha out (add stake). `limitPriceRao` undefined = no limit. */
export const estimateBuy = (state: PoolState, tao: bigint, limitPriceRao?: bigint): SwapEstimate =>
  estimate(state, 'buy', tao, limitPriceRao);

/** alpha in, τ out (remove stake). `limitPriceRao` undefined = no limit. */
export const estimateSell = (state: PoolState, alpha: bigint, limitPriceRao?: bigint): SwapEstimate =>
  estimate(state, 'sell', alpha, limitPriceRao);
