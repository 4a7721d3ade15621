/**
 * `tao stake swap` on tao's ledger: swap_stake with limit_price (the floor on origin price / destination
 * price) and allow_partial, or without a limit for --unsafe. The pools are read from subnet_list and planned
 * with the ledger's own arithmetic (exact while no other transaction moves them first); the α taken and
 * credited are the swaps the ledger recorded under the transaction in its block (chain_block), not a
 * difference of balances, so an epoch in the same block does not blur them.
 */
import { alphaHeld, ledgerPoolState, poolOf } from '../client/ledger-pool.js';
import type { NodeClient } from '../client/node-client.js';
import type { Call } from '../client/types.js';
import type { GlobalOptions } from './context.js';
import { refuseRoot } from './ledger-stake-move.js';
import { type CrossSubnetPlan, crossSubnetPlan } from './stake-preview.js';
import { type StakeSwapFields, type StakeSwapOptions, swapAmount, swapFields } from './stake-swap.js';
import { runTx, type TxReport } from './tx-flow.js';

/** The α and τ of an included swap_stake, from the swaps its block lists under it. */
async function swapOutcome(client: NodeClient, report: TxReport) {
  if (report.status !== 'included' || report.block === null) return { alpha: 0n, received: 0n, tao: 0n };
  const tx = (await client.block(report.block)).txs.find((t) => t.txHash === report.tx_hash);
  const sell = tx?.swaps?.find((w) => w.side === 'sell');
  const buy = tx?.swaps?.find((w) => w.side === 'buy');
  return { alpha: sell?.alpha ?? 0n, received: buy?.alpha ?? 0n, tao: sell?.tao ?? 0n };
}

export async function ledgerStakeSwap(
  globals: GlobalOptions,
  o: StakeSwapOptions,
): Promise<TxReport & StakeSwapFields> {
  refuseRoot([o.netuid, o.destNetuid], 'swap');
  let client: NodeClient | undefined;
  let plan: CrossSubnetPlan | undefined;
  const prices = { origin: 0n, dest: 0n };
  const report = await runTx(globals, {
    role: 'coldkey',
    flags: o.flags,
    build: async (ctx) => {
      client = ctx.client;
      const coldkey = ctx.signer.address;
      const [origin, dest, held] = await Promise.all([
        poolOf(ctx.client, o.netuid),
        poolOf(ctx.client, o.destNetuid),
        alphaHeld(ctx.client, coldkey, o.hotkey, o.netuid),
      ]);
      const { amount, details } = swapAmount(o, coldkey, held);
      prices.origin = origin.price;
      prices.dest = dest.price;
      plan = crossSubnetPlan(
        amount,
        { origin: ledgerPoolState(o.netuid, origin), dest: ledgerPoolState(o.destNetuid, dest) },
        prices,
        o.protection,
      );
      const call: Call = {
        type: 'swap_stake',
        hotkey: o.hotkey,
        origin_netuid: o.netuid,
        dest_netuid: o.destNetuid,
        amount: amount.toString(),
        ...(plan.limit === undefined
          ? {}
          : { limit_price: plan.limit.toString(), allow_partial: o.protection.partial }),
      };
      return {
        title: `Swap stake from subnet ${o.netuid} to subnet ${o.destNetuid}`,
        call,
        details: [...details, ...plan.details],
        freeDelta: 0n,
      };
    },
  });
  const outcome = client ? await swapOutcome(client, report) : { alpha: 0n, received: 0n, tao: 0n };
  return { ...report, ...swapFields(o, plan, prices, outcome) };
}
