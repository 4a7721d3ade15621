/**
 * `tao stake move | transfer` on tao's ledger (dynamic TAO): α from one stake to another, with the flags,
 * preview lines and JSON fields of the Subtensor path (src/cli/subtensor/stake.ts subtensorStakeMove).
 * The call is chosen as Subtensor chooses its extrinsic: the same hotkey into another subnet is
 * `swap_stake`, a transfer is `transfer_stake` (another coldkey, same hotkey, maybe another subnet), anything
 * else `move_stake` (another hotkey and/or subnet, same coldkey). Within a subnet the α moves as is; across
 * subnets the ledger sells it on the origin pool without fee and buys into the destination pool (its fee
 * paid), estimated here with the ledger's own swap arithmetic (exact while no other transaction moves the
 * pools first). The ledger's move calls carry no limit price (spec 300's swap_stake_limit is not modelled),
 * so a move across subnets needs --unsafe, as Subtensor asks for the moves its runtime cannot protect.
 * Root (netuid 0) has no pool to move through: refused before signing (the ledger says E_BAD_CALL).
 * The report's α amounts are read from the ledger before and after inclusion (it has no stake events yet).
 */
import { estimateBuy, estimateSell } from '../chain/subtensor/swap-estimate.js';
import type { NodeClient } from '../client/node-client.js';
import type { Call } from '../client/types.js';
import { formatTao } from '../core/amount.js';
import { rejectedError, usageError } from '../core/errors.js';
import type { GlobalOptions } from './context.js';
import { ledgerPoolState as poolState } from '../client/ledger-pool.js';
import { alphaHeld, poolOf } from './ledger-stake.js';
import { approx, priceText, slippageText } from './stake-preview.js';
import type { StakeMoveOptions, StakeMoveReport } from './subtensor/stake.js';
import type { SubtensorTxReport } from './subtensor/tx.js';
import { runTx, type TxReport } from './tx-flow.js';

const RAO = 1_000_000_000n;

/** What the preview says about price protection when a move crosses subnets on the ledger. */
export const LEDGER_CROSS_SUBNET_PROTECTION = "no price protection across subnets on tao's ledger";

/** The Subtensor path's options: the same flags mean the same on both backends. */
export type LedgerStakeMoveOptions = StakeMoveOptions;

/** The Subtensor report's fields (less its fee fields), plus the preview's expectation. */
export interface LedgerStakeMoveReport
  extends TxReport,
    Omit<StakeMoveReport, keyof SubtensorTxReport | 'limit_price' | 'tolerance' | 'partial'> {
  /** α taken from the origin stake and credited to the destination: read from the ledger before and after. */
  alpha: string;
  alpha_received: string;
  /** What the preview expected to be credited (exact across subnets on the ledger's arithmetic). */
  expected_alpha_received: string;
  /** τ the move went through: the origin pool's sale across subnets, α × spot price within one. */
  tao: string;
  /** Always null: the ledger's move calls have no limit price. */
  limit_price: null;
  tolerance: null;
  partial: false;
}

/** Refusals that need no chain: root, nothing to move, a cross-subnet move the ledger cannot protect. */
function refuseBeforeConnecting(o: LedgerStakeMoveOptions): void {
  if (o.netuid === 0 || o.destNetuid === 0)
    throw usageError(
      'E_USAGE',
      `root stake (netuid 0) has no pool to move through on tao's ledger: stake ${o.kind} works between subnets 1 and up`,
      'tao stake remove --netuid 0 it, then tao stake add it where you want it',
    );
  const crossSubnet = o.destNetuid !== o.netuid;
  if (o.kind === 'move' && o.destHotkey === o.hotkey && !crossSubnet)
    throw usageError(
      'E_USAGE',
      'nothing to move: give --dest-hotkey and/or --dest-netuid different from the origin',
    );
  if (crossSubnet && o.protection.tolerance !== undefined)
    throw usageError(
      'E_USAGE',
      `tao's ledger has no price-limited ${o.kind === 'transfer' ? 'transfer_stake' : 'move_stake or swap_stake'}: a ${o.kind} from subnet ${o.netuid} to subnet ${o.destNetuid} sells α on one pool and buys on the other at whatever prices they have`,
      `pass --unsafe to ${o.kind} without price protection (the preview shows the expected α), or stake remove and stake add with --tolerance`,
    );
}

function callOf(o: LedgerStakeMoveOptions): Call {
  const [amount, origin_netuid, dest_netuid] = [o.amount.toString(), o.netuid, o.destNetuid];
  if (o.kind === 'transfer')
    return {
      type: 'transfer_stake',
      dest_coldkey: o.destColdkey,
      hotkey: o.hotkey,
      origin_netuid,
      dest_netuid,
      amount,
    };
  if (o.destHotkey === o.hotkey)
    return { type: 'swap_stake', hotkey: o.hotkey, origin_netuid, dest_netuid, amount };
  return {
    type: 'move_stake',
    origin_hotkey: o.hotkey,
    dest_hotkey: o.destHotkey,
    origin_netuid,
    dest_netuid,
    amount,
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
        const sold = estimateSell({ ...poolState(o.netuid, origin), feeRate: 0n }, o.amount);
        const bought = estimateBuy(poolState(o.destNetuid, dest), sold.out);
        const ratio = dest.price === 0n ? 0n : (price * RAO) / dest.price;
        expected = bought.out;
        tao = sold.out;
        details.push(
          ['price', `${priceText(price)} → ${priceText(dest.price)} (ratio ${formatTao(ratio)})`],
          [
            'expected alpha out',
            `${approx(bought)}${formatTao(bought.out)} α (via ${approx(sold)}${formatTao(sold.out)} τ)`,
          ],
          ['pool fee', `${approx(bought)}${formatTao(bought.fee)} τ (destination pool)`],
          [
            'slippage',
            `${approx(bought)}${slippageText((o.amount * price) / RAO, (bought.out * dest.price) / RAO)}`,
          ],
          ['price protection', `OFF (--unsafe): ${LEDGER_CROSS_SUBNET_PROTECTION}`],
        );
      }
      return {
        title: o.kind === 'transfer' ? 'Transfer stake to another coldkey' : 'Move stake',
        call: callOf(o),
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
    limit_price: null,
    tolerance: null,
    partial: false,
  };
}
