/**
 * What a transfer / stake / unstake dialog signs on a Subtensor chain, computed from facts read just before
 * the review (free balance, the chain's fee estimate, the existential deposit, the pool and its price, the
 * alpha held): the review's lines, the call to sign, or why it cannot go through. Pure and exact: transfers
 * keep the sender alive, stakes are price-protected as `tao stake add|remove` protects them (addStakeLimit /
 * removeStakeLimit at price × (1 ± tolerance), fill or kill, or a partial fill of what fits within the
 * limit with --partial; the plain addStake / removeStake with --unsafe). tao's ledger plans its stakes into
 * subnet pools (netuid ≥ 1) the same way and signs them as its add_stake / remove_stake with netuid,
 * limit_price and allow_partial, or neither when unprotected (ledgerStakeCall).
 */
import { hotkeyDestinationWarning } from '../../chain/hotkey-warning.js';
import { formatTao } from '../../core/amount.js';
import { milliPercentText, quoteStake } from '../../chain/subtensor/stake-quote.js';
import { type Tolerance, tolerancePercent } from '../../chain/subtensor/stake.js';
import type { PoolState } from '../../chain/subtensor/swap-estimate.js';
import type { Call } from '../../client/types.js';
import type { TxRequest } from './tx-plan.js';

/** What the dialog asked for on a Subtensor chain. `amount` is τ rao (transfer, stake add) or alpha (unstake). */
export interface ChainTxRequest extends TxRequest {
  /** Stake only. */
  netuid?: number;
  /** Stake: the limit price's tolerance; ignored when `unsafe`. */
  tolerance?: Tolerance;
  /** Stake: fill what fits within the limit instead of refusing the whole (`--partial`). */
  partial?: boolean;
  /** Stake: no price protection, the plain call without a limit (`--unsafe`). */
  unsafe?: boolean;
}

/** The extrinsic a plan signs, rebuilt from these arguments (also for a resubmission). */
export type ChainCall =
  | { pallet: 'balances'; call: 'transferKeepAlive'; args: [dest: string, amount: bigint] }
  | {
      pallet: 'subtensorModule';
      call: 'addStakeLimit' | 'removeStakeLimit';
      args: [hotkey: string, netuid: number, amount: bigint, limit: bigint, partial: boolean];
    }
  | {
      pallet: 'subtensorModule';
      call: 'addStake' | 'removeStake';
      args: [hotkey: string, netuid: number, amount: bigint];
    };

/** Chain state the plan is computed from. */
export interface ChainFacts {
  free: bigint;
  /** The chain's own fee estimate for the call (paymentInfo). */
  fee: bigint;
  existentialDeposit: bigint;
  /** Stake: the pool and its spot price (rao per alpha). */
  pool?: PoolState;
  price?: bigint;
  /** Unstake: alpha the coldkey holds on (hotkey, netuid). */
  held?: bigint;
  /** Transfer: the coldkey owning the destination when it is a registered hotkey. */
  hotkeyOwner?: string;
  /** Where the fee comes from, after the amount on the fee line (default "chain estimate"). */
  feeSource?: string;
}

/** The request as it will be signed, with the chain's fee and the review's lines. */
export interface ChainTxPlan extends TxRequest {
  fee: bigint;
  call: ChainCall;
  /** The review after from / to, label and value. */
  lines: [string, string][];
  /** The first review lines repeated next to the outcome. */
  summary: [string, string][];
}

const tau = (rao: bigint) => `${formatTao(rao)} τ`;
const alpha = (units: bigint) => `${formatTao(units)} α`;
const perAlpha = (rao: bigint) => `${formatTao(rao)} τ/α`;

/** The warning `tao wallet transfer` gives when the destination is a hotkey (its owner's words). */
const hotkeyWarning = (to: string, owner: string | undefined): [string, string][] =>
  owner ? [['warning', hotkeyDestinationWarning(to, owner)]] : [];

/**
 * The plan, or the reason it stops before the review (nothing is signed either way). The fee estimate needs
 * the call, so a caller plans once with fee 0, prices `plan.call`, and plans again with that fee.
 */
export function planChainTx(
  request: ChainTxRequest,
  facts: ChainFacts,
): { plan: ChainTxPlan } | { problem: string } {
  const { free, fee, existentialDeposit: ed } = facts;
  const base = { kind: request.kind, from: request.from, to: request.to, amount: request.amount, fee };
  const feeLine: [string, string] = ['fee', `${tau(fee)} (${facts.feeSource ?? 'chain estimate'})`];
  const keepAlive = (spend: bigint, what: string): string | null => {
    if (spend + fee > free) return `insufficient balance: ${what} + fee ${tau(fee)} > free ${tau(free)}`;
    if (free - spend - fee < ed)
      return `keep-alive: ${what} + fee ${tau(fee)} would leave ${tau(free - spend - fee)}, below the existential deposit ${tau(ed)}`;
    return null;
  };

  if (request.kind === 'transfer') {
    const problem = keepAlive(request.amount, tau(request.amount));
    if (problem) return { problem };
    const after = free - request.amount - fee;
    const amountLine: [string, string] = ['amount', tau(request.amount)];
    return {
      plan: {
        ...base,
        call: { pallet: 'balances', call: 'transferKeepAlive', args: [request.to, request.amount] },
        lines: [
          amountLine,
          feeLine,
          ['free after', `${tau(after)} (now ${tau(free)})`],
          ['keep-alive', `yes: the existential deposit ${tau(ed)} stays`],
          ...hotkeyWarning(request.to, facts.hotkeyOwner),
        ],
        summary: [amountLine],
      },
    };
  }

  const { pool, price } = facts;
  const unsafe = request.unsafe === true;
  const tolerance = unsafe ? undefined : request.tolerance;
  const partial = !unsafe && request.partial === true;
  if (!pool || price === undefined || (!tolerance && !unsafe) || request.netuid === undefined)
    return { problem: 'the subnet pool, its price or the tolerance is not known' };
  const netuid = request.netuid;
  const side = request.kind === 'stake-add' ? 'add' : 'remove';
  if (side === 'remove') {
    const held = facts.held ?? 0n;
    if (request.amount > held)
      return {
        problem: `cannot unstake ${alpha(request.amount)}: only ${alpha(held)} staked on that hotkey in subnet ${netuid}`,
      };
  }
  const q = quoteStake(side, pool, price, request.amount, tolerance);
  if (q.beyondLimit && tolerance && !partial)
    return {
      problem: `${side === 'add' ? `staking ${tau(request.amount)}` : `unstaking ${alpha(request.amount)}`} would move the price past the limit (tolerance ${tolerancePercent(tolerance)}): the chain would refuse it; lower the amount, raise the tolerance or allow a partial fill`,
    };
  const approx = q.estimate.exact ? '' : '≈ ';
  let after: bigint;
  if (side === 'add') {
    const problem = keepAlive(request.amount, tau(request.amount));
    if (problem) return { problem };
    // a partial fill spends only what fits within the limit; the rest stays free
    after = free - q.estimate.used - fee;
  } else {
    if (fee > free) return { problem: `the fee ${tau(fee)} exceeds the free balance ${tau(free)}` };
    after = free + q.estimate.out - fee;
  }
  const amountLine: [string, string] =
    side === 'add'
      ? ['amount', tau(request.amount)]
      : ['alpha', `${alpha(request.amount)} of ${alpha(facts.held ?? 0n)} held`];
  const [unit, inUnit] = side === 'add' ? ['α', 'τ'] : ['τ', 'α'];
  const call: ChainCall =
    q.limit === undefined
      ? {
          pallet: 'subtensorModule',
          call: side === 'add' ? 'addStake' : 'removeStake',
          args: [request.to, netuid, request.amount],
        }
      : {
          pallet: 'subtensorModule',
          call: side === 'add' ? 'addStakeLimit' : 'removeStakeLimit',
          args: [request.to, netuid, request.amount, q.limit, partial],
        };
  const fits = q.beyondLimit
    ? ` (partial: ${formatTao(q.estimate.used)} ${inUnit} fits within the limit)`
    : '';
  const protection: [string, string][] =
    q.limit === undefined || !tolerance
      ? [['protection', 'OFF: no limit price, executes at whatever price the pool has']]
      : [
          ['limit price', `${perAlpha(q.limit)} (${side === 'add' ? 'ceiling' : 'floor'})`],
          [
            'tolerance',
            `${tolerance.text} (${tolerancePercent(tolerance)}), ${partial ? 'partial fill allowed' : 'fill or kill'}`,
          ],
        ];
  return {
    plan: {
      ...base,
      call,
      lines: [
        ['netuid', String(netuid)],
        amountLine,
        ['price', perAlpha(price)],
        [`expected ${unit} out`, `${approx}${formatTao(q.estimate.out)} ${unit}${fits}`],
        ['slippage', `${approx}${milliPercentText(q.slippageMilli)} (pool fee included)`],
        ...protection,
        feeLine,
        ['free after', `${approx}${tau(after)} (now ${tau(free)})`],
      ],
      summary: [['netuid', String(netuid)], amountLine],
    },
  };
}

/**
 * A planned stake as tao's ledger signs it: add_stake / remove_stake with netuid, and the limit price and
 * allow_partial of a protected one (none for an unprotected one).
 */
export function ledgerStakeCall(call: ChainCall): Call {
  if (call.pallet !== 'subtensorModule') throw new Error(`not a stake: ${call.pallet}.${call.call}`);
  const type = call.call === 'addStakeLimit' || call.call === 'addStake' ? 'add_stake' : 'remove_stake';
  const [hotkey, netuid, amount, limit, partial] = call.args;
  const base = { type, hotkey, netuid, amount: amount.toString() } as const;
  return limit === undefined ? base : { ...base, limit_price: limit.toString(), allow_partial: partial };
}
