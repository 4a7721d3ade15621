/**
 * A protected stake's quote, pure: the limit price from the spot price and the tolerance, the pool's
 * expected output at that limit (swap-estimate.ts), the slippage against the spot price, and whether the
 * chain would refuse it (the price would pass the limit). Also names the runtime's pool-validity refusals
 * (CustomTransactionError) the way dispatch errors are named. Exact bigint arithmetic throughout.
 */
import { rejectedError, TaoError } from '../../core/errors.js';
import { limitDown, limitUp, type Tolerance } from './stake.js';
import { estimateBuy, estimateSell, type PoolState, type SwapEstimate } from './swap-estimate.js';

const RAO = 1_000_000_000n;

export interface StakeQuote {
  side: 'add' | 'remove';
  /** Spot price, rao of τ per whole alpha. */
  price: bigint;
  /** Ceiling (add) or floor (remove), rao per alpha; undefined without price protection. */
  limit: bigint | undefined;
  estimate: SwapEstimate;
  /** 1 − received/paid at the spot price, in thousandths of a percent (pool fee included). */
  slippageMilli: bigint;
  /** The whole amount cannot fill within the limit: a fill-or-kill call would be refused. */
  beyondLimit: boolean;
}

/** 1 − received/paid, in thousandths of a percent (0.5 % = 500), rounded down; 0 when nothing is lost. */
export function slippageMilli(paidValue: bigint, receivedValue: bigint): bigint {
  if (paidValue <= 0n || receivedValue >= paidValue) return 0n;
  return ((paidValue - receivedValue) * 100_000n) / paidValue;
}

/** 500n → "0.500 %". */
export const milliPercentText = (milli: bigint): string =>
  `${milli / 1000n}.${(milli % 1000n).toString().padStart(3, '0')} %`;

/**
 * τ in → alpha out (add) or alpha in → τ out (remove) at `price` with the limit `price × (1 ± tolerance)`
 * (the console's dialogs: fill or kill unless they allow a partial fill); no tolerance = no limit (unsafe).
 */
export function quoteStake(
  side: 'add' | 'remove',
  pool: PoolState,
  price: bigint,
  amount: bigint,
  tolerance: Tolerance | undefined,
): StakeQuote {
  const limit =
    tolerance === undefined
      ? undefined
      : side === 'add'
        ? limitUp(price, tolerance)
        : limitDown(price, tolerance);
  const estimate = side === 'add' ? estimateBuy(pool, amount, limit) : estimateSell(pool, amount, limit);
  const slippage =
    side === 'add'
      ? slippageMilli(estimate.used, (estimate.out * price) / RAO)
      : slippageMilli((estimate.used * price) / RAO, estimate.out);
  return { side, price, limit, estimate, slippageMilli: slippage, beyondLimit: estimate.limited };
}

/** The runtime's CustomTransactionError codes (pallets/subtensor/src/lib.rs): its pool-validity refusals. */
export const CUSTOM_TX_ERRORS: Readonly<Record<number, string>> = {
  0: 'ColdkeyInSwapSchedule',
  1: 'StakeAmountTooLow',
  2: 'BalanceTooLow',
  3: 'SubnetDoesntExist',
  4: 'HotkeyAccountDoesntExist',
  5: 'NotEnoughStakeToWithdraw',
  6: 'RateLimitExceeded',
  7: 'InsufficientLiquidity',
  8: 'SlippageTooHigh',
  9: 'TransferDisallowed',
  10: 'HotKeyNotRegisteredInNetwork',
  14: 'ZeroMaxAmount',
  255: 'BadRequest',
};

/** How a refusal speaks of the step the operator saw the price in, and what to do next: console by default. */
export interface RefusalWords {
  seen: string;
  retry: string;
}

const CONSOLE_WORDS: RefusalWords = {
  seen: 'review',
  retry: 'review it again at the new price, or raise the tolerance',
};

/**
 * A submit error whose text carries `{"custom":N}` (the pool refused the stake call before any block,
 * no fee) as `SubtensorModule.<Name> (CustomTransactionError N): …`, E_TX_INVALID exit 5; null otherwise.
 */
export function namePoolRefusal(error: unknown, words: RefusalWords = CONSOLE_WORDS): TaoError | null {
  const m = error instanceof TaoError ? /"custom\\?"?:(\d+)/.exec(error.message) : null;
  const name = m ? CUSTOM_TX_ERRORS[Number(m[1])] : undefined;
  if (!m || !name) return null;
  const moved = name === 'ZeroMaxAmount' || name === 'SlippageTooHigh';
  return rejectedError(
    'E_TX_INVALID',
    `SubtensorModule.${name} (CustomTransactionError ${m[1]})${moved ? `: the pool price is already past the limit price (it moved since the ${words.seen})` : ''}; refused before inclusion, no fee charged`,
    moved ? words.retry : undefined,
  );
}
