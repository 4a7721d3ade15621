/**
 * The preview of a stake trade against a subnet pool, the same on every backend (tao's ledger and
 * Subtensor): price, expected output, pool fee, price after, slippage and the limit price, from the pool's
 * own arithmetic (src/dtao/swap.ts through swap-estimate.ts). Pure: a command reads the pool, calls these,
 * and signs its backend's call.
 */
import { limitDown, limitUp, type Protection, tolerancePercent } from '../chain/subtensor/stake.js';
import { milliPercentText, slippageMilli } from '../chain/subtensor/stake-quote.js';
import {
  estimateBuy,
  estimateSell,
  type PoolState,
  type SwapEstimate,
} from '../chain/subtensor/swap-estimate.js';
import { bigMin } from '../dtao/fixed.js';
import { type MovePool, maxAmountMove } from '../dtao/move.js';
import { formatTao } from '../core/amount.js';
import { rejectedError } from '../core/errors.js';

const RAO = 1_000_000_000n;

/** The fields a stake trade's report has on every backend (docs/cli.md). */
export interface TradeReportFields {
  netuid: number;
  hotkey: string;
  /** α staked (add) or unstaked (remove), as the chain says it happened. */
  alpha: string;
  /** τ that went in (add, swap fee included) or came out (remove). */
  tao: string;
  /** add: the α the preview expected out of the pool. */
  expected_alpha?: string;
  /** remove: the τ the preview expected out of the pool. */
  expected_tao?: string;
  /** The pool's spot price when previewed, τ per α. */
  price: string;
  /** null with --unsafe. */
  limit_price: string | null;
  tolerance: string | null;
  partial: boolean;
}

export const priceText = (rao: bigint) => `${formatTao(rao)} τ/α`;

/** 1 − received/paid at the spot price, as a percentage with 3 decimals (the pool's fee included). */
export const slippageText = (paidValue: bigint, receivedValue: bigint): string =>
  milliPercentText(slippageMilli(paidValue, receivedValue));

export const approx = (e: SwapEstimate) => (e.exact ? '' : '≈ ');

export function protectionLines(
  p: Protection,
  limit: bigint | undefined,
  side: 'ceiling' | 'floor',
): [string, string][] {
  if (!p.tolerance || limit === undefined)
    return [['price protection', 'OFF (--unsafe): executes at whatever price the pool has']];
  return [
    [
      'limit price',
      `${priceText(limit)} (${side}; tolerance ${tolerancePercent(p.tolerance)}, ${p.partial ? 'partial fill allowed' : 'fill or kill'})`,
    ],
  ];
}

/** A fill-or-kill trade the limit would stop is refused before signing (nothing is sent, no fee). */
export function refuseBeyondLimit(e: SwapEstimate, p: Protection, what: string): void {
  if (!p.tolerance || p.partial || !e.limited) return;
  throw rejectedError(
    'E_SLIPPAGE',
    `${what} would move the pool's price past the limit (tolerance ${tolerancePercent(p.tolerance)}): the chain would refuse it; nothing was sent`,
    'lower --amount, raise --tolerance, or pass --partial to fill what fits within the limit',
  );
}

export const ADD = {
  kind: 'StakeAdded',
  title: 'Add stake',
  verb: 'staking',
  units: ['τ', 'α'],
  outName: 'alpha',
  side: 'ceiling',
  limitOf: limitUp,
  estimate: estimateBuy,
} as const;
export const REMOVE = {
  kind: 'StakeRemoved',
  title: 'Remove stake',
  verb: 'unstaking',
  units: ['α', 'τ'],
  outName: 'τ',
  side: 'floor',
  limitOf: limitDown,
  estimate: estimateSell,
} as const;
export type TradeSide = typeof ADD | typeof REMOVE;

/** The trade's preview lines and the signer's free-balance change (apart from the fee). */
export function tradePreview(
  side: TradeSide,
  o: { hotkey: string; netuid: number; amountText: string; amount: bigint },
  price: bigint,
  e: SwapEstimate,
  p: Protection,
  limit: bigint | undefined,
): { details: [string, string][]; freeDelta: bigint; notes: string[] } {
  const [inUnit, outUnit] = side.units;
  const buying = side === ADD;
  // Both sides of the slippage in τ at the spot price.
  const [paid, received] = buying ? [e.used, (e.out * price) / RAO] : [(e.used * price) / RAO, e.out];
  return {
    details: [
      ['hotkey', o.hotkey],
      ['netuid', String(o.netuid)],
      [buying ? 'amount' : 'alpha', o.amountText],
      ['price', priceText(price)],
      [
        `expected ${side.outName} out`,
        `${approx(e)}${formatTao(e.out)} ${outUnit}${e.limited ? ` (partial: ${formatTao(e.used)} ${inUnit} fits within the limit)` : ''}`,
      ],
      ['pool fee', `${approx(e)}${formatTao(e.fee)} ${inUnit}`],
      ['price after', `${approx(e)}${priceText(e.priceAfter)}`],
      ['slippage', `${approx(e)}${slippageText(paid, received)} (pool fee included)`],
      ...protectionLines(p, limit, side.side),
    ],
    freeDelta: buying ? -o.amount : e.out,
    notes: e.exact ? [] : ['the expected output is an estimate; the limit price is what protects this trade'],
  };
}

/** What get_max_amount_move reads of a pool, from the state the estimates read. */
const movePoolOf = (s: PoolState): MovePool => ({
  netuid: s.netuid,
  curve: {
    mechanism: s.mechanism,
    initialized: s.initialized,
    sqrtPrice: s.sqrtPrice,
    liquidity: s.liquidity,
    protocolLiquidity: s.liquidity,
    feeRate: s.feeRate,
  },
  reserves: s.reserves ?? { tao: 0n, alpha: 0n },
});

/** A move of α across subnets, planned: what the preview says and what the call carries. */
export interface CrossSubnetPlan {
  details: [string, string][];
  /** origin price / destination price × 10^9, from the spot prices. */
  ratio: bigint;
  /** The floor on that ratio (price × (1 − tolerance)); undefined with --unsafe. */
  limit?: bigint;
  /** α that will move: the amount, or with --partial what the limit lets through. */
  moved: bigint;
  /** α expected at the destination, and the τ the origin pool's sale gives. */
  expected: bigint;
  tao: bigint;
}

/**
 * A move across subnets, the same on both backends: the runtime sells the α on the origin pool without its
 * fee and buys into the destination pool with the τ (its fee paid). The limit is a floor on origin price /
 * destination price; the most α it lets through is get_max_amount_move (src/dtao/move.ts). A fill-or-kill
 * amount over it, or a ratio already under the limit, is refused here before anything is signed.
 */
export function crossSubnetPlan(
  amount: bigint,
  pools: { origin: PoolState; dest: PoolState },
  prices: { origin: bigint; dest: bigint },
  p: Protection,
): CrossSubnetPlan {
  const ratio = prices.dest === 0n ? 0n : (prices.origin * RAO) / prices.dest;
  const limit = p.tolerance ? limitDown(ratio, p.tolerance) : undefined;
  let moved = amount;
  if (limit !== undefined && p.tolerance) {
    const max = maxAmountMove(movePoolOf(pools.origin), movePoolOf(pools.dest), limit);
    if (max === 0n || (!p.partial && amount > max))
      throw rejectedError(
        'E_SLIPPAGE',
        `moving ${formatTao(amount)} α would push the price ratio past the limit (tolerance ${tolerancePercent(p.tolerance)}; at most ${formatTao(max)} α fits): the chain would refuse it; nothing was sent`,
        'lower --amount, raise --tolerance, or pass --partial to move what fits within the limit',
      );
    moved = bigMin(amount, max);
  }
  const sold = estimateSell({ ...pools.origin, feeRate: 0n }, moved);
  const bought = estimateBuy(pools.dest, sold.out);
  const e = bought.exact && sold.exact ? bought : { ...bought, exact: false };
  return {
    ratio,
    moved,
    expected: bought.out,
    tao: sold.out,
    ...(limit === undefined ? {} : { limit }),
    details: [
      ['price', `${priceText(prices.origin)} → ${priceText(prices.dest)} (ratio ${formatTao(ratio)})`],
      [
        'expected alpha out',
        `${approx(e)}${formatTao(bought.out)} α (via ${approx(e)}${formatTao(sold.out)} τ)${moved < amount ? ` (partial: ${formatTao(moved)} α fits within the limit)` : ''}`,
      ],
      ['pool fee', `${approx(e)}${formatTao(bought.fee)} τ (destination pool)`],
      [
        'slippage',
        `${approx(e)}${slippageText((moved * prices.origin) / RAO, (bought.out * prices.dest) / RAO)} (pool fee included)`,
      ],
      limit === undefined || !p.tolerance
        ? ['price protection', 'OFF (--unsafe): executes at whatever prices the pools have']
        : [
            'limit ratio',
            `${formatTao(limit)} (floor on origin/destination price; tolerance ${tolerancePercent(p.tolerance)}, ${p.partial ? 'partial fill allowed' : 'fill or kill'})`,
          ],
    ],
  };
}
