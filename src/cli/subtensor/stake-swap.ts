/**
 * `tao stake swap` on a Subtensor chain: swapStakeLimit(hotkey, origin, destination, alpha, limit_price,
 * allow_partial) with the floor on origin price / destination price, or swapStake with --unsafe. The plan
 * and preview are the ledger's (stake-preview.ts crossSubnetPlan) on the pools read from the chain; the α
 * and τ of the report are the runtime's StakeRemoved (origin) and StakeAdded (destination) events.
 */
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import { extrinsic } from '../../chain/subtensor/access.js';
import { alphaPrice } from '../../chain/subtensor/reads.js';
import { stakeEvents, stakeOf } from '../../chain/subtensor/stake.js';
import { readPoolState } from '../../chain/subtensor/swap-estimate.js';
import type { GlobalOptions } from '../context.js';
import { type CrossSubnetPlan, crossSubnetPlan } from '../stake-preview.js';
import { type StakeSwapFields, type StakeSwapOptions, swapAmount, swapFields } from '../stake-swap.js';
import { namingPoolRefusals, requireSubnet } from './stake.js';
import { runSubtensorTx, type SubtensorTxReport } from './tx.js';

export async function subtensorStakeSwap(
  globals: GlobalOptions,
  chain: SubtensorApi,
  o: StakeSwapOptions,
): Promise<SubtensorTxReport & StakeSwapFields> {
  const { api } = chain;
  await requireSubnet(chain, o.netuid);
  await requireSubnet(chain, o.destNetuid);
  const p = o.protection;
  const [originPrice, destPrice, origin, dest] = await Promise.all([
    alphaPrice(api, o.netuid),
    alphaPrice(api, o.destNetuid),
    readPoolState(api, o.netuid),
    readPoolState(api, o.destNetuid),
  ]);
  const prices = { origin: originPrice, dest: destPrice };
  let plan: CrossSubnetPlan | undefined;
  const { inclusion, report } = await namingPoolRefusals(() =>
    runSubtensorTx(globals, chain, {
      role: 'coldkey',
      flags: o.flags,
      build: async ({ signer }) => {
        const held = await stakeOf(api, o.hotkey, signer.address, o.netuid);
        const { amount, details } = swapAmount(o, signer.address, held);
        const planned = crossSubnetPlan(amount, { origin, dest }, prices, p);
        plan = planned;
        const limit = planned.limit;
        return {
          title: `Swap stake from subnet ${o.netuid} to subnet ${o.destNetuid}`,
          extrinsic:
            limit === undefined
              ? () => extrinsic(api, 'subtensorModule', 'swapStake')(o.hotkey, o.netuid, o.destNetuid, amount)
              : () =>
                  extrinsic(api, 'subtensorModule', 'swapStakeLimit')(
                    o.hotkey,
                    o.netuid,
                    o.destNetuid,
                    amount,
                    limit,
                    p.partial,
                  ),
          details: [...details, ...planned.details],
          freeDelta: 0n,
          notes: [],
        };
      },
    }),
  );
  const events = stakeEvents(inclusion);
  const removed = events.find((e) => e.kind === 'StakeRemoved');
  const added = events.find((e) => e.kind === 'StakeAdded');
  return {
    ...report,
    ...swapFields(o, plan, prices, {
      alpha: removed?.alpha ?? 0n,
      received: added?.alpha ?? 0n,
      tao: removed?.tao ?? 0n,
    }),
  };
}
