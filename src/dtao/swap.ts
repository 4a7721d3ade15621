/**
 * One subnet pool's swap, as Subtensor spec 300's swap pallet computes it (pallets/swap at commit
 * f59e608b, July 2025; ported by reading, not copied). The pool is Uniswap-v3 style with only the
 * protocol's own position over the whole tick range, so the liquidity L is constant across a swap and a
 * swap is one step:
 *
 * - initialisation (first swap on a pool, `maybe_initialize_v3`): price = τ reserve / α reserve (U64F64),
 *   √price = safe_math's bisection `checked_sqrt(price, 1e-12)`, L = ⌊√(τ reserve · α reserve)⌋;
 * - fee = ⌊amount · (feeRate / 65535)⌋ of the input, taken first (none on a stable pool or with
 *   `dropFees`); the fee stays in the pool's fee accumulator, outside both reserves (see `FeeHeld`);
 * - buy (τ → α), Δ = amount − fee: √p' = Δ/L + √p, out = L / ((L·√p + Δ)·√p) · Δ;
 * - sell (α → τ): 1/√p' = Δ/L + 1/√p, out = Δ · (L / (L/√p + Δ) · √p);
 * - a limit √price (`checked_sqrt(limit / 10^9, 1e-10)`) that the target passes stops the step there: Δ is
 *   what reaches it (L·(√p_lim − √p), or L·(1/√p_lim − 1/√p) selling) and the fee is recomputed on Δ as
 *   Δ · rate / (65535 − rate);
 * - the price must start strictly below (buy) / above (sell) the limit, both reserves hold at least
 *   `MIN_RESERVE`, and the output cannot exceed the reserve it is paid from.
 *
 * All arithmetic is U64F64 on bigint bits, truncating like the runtime (./fixed.ts), so for the same pool
 * and amount the result is the runtime's to the rao (test/subtensor/swap-crosscheck.test.ts checks it).
 * Where we differ: a swap that would reach the edge of the tick range (√price beyond ~4.29·10^9 or below
 * ~2.3·10^-10, i.e. a price beyond 10^19 or below 10^-19) is refused here (E_INSUFFICIENT_LIQUIDITY)
 * instead of crossing the edge tick as the runtime would; no real amount gets there.
 */
import { reject } from './errors.js';
import { bigMin, checkedSqrt, isqrt, MAX_U64, U64F64 } from './fixed.js';

const f = U64F64;
export const RAO = 1_000_000_000n;
/** The runtime's `SwapMinimumReserve`: a pool with less τ or α than this refuses swaps. */
export const MIN_RESERVE = 1_000_000n;
/** Default fee rate of a new pool (`DefaultFeeRate`, out of 65535: ~0.05 %). */
export const DEFAULT_FEE_RATE = 33n;
const U16_MAX = 65535n;
const INIT_EPSILON = f.float(0.000000000001);
const LIMIT_EPSILON = f.float(0.0000000001);
/** √price at the tick range's ends (TickIndex::min_sqrt_price / max_sqrt_price). */
export const MIN_SQRT_PRICE = f.float(0.0000000002328350195);
export const MAX_SQRT_PRICE = f.float(4294886577.209892);

export type Order = 'buy' | 'sell';

/** A pool's swap state: what the swap pallet keeps per subnet. */
export interface Curve {
  /** 1 = dynamic (a pool); 0 = stable (root): 1:1, no fee. */
  mechanism: number;
  /** The V3 state exists; until the first swap it is derived from the reserves. */
  initialized: boolean;
  /** √price, U64F64 bits (AlphaSqrtPrice). */
  sqrtPrice: bigint;
  /** Current liquidity L (CurrentLiquidity, u64). */
  liquidity: bigint;
  /** The protocol position's liquidity (its share of L; all of it with user liquidity off). */
  protocolLiquidity: bigint;
  /** u16 out of 65535 (FeeRate). */
  feeRate: bigint;
}

export interface Reserves {
  tao: bigint;
  alpha: bigint;
}

export interface SwapResult {
  /** Input that moved the price (fee excluded): what enters the input reserve. */
  paidIn: bigint;
  /** Output paid from the other reserve. */
  paidOut: bigint;
  /** The fee, in the input's units. */
  fee: bigint;
  /** The limit price stopped the swap before the whole amount was used. */
  limited: boolean;
  /** The curve after the swap. */
  curve: Curve;
}

/** A new dynamic pool's curve, not yet initialised (the first swap initialises it from the reserves). */
export const newCurve = (feeRate = DEFAULT_FEE_RATE): Curve => ({
  mechanism: 1,
  initialized: false,
  sqrtPrice: 0n,
  liquidity: 0n,
  protocolLiquidity: 0n,
  feeRate,
});

/** maybe_initialize_v3: √price and L from the reserves. */
export function initialize(curve: Curve, reserves: Reserves): Curve {
  if (curve.initialized) return curve;
  const price = f.div(f.int(reserves.tao), f.int(reserves.alpha));
  const sqrtPrice = checkedSqrt(price, INIT_EPSILON);
  const liquidity = isqrt(reserves.tao * reserves.alpha);
  return {
    ...curve,
    initialized: true,
    sqrtPrice,
    liquidity: curve.liquidity + liquidity,
    protocolLiquidity: liquidity,
  };
}

/** How the runtime reads a limit price in rao per α: its √ as U64F64 bits. */
export const limitSqrtPrice = (priceRao: bigint): bigint =>
  checkedSqrt(f.div(f.int(priceRao), f.int(RAO)), LIMIT_EPSILON);

/** The price of a √price, rao per α (floor). */
export const priceRaoOf = (sqrtPrice: bigint): bigint =>
  f.toU64(f.mul(f.mul(sqrtPrice, sqrtPrice), f.int(RAO)));

/** max_price() / min_price(): the limits a plain add_stake / remove_stake swaps with. */
export const MAX_PRICE_RAO = (() => {
  const p = f.mul(f.mul(MAX_SQRT_PRICE, MAX_SQRT_PRICE), f.int(RAO));
  const rounded = (p + (1n << 63n)) >> 64n;
  return rounded > MAX_U64 ? MAX_U64 : rounded;
})();
export const MIN_PRICE_RAO = priceRaoOf(MIN_SQRT_PRICE);

/** The spot price of a curve (initialised or not), rao per α; 10^9 on a stable pool. */
export function spotPriceRao(curve: Curve, reserves: Reserves): bigint {
  if (curve.mechanism !== 1) return RAO;
  if (curve.initialized) return priceRaoOf(curve.sqrtPrice);
  return reserves.alpha === 0n ? 0n : (reserves.tao * RAO) / reserves.alpha;
}

const feeRateOf = (curve: Curve, dropFees: boolean) =>
  dropFees ? 0n : f.div(f.int(curve.feeRate), f.int(U16_MAX));

/** Fee on a whole input: ⌊amount · feeRate/65535⌋. */
export const feeOf = (curve: Curve, amount: bigint, dropFees = false): bigint =>
  curve.mechanism === 1 ? f.toU64(f.mul(f.int(amount), feeRateOf(curve, dropFees))) : 0n;

/** Fee when a step stops at a price: Δ · rate / (65535 − rate). */
function feeOnDelta(curve: Curve, delta: bigint, dropFees: boolean): bigint {
  const rate = dropFees ? 0n : f.int(curve.feeRate);
  return f.toU64(f.mul(f.int(delta), f.div(rate, f.sub(f.int(U16_MAX), rate))));
}

function targetSqrtPrice(order: Order, L: bigint, sp: bigint, delta: bigint): bigint {
  if (L === 0n) return order === 'buy' ? MAX_SQRT_PRICE : MIN_SQRT_PRICE;
  const d = f.div(f.int(delta), L);
  return order === 'buy' ? f.add(d, sp) : f.div(f.one, f.add(d, f.div(f.one, sp)));
}

function deltaIn(order: Order, L: bigint, sp: bigint, to: bigint): bigint {
  return f.toU64(
    order === 'buy' ? f.mul(L, f.sub(to, sp)) : f.mul(L, f.sub(f.div(f.one, to), f.div(f.one, sp))),
  );
}

/** convert_deltas: the output of Δ input at √price sp and liquidity L. */
function deltaOut(order: Order, L: bigint, sp: bigint, delta: bigint): bigint {
  if (delta === 0n) return 0n;
  const d = f.int(delta);
  if (order === 'sell') return f.toU64(f.mul(d, f.mul(f.div(L, f.add(f.div(L, sp), d)), sp)));
  return f.toU64(f.mul(f.div(L, f.mul(f.add(f.mul(L, sp), d), sp)), d));
}

/** `closer(a, b)`: a is reached first moving in the order's direction. */
const closer = (order: Order, a: bigint, b: bigint) => (order === 'buy' ? a <= b : a >= b);

/**
 * One swap on a pool: `amount` τ (buy) or α (sell), stopped at `limitPriceRao` (rao per α). Pure: the
 * curve after the swap is in the result. Refusals: reserves below MIN_RESERVE or an output the reserve
 * cannot pay (E_INSUFFICIENT_LIQUIDITY), a price already at or past the limit (E_PRICE_LIMIT).
 */
export function swap(
  curve0: Curve,
  reserves: Reserves,
  order: Order,
  amount: bigint,
  limitPriceRao: bigint,
  opts: { dropFees?: boolean; simulate?: boolean } = {},
): SwapResult {
  const dropFees = opts.dropFees ?? false;
  if (curve0.mechanism !== 1)
    return { paidIn: amount, paidOut: amount, fee: 0n, limited: false, curve: curve0 };
  if (reserves.tao < MIN_RESERVE || reserves.alpha < MIN_RESERVE)
    reject('E_INSUFFICIENT_LIQUIDITY', `the pool's reserves are below ${MIN_RESERVE} rao`);
  const curve = initialize(curve0, reserves);
  const limit = limitSqrtPrice(limitPriceRao);
  const sp = curve.sqrtPrice;
  if (order === 'buy' ? sp >= limit : sp <= limit)
    reject('E_PRICE_LIMIT', `the pool's price ${priceRaoOf(sp)} is already past the limit ${limitPriceRao}`);
  const L = f.int(curve.liquidity);
  let fee = feeOf(curve, amount, dropFees);
  const possible = amount - fee;
  const target = targetSqrtPrice(order, L, sp, possible);
  const edge = order === 'buy' ? MAX_SQRT_PRICE : MIN_SQRT_PRICE;
  let final = target;
  let delta = possible;
  let limited = false;
  if (!(closer(order, target, limit) && closer(order, target, edge))) {
    if (!closer(order, limit, edge))
      reject('E_INSUFFICIENT_LIQUIDITY', "the swap would move the price past the pool's whole range");
    final = limit;
    delta = deltaIn(order, L, sp, limit);
    fee = feeOnDelta(curve, delta, dropFees);
    limited = true;
  }
  const out = deltaOut(order, L, sp, delta);
  const paidFrom = order === 'buy' ? reserves.alpha : reserves.tao;
  if (!opts.simulate && out > paidFrom)
    reject('E_INSUFFICIENT_LIQUIDITY', `the swap would pay ${out} rao from a reserve of ${paidFrom}`);
  return { paidIn: delta, paidOut: out, fee, limited, curve: { ...curve, sqrtPrice: final } };
}

/**
 * get_max_amount_add / _remove: the most input (fee included) that a limit price lets through, from a
 * swap of u64::MAX stopped at the limit. 0 when the price is already past it.
 */
export function maxAmountAt(curve: Curve, reserves: Reserves, order: Order, limitPriceRao: bigint): bigint {
  try {
    const r = swap(curve, reserves, order, MAX_U64, limitPriceRao, { simulate: true });
    const total = r.paidIn + r.fee;
    return bigMin(total, MAX_U64);
  } catch {
    return 0n;
  }
}

/**
 * adjust_protocol_liquidity after an emission injection: the protocol position's token amounts at the
 * current √price plus the injected τ and α give its new liquidity; L grows by the difference (never
 * shrinks); √price is unchanged.
 */
export function adjustLiquidity(curve: Curve, tao: bigint, alpha: bigint): Curve {
  if (!curve.initialized) return curve;
  const L = f.int(curve.protocolLiquidity);
  const sp = curve.sqrtPrice;
  const taoHeld = f.toU64(f.mul(L, f.sub(sp, MIN_SQRT_PRICE)));
  const alphaHeld = f.toU64(f.mul(L, f.sub(f.div(f.one, sp), f.div(f.one, MAX_SQRT_PRICE))));
  const next = isqrt((taoHeld + tao) * (alphaHeld + alpha));
  const grow = next > curve.protocolLiquidity ? next - curve.protocolLiquidity : 0n;
  return { ...curve, liquidity: curve.liquidity + grow, protocolLiquidity: next };
}
