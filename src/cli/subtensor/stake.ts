/**
 * `tao stake add | remove | move | transfer` on a Subtensor chain (dynamic TAO), with price protection on by
 * default: the preview shows the pool's price, the expected output (swap-estimate.ts), the slippage and the
 * limit price; the protected calls (addStakeLimit, removeStakeLimit, removeStakeFullLimit, swapStakeLimit)
 * carry price × (1 ± tolerance). `--unsafe` sends the plain calls. The report's alpha and τ are what the
 * chain's StakeAdded / StakeRemoved events say.
 */
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import type { Extrinsic } from '../../chain/subtensor/submit.js';
import { extrinsic } from '../../chain/subtensor/access.js';
import { alphaPrice, subnetExists } from '../../chain/subtensor/reads.js';
import { namePoolRefusal } from '../../chain/subtensor/stake-quote.js';
import { type Protection, stakeEvents, stakeOf } from '../../chain/subtensor/stake.js';
import { readPoolState } from '../../chain/subtensor/swap-estimate.js';
import { formatTao } from '../../core/amount.js';
import { rejectedError, usageError } from '../../core/errors.js';
import type { GlobalOptions } from '../context.js';
import type { TxFlags } from '../tx-flow.js';
import { runSubtensorTx, type SubtensorTxContext, type SubtensorTxReport } from './tx.js';
import {
  ADD,
  type CrossSubnetPlan,
  crossSubnetPlan,
  priceText,
  REMOVE,
  refuseBeyondLimit,
  type TradeReportFields,
  type TradeSide,
  tradePreview,
} from '../stake-preview.js';

/**
 * Subtensor checks stake calls before they enter a block (its transaction extension): a limit the price
 * has already passed is refused as `invalid {custom: 14}`, with no fee. Name it like a dispatch error.
 */
export async function namingPoolRefusals<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw (
      namePoolRefusal(error, {
        seen: 'preview',
        retry: 'run it again to preview at the new price, or raise --tolerance',
      }) ?? error
    );
  }
}

export { protectionOf } from '../../chain/subtensor/stake.js';

/** The report of a trade on Subtensor: alpha and τ are what the chain's StakeAdded / StakeRemoved say. */
export interface StakeTxReport extends SubtensorTxReport, TradeReportFields {
  /** The pool's swap fee from the event (τ for add, alpha for remove). */
  swap_fee: string;
}

export async function requireSubnet(chain: SubtensorApi, netuid: number): Promise<void> {
  if (!(await subnetExists(chain.api, netuid)))
    throw rejectedError('E_UNKNOWN_SUBNET', `subnet ${netuid} does not exist on this chain`);
}

export interface SubtensorStakeOptions {
  flags: TxFlags;
  netuid: number;
  hotkey: string;
  /** rao (add) or alpha units (remove); undefined = --all. */
  amount?: bigint;
  protection: Protection;
}

/** What differs between buying alpha (add) and selling it (remove); the rest of the trade is shared. */
interface TradeLeg {
  /** The amount in the input's units (τ for add, alpha for remove) and its preview line. */
  amount: bigint;
  amountText: string;
  extrinsic: () => Extrinsic;
}

/** addStake / addStakeLimit of `amount` τ; --all stakes the free balance less the fee and existential deposit. */
async function addLeg(
  chain: SubtensorApi,
  o: SubtensorStakeOptions,
  limit: bigint | undefined,
  { free, signer }: SubtensorTxContext,
): Promise<TradeLeg> {
  const { api } = chain;
  const p = o.protection;
  const build = (a: bigint) => () =>
    limit === undefined
      ? extrinsic(api, 'subtensorModule', 'addStake')(o.hotkey, o.netuid, a)
      : extrinsic(api, 'subtensorModule', 'addStakeLimit')(o.hotkey, o.netuid, a, limit, p.partial);
  if (o.amount !== undefined)
    return { amount: o.amount, amountText: `${formatTao(o.amount)} τ`, extrinsic: build(o.amount) };
  const { estimateFee } = await import('../../chain/subtensor/submit.js');
  const fee = await estimateFee(build(free)(), signer.address);
  const ed = BigInt(api.consts.balances?.existentialDeposit?.toString() ?? '0');
  const amount = free - fee - ed;
  if (amount <= 0n)
    throw rejectedError(
      'E_INSUFFICIENT_BALANCE',
      `nothing to stake: free balance ${formatTao(free)} τ does not cover the fee ${formatTao(fee)} τ and the existential deposit ${formatTao(ed)} τ`,
    );
  return {
    amount,
    amountText: `${formatTao(amount)} τ (all but the fee and existential deposit)`,
    extrinsic: build(amount),
  };
}

/** removeStake / removeStakeLimit of `amount` alpha; --all is removeStakeFullLimit of everything held. */
async function removeLeg(
  chain: SubtensorApi,
  o: SubtensorStakeOptions,
  limit: bigint | undefined,
  { signer }: SubtensorTxContext,
): Promise<TradeLeg> {
  const { api } = chain;
  const p = o.protection;
  const held = await stakeOf(api, o.hotkey, signer.address, o.netuid);
  const all = o.amount === undefined;
  const amount = o.amount ?? held;
  if (held === 0n || amount > held)
    throw rejectedError(
      'E_INSUFFICIENT_STAKE',
      `${signer.address} has ${formatTao(held)} α on hotkey ${o.hotkey} in subnet ${o.netuid}${all ? '' : `, less than ${formatTao(amount)} α`}: nothing was sent`,
    );
  const call = all
    ? () => extrinsic(api, 'subtensorModule', 'removeStakeFullLimit')(o.hotkey, o.netuid, limit ?? null)
    : limit === undefined
      ? () => extrinsic(api, 'subtensorModule', 'removeStake')(o.hotkey, o.netuid, amount)
      : () =>
          extrinsic(api, 'subtensorModule', 'removeStakeLimit')(o.hotkey, o.netuid, amount, limit, p.partial);
  return {
    amount,
    amountText: `${formatTao(amount)} α${all ? ' (all)' : ''} of ${formatTao(held)} α held`,
    extrinsic: call,
  };
}

/**
 * One stake trade against a subnet's pool: price and pool read once, the limit from the tolerance, the
 * expected output from the pool's own arithmetic, refused before signing when it already passes the limit;
 * the report pairs that expectation with what the chain's event says happened.
 */
async function subtensorStakeTrade(
  globals: GlobalOptions,
  chain: SubtensorApi,
  o: SubtensorStakeOptions,
  side: TradeSide,
): Promise<StakeTxReport> {
  await requireSubnet(chain, o.netuid);
  const p = o.protection;
  const { api } = chain;
  const price = await alphaPrice(api, o.netuid);
  const pool = await readPoolState(api, o.netuid);
  const limit = p.tolerance ? side.limitOf(price, p.tolerance) : undefined;
  const [inUnit] = side.units;
  const buying = side === ADD;
  let expected = 0n;
  const { inclusion, report } = await namingPoolRefusals(() =>
    runSubtensorTx(globals, chain, {
      role: 'coldkey',
      flags: o.flags,
      build: async (ctx) => {
        const leg = await (buying ? addLeg : removeLeg)(chain, o, limit, ctx);
        const e = side.estimate(pool, leg.amount, limit);
        refuseBeyondLimit(e, p, `${side.verb} ${formatTao(leg.amount)} ${inUnit}`);
        expected = e.out;
        return {
          title: `${side.title} on subnet ${o.netuid}`,
          extrinsic: leg.extrinsic,
          ...tradePreview(side, { ...o, amountText: leg.amountText, amount: leg.amount }, price, e, p, limit),
        };
      },
    }),
  );
  const ev = stakeEvents(inclusion).find((s) => s.kind === side.kind);
  return {
    ...report,
    netuid: o.netuid,
    hotkey: o.hotkey,
    alpha: formatTao(ev?.alpha ?? 0n),
    tao: formatTao(ev?.tao ?? 0n),
    ...(buying ? { expected_alpha: formatTao(expected) } : { expected_tao: formatTao(expected) }),
    price: formatTao(price),
    limit_price: limit === undefined ? null : formatTao(limit),
    tolerance: p.tolerance?.text ?? null,
    partial: p.partial,
    swap_fee: formatTao(ev?.fee ?? 0n),
  };
}

export const subtensorStakeAdd = (globals: GlobalOptions, chain: SubtensorApi, o: SubtensorStakeOptions) =>
  subtensorStakeTrade(globals, chain, o, ADD);

export const subtensorStakeRemove = (globals: GlobalOptions, chain: SubtensorApi, o: SubtensorStakeOptions) =>
  subtensorStakeTrade(globals, chain, o, REMOVE);

export interface StakeMoveOptions {
  flags: TxFlags;
  kind: 'move' | 'transfer';
  netuid: number;
  destNetuid: number;
  hotkey: string;
  destHotkey: string;
  /** transfer: the destination coldkey. */
  destColdkey?: string;
  amount: bigint;
  protection: Protection;
}

export interface StakeMoveReport extends SubtensorTxReport {
  netuid: number;
  dest_netuid: number;
  hotkey: string;
  dest_hotkey: string;
  dest_coldkey?: string;
  /** Alpha taken from the origin (StakeRemoved). */
  alpha: string;
  /** Alpha credited at the destination (StakeAdded). */
  alpha_received: string;
  /** What the preview expected to be credited (o.amount within one subnet). */
  expected_alpha_received: string;
  /** τ the move went through (StakeRemoved's τ; the spot-price equivalent within one subnet). */
  tao: string;
  price: string;
  /** Across subnets the floor on origin/destination price: carried by swapStakeLimit, checked before signing otherwise. */
  limit_price: string | null;
  tolerance: string | null;
  partial: boolean;
}

/** `tao stake move` / `tao stake transfer`. */
export async function subtensorStakeMove(
  globals: GlobalOptions,
  chain: SubtensorApi,
  o: StakeMoveOptions,
): Promise<StakeMoveReport> {
  const { api } = chain;
  await requireSubnet(chain, o.netuid);
  if (o.destNetuid !== o.netuid) await requireSubnet(chain, o.destNetuid);
  const crossSubnet = o.destNetuid !== o.netuid;
  const sameKeys = o.kind === 'move' && o.destHotkey === o.hotkey;
  if (sameKeys && !crossSubnet)
    throw usageError(
      'E_USAGE',
      'nothing to move: give --dest-hotkey and/or --dest-netuid different from the origin',
    );
  const p = o.protection;
  const [price, destPrice] = await Promise.all([alphaPrice(api, o.netuid), alphaPrice(api, o.destNetuid)]);
  const [origin, dest] = crossSubnet
    ? await Promise.all([readPoolState(api, o.netuid), readPoolState(api, o.destNetuid)])
    : [undefined, undefined];
  let plan: CrossSubnetPlan | undefined;
  const { inclusion, report } = await namingPoolRefusals(() =>
    runSubtensorTx(globals, chain, {
      role: 'coldkey',
      flags: o.flags,
      build: async ({ signer }) => {
        const held = await stakeOf(api, o.hotkey, signer.address, o.netuid);
        if (o.amount > held)
          throw rejectedError(
            'E_INSUFFICIENT_STAKE',
            `${signer.address} has ${formatTao(held)} α on hotkey ${o.hotkey} in subnet ${o.netuid}, less than ${formatTao(o.amount)} α: nothing was sent`,
          );
        const details: [string, string][] = [
          ['from', `hotkey ${o.hotkey}, subnet ${o.netuid}`],
          [
            'to',
            `${o.destColdkey ? `coldkey ${o.destColdkey}, ` : ''}hotkey ${o.destHotkey}, subnet ${o.destNetuid}`,
          ],
          ['alpha', `${formatTao(o.amount)} α of ${formatTao(held)} α held`],
        ];
        const notes: string[] = [];
        if (!crossSubnet || !origin || !dest) {
          details.push(['price', `${priceText(price)} (within one subnet: no swap, no price impact)`]);
        } else {
          // The plan of tao stake swap and the ledger: a ratio past the limit is refused here, unsigned.
          plan = crossSubnetPlan(o.amount, { origin, dest }, { origin: price, dest: destPrice }, p);
          details.push(...plan.details);
          if (!sameKeys && plan.limit !== undefined)
            notes.push(
              `this runtime's ${o.kind === 'move' ? 'moveStake' : 'transferStake'} carries no limit price: the limit was checked against the pools as read now, before signing; a trade included first can still move the price`,
            );
        }
        const limit = sameKeys ? plan?.limit : undefined;
        // Without a limit in the call, --partial is applied here: what fits within the limit is sent.
        const amount = plan === undefined || sameKeys ? o.amount : plan.moved;
        const call =
          crossSubnet && sameKeys
            ? limit !== undefined
              ? () =>
                  extrinsic(api, 'subtensorModule', 'swapStakeLimit')(
                    o.hotkey,
                    o.netuid,
                    o.destNetuid,
                    amount,
                    limit,
                    p.partial,
                  )
              : () => extrinsic(api, 'subtensorModule', 'swapStake')(o.hotkey, o.netuid, o.destNetuid, amount)
            : o.kind === 'transfer'
              ? () =>
                  extrinsic(api, 'subtensorModule', 'transferStake')(
                    o.destColdkey,
                    o.hotkey,
                    o.netuid,
                    o.destNetuid,
                    amount,
                  )
              : () =>
                  extrinsic(api, 'subtensorModule', 'moveStake')(
                    o.hotkey,
                    o.destHotkey,
                    o.netuid,
                    o.destNetuid,
                    amount,
                  );
        return {
          title: o.kind === 'transfer' ? 'Transfer stake to another coldkey' : 'Move stake',
          extrinsic: call,
          details,
          freeDelta: 0n,
          notes,
        };
      },
    }),
  );
  const events = stakeEvents(inclusion);
  const removed = events.find((e) => e.kind === 'StakeRemoved');
  const added = events.find((e) => e.kind === 'StakeAdded');
  return {
    ...report,
    netuid: o.netuid,
    dest_netuid: o.destNetuid,
    hotkey: o.hotkey,
    dest_hotkey: o.destHotkey,
    ...(o.destColdkey ? { dest_coldkey: o.destColdkey } : {}),
    alpha: formatTao(removed?.alpha ?? 0n),
    alpha_received: formatTao(added?.alpha ?? 0n),
    tao: formatTao(removed?.tao ?? 0n),
    expected_alpha_received: formatTao(plan?.expected ?? (crossSubnet ? 0n : o.amount)),
    price: formatTao(price),
    limit_price: plan?.limit === undefined ? null : formatTao(plan.limit),
    tolerance: plan?.limit === undefined ? null : (p.tolerance?.text ?? null),
    partial: plan?.limit === undefined ? false : p.partial,
  };
}
