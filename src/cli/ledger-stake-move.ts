/**
 * `tao stake move | transfer` on tao's ledger (dynamic TAO): α from one stake to another, with the flags,
 * preview lines and JSON fields of the Subtensor path (src/cli/subtensor/stake.ts subtensorStakeMove).
 * The call is chosen as Subtensor chooses its extrinsic: the same hotkey into another subnet is
 * `swap_stake`, a transfer is `transfer_stake` (another coldkey, same hotkey, maybe another subnet), anything
 * else `move_stake` (another hotkey and/or subnet, same coldkey). Within a subnet the α moves as is; across
 * subnets the ledger sells it on the origin pool without fee and buys into the destination pool (its fee
 * paid), estimated here with the ledger's own swap arithmetic (exact while no other transaction moves the
 * pools first). Across subnets the call is price-protected by default as `tao stake swap` is (stake-preview.ts
 * crossSubnetPlan): limit_price = origin/destination price ratio × (1 − tolerance), fill or kill or --partial;
 * the ledger has the limit on all three moves (Subtensor's runtime only on swapStakeLimit).
 * Root (netuid 0) has no pool to move through: refused before signing (the ledger says E_BAD_CALL).
 * The report's α amounts are read from the ledger before and after inclusion (it has no stake events yet).
 */
import type { NodeClient } from '../client/node-client.js';
import type { Call } from '../client/types.js';
import { formatTao } from '../core/amount.js';
import { rejectedError, usageError } from '../core/errors.js';
import type { GlobalOptions } from './context.js';
import { alphaHeld, ledgerPoolState as poolState, poolOf } from '../client/ledger-pool.js';
import { type CrossSubnetPlan, crossSubnetPlan, priceText } from './stake-preview.js';
import type { StakeMoveOptions, StakeMoveReport } from './subtensor/stake.js';
import type { SubtensorTxReport } from './subtensor/tx.js';
import { runTx, type TxReport } from './tx-flow.js';

const RAO = 1_000_000_000n;

/** The Subtensor path's options: the same flags mean the same on both backends. */
export type LedgerStakeMoveOptions = StakeMoveOptions;

/** The Subtensor report's fields (less its fee fields), plus the preview's expectation. */
export interface LedgerStakeMoveReport extends TxReport, Omit<StakeMoveReport, keyof SubtensorTxReport> {
  /** α taken from the origin stake and credited to the destination: read from the ledger before and after. */
  alpha: string;
  alpha_received: string;
  /** What the preview expected to be credited (exact across subnets on the ledger's arithmetic). */
  expected_alpha_received: string;
  /** τ the move went through: the origin pool's sale across subnets, α × spot price within one. */
  tao: string;
}

/** Root (netuid 0) has no pool: the ledger refuses to move it (E_BAD_CALL); said here before signing. */
export function refuseRoot(netuids: number[], command: string): void {
  if (netuids.includes(0))
    throw usageError(
      'E_USAGE',
      `root stake (netuid 0) has no pool to move through on tao's ledger: stake ${command} works between subnets 1 and up`,
      'tao stake remove --netuid 0 it, then tao stake add it where you want it',
    );
}

/** Refusals that need no chain: root, nothing to move. */
function refuseBeforeConnecting(o: LedgerStakeMoveOptions): void {
  refuseRoot([o.netuid, o.destNetuid], o.kind);
  const crossSubnet = o.destNetuid !== o.netuid;
  if (o.kind === 'move' && o.destHotkey === o.hotkey && !crossSubnet)
    throw usageError(
      'E_USAGE',
      'nothing to move: give --dest-hotkey and/or --dest-netuid different from the origin',
    );
}

function callOf(o: LedgerStakeMoveOptions, limit: bigint | undefined): Call {
  const [amount, origin_netuid, dest_netuid] = [o.amount.toString(), o.netuid, o.destNetuid];
  const protect =
    limit === undefined ? {} : { limit_price: limit.toString(), allow_partial: o.protection.partial };
  if (o.kind === 'transfer')
    return {
      type: 'transfer_stake',
      dest_coldkey: o.destColdkey,
      hotkey: o.hotkey,
      origin_netuid,
      dest_netuid,
      amount,
      ...protect,
    };
  if (o.destHotkey === o.hotkey)
    return { type: 'swap_stake', hotkey: o.hotkey, origin_netuid, dest_netuid, amount, ...protect };
  return {
    type: 'move_stake',
    origin_hotkey: o.hotkey,
    dest_hotkey: o.destHotkey,
    origin_netuid,
    dest_netuid,
    amount,
    ...protect,
  };
}

export async function ledgerStakeMove(
  globals: GlobalOptions,
  o: LedgerStakeMoveOptions,
): Promise<LedgerStakeMoveReport> {
  refuseBeforeConnecting(o);
  const crossSubnet = o.destNetuid !== o.netuid;
  let client: NodeClient | undefined;
  let coldkey = '';
  let destColdkey = '';
  let price = 0n;
  let tao = 0n;
  let expected = 0n;
  let plan: CrossSubnetPlan | undefined;
  let before = { origin: 0n, dest: 0n };
  const report = await runTx(globals, {
    role: 'coldkey',
    flags: o.flags,
    build: async (ctx) => {
      client = ctx.client;
      coldkey = ctx.signer.address;
      destColdkey = o.destColdkey ?? coldkey;
      if (o.kind === 'transfer' && destColdkey === coldkey && !crossSubnet)
        throw usageError(
          'E_USAGE',
          `nothing to transfer: --dest is the signing coldkey itself and the subnet is the same`,
        );
      const [origin, dest, held, destHeld] = await Promise.all([
        poolOf(ctx.client, o.netuid),
        poolOf(ctx.client, o.destNetuid),
        alphaHeld(ctx.client, coldkey, o.hotkey, o.netuid),
        alphaHeld(ctx.client, destColdkey, o.destHotkey, o.destNetuid),
      ]);
      if (o.amount > held || held === 0n)
        throw rejectedError(
          'E_INSUFFICIENT_STAKE',
          `${coldkey} has ${formatTao(held)} α on hotkey ${o.hotkey} in subnet ${o.netuid}, less than ${formatTao(o.amount)} α: nothing was sent`,
        );
      before = { origin: held, dest: destHeld };
      price = origin.price;
      const details: [string, string][] = [
        ['from', `hotkey ${o.hotkey}, subnet ${o.netuid}`],
        [
          'to',
          `${o.destColdkey ? `coldkey ${o.destColdkey}, ` : ''}hotkey ${o.destHotkey}, subnet ${o.destNetuid}`,
        ],
        ['alpha', `${formatTao(o.amount)} α of ${formatTao(held)} α held`],
      ];
      if (!crossSubnet) {
        expected = o.amount;
        tao = (o.amount * price) / RAO;
        details.push(['price', `${priceText(price)} (within one subnet: no swap, no price impact)`]);
      } else {
        // As the ledger runs it: sold on the origin pool without its fee, the τ bought into the destination.
        plan = crossSubnetPlan(
          o.amount,
          { origin: poolState(o.netuid, origin), dest: poolState(o.destNetuid, dest) },
          { origin: price, dest: dest.price },
          o.protection,
        );
        expected = plan.expected;
        tao = plan.tao;
        details.push(...plan.details);
      }
      return {
        title: o.kind === 'transfer' ? 'Transfer stake to another coldkey' : 'Move stake',
        call: callOf(o, plan?.limit),
        details,
        freeDelta: 0n,
      };
    },
  });
  let alpha = 0n;
  let received = 0n;
  if (report.status === 'included' && client) {
    const [origin, dest] = await Promise.all([
      alphaHeld(client, coldkey, o.hotkey, o.netuid),
      alphaHeld(client, destColdkey, o.destHotkey, o.destNetuid),
    ]);
    alpha = before.origin - origin;
    received = dest - before.dest;
  }
  return {
    ...report,
    netuid: o.netuid,
    dest_netuid: o.destNetuid,
    hotkey: o.hotkey,
    dest_hotkey: o.destHotkey,
    ...(o.destColdkey ? { dest_coldkey: o.destColdkey } : {}),
    alpha: formatTao(alpha < 0n ? 0n : alpha),
    alpha_received: formatTao(received < 0n ? 0n : received),
    expected_alpha_received: formatTao(expected),
    tao: formatTao(tao),
    price: formatTao(price),
    limit_price: plan?.limit === undefined ? null : formatTao(plan.limit),
    tolerance: plan?.limit === undefined ? null : (o.protection.tolerance?.text ?? null),
    partial: plan?.limit === undefined ? false : o.protection.partial,
  };
}
