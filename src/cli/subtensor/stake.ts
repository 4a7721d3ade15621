/**
 * `tao stake move | transfer` on a Subtensor chain (dynamic TAO): within a subnet no swap; across subnets
 * the plan of `tao stake swap` (stake-preview.ts crossSubnetPlan), swapStakeLimit for the same hotkey and a
 * refusal before signing for moveStake / transferStake, which have no limit in spec 300. The report's alpha
 * and τ are what the chain's StakeAdded / StakeRemoved events say. (`stake add | remove` go through the
 * chain seam: src/cli/stake-trade.ts.)
 */
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import { namingPoolRefusals } from '../../chain/subtensor/chain.js';
import { extrinsic } from '../../chain/subtensor/access.js';
import { alphaPrice, subnetExists } from '../../chain/subtensor/reads.js';
import { type Protection, stakeEvents, stakeOf } from '../../chain/subtensor/stake.js';
import { readPoolState } from '../../chain/subtensor/swap-estimate.js';
import { formatTao } from '../../core/amount.js';
import { rejectedError, usageError } from '../../core/errors.js';
import type { GlobalOptions } from '../context.js';
import type { TxFlags } from '../tx-flow.js';
import { runSubtensorTx, type SubtensorTxReport } from './tx.js';
import { type CrossSubnetPlan, crossSubnetPlan, priceText } from '../stake-preview.js';

export { namingPoolRefusals };

export { protectionOf } from '../../chain/subtensor/stake.js';

export async function requireSubnet(chain: SubtensorApi, netuid: number): Promise<void> {
  if (!(await subnetExists(chain.api, netuid)))
    throw rejectedError('E_UNKNOWN_SUBNET', `subnet ${netuid} does not exist on this chain`);
}

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
