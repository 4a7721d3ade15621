/**
 * `tao stake add|remove --netuid N` on tao's ledger (dynamic TAO): τ into a subnet's pool for α, or α back
 * for τ, previewed exactly as on Subtensor (stake-preview.ts: price, expected output, slippage, limit price)
 * and protected by default: add_stake / remove_stake carry `limit_price` = price × (1 ± tolerance), with
 * `allow_partial` for --partial; --unsafe sends them without a limit. The pool is read from `subnet_list`
 * and estimated with the same swap arithmetic the ledger runs, so on the ledger the expectation is exact.
 * The report adds what happened: the α the stake gained or lost and the τ the free balance moved by.
 */
import type { Protection } from '../chain/subtensor/stake.js';
import { ledgerPoolState } from '../client/ledger-pool.js';
import type { NodeClient } from '../client/node-client.js';
import type { Call, LedgerPool } from '../client/types.js';
import { formatTao } from '../core/amount.js';
import { rejectedError } from '../core/errors.js';
import type { GlobalOptions } from './context.js';
import { ADD, REMOVE, refuseBeyondLimit, type TradeReportFields, tradePreview } from './stake-preview.js';
import { runTx, type TxFlags, type TxReport } from './tx-flow.js';
import { warnUnstakingValidator } from './validator-warning.js';

export interface LedgerStakeOptions {
  flags: TxFlags;
  netuid: number;
  hotkey: string;
  /** τ (add) or α (remove); undefined = --all. */
  amount?: bigint;
  protection: Protection;
}

/** alpha: what the stake gained or gave up, read from the ledger after inclusion; tao: what the free balance moved by, fee excluded. */
export interface LedgerStakeReport extends TxReport, TradeReportFields {
  warnings?: string[];
}

export async function poolOf(client: NodeClient, netuid: number): Promise<LedgerPool> {
  const subnet = (await client.subnetList()).find((s) => s.netuid === netuid);
  if (!subnet) throw rejectedError('E_UNKNOWN_SUBNET', `subnet ${netuid} does not exist on this ledger`);
  if (!subnet.pool)
    throw rejectedError('E_UNKNOWN_SUBNET', `subnet ${netuid} has no pool: this node predates dynamic TAO`);
  if (!subnet.pool.started)
    throw rejectedError(
      'E_SUBNET_NOT_STARTED',
      `subnet ${netuid} has not been started: its owner runs tao subnet start --netuid ${netuid}`,
    );
  return subnet.pool;
}

export async function alphaHeld(
  client: NodeClient,
  coldkey: string,
  hotkey: string,
  netuid: number,
): Promise<bigint> {
  const stakes = await client.alphaStakes({ coldkey, hotkey });
  return stakes.find((s) => s.netuid === netuid && s.hotkey === hotkey)?.alpha ?? 0n;
}

export async function ledgerStakeTrade(
  globals: GlobalOptions,
  direction: 'add' | 'remove',
  o: LedgerStakeOptions,
): Promise<LedgerStakeReport> {
  const side = direction === 'add' ? ADD : REMOVE;
  const p = o.protection;
  let price = 0n;
  let limit: bigint | undefined;
  let expected = 0n;
  let before = { alpha: 0n, free: 0n, fee: 0n };
  let client: NodeClient | undefined;
  let coldkey = '';
  const warnings: string[] = [];
  const report = await runTx(globals, {
    role: 'coldkey',
    flags: o.flags,
    build: async (ctx) => {
      client = ctx.client;
      coldkey = ctx.signer.address;
      const pool = await poolOf(ctx.client, o.netuid);
      price = pool.price;
      limit = p.tolerance ? side.limitOf(price, p.tolerance) : undefined;
      const held = await alphaHeld(ctx.client, coldkey, o.hotkey, o.netuid);
      before = { alpha: held, free: ctx.account.free, fee: ctx.info.txFee };
      let amount = o.amount;
      let amountText: string;
      if (direction === 'add') {
        amount ??= ctx.account.free - ctx.info.txFee;
        if (amount <= 0n)
          throw rejectedError(
            'E_INSUFFICIENT_BALANCE',
            `nothing to stake: free balance ${formatTao(ctx.account.free)} τ does not cover the fee ${formatTao(ctx.info.txFee)} τ`,
          );
        amountText = `${formatTao(amount)} τ${o.amount === undefined ? ' (all but the fee)' : ''}`;
      } else {
        amount ??= held;
        if (held === 0n || amount > held)
          throw rejectedError(
            'E_INSUFFICIENT_STAKE',
            `${coldkey} has ${formatTao(held)} α on hotkey ${o.hotkey} in subnet ${o.netuid}${o.amount === undefined ? '' : `, less than ${formatTao(amount)} α`}: nothing was sent`,
          );
        amountText = `${formatTao(amount)} α${o.amount === undefined ? ' (all)' : ''} of ${formatTao(held)} α held`;
        const what = `${o.amount === undefined ? 'all your' : formatTao(amount)} α on subnet ${o.netuid}`;
        await warnUnstakingValidator(
          globals,
          { hotkey: o.hotkey, netuid: o.netuid, what, all: o.amount === undefined },
          warnings,
        );
      }
      const e = side.estimate(ledgerPoolState(o.netuid, pool), amount, limit);
      refuseBeyondLimit(e, p, `${side.verb} ${formatTao(amount)} ${side.units[0]}`);
      expected = e.out;
      const call: Call = {
        type: direction === 'add' ? 'add_stake' : 'remove_stake',
        hotkey: o.hotkey,
        netuid: o.netuid,
        amount: amount.toString(),
        ...(limit === undefined ? {} : { limit_price: limit.toString(), allow_partial: p.partial }),
      };
      const preview = tradePreview(side, { ...o, amountText, amount }, price, e, p, limit);
      return {
        title: `${side.title} on subnet ${o.netuid}`,
        call,
        details: preview.details,
        // a partial fill on the ledger spends only what fits (the rest stays free)
        freeDelta: direction === 'add' ? -e.used : e.out,
      };
    },
  });
  let alpha = 0n;
  let tao = 0n;
  if (report.status === 'included' && client) {
    const [held, account] = await Promise.all([
      alphaHeld(client, coldkey, o.hotkey, o.netuid),
      client.accountInfo(coldkey),
    ]);
    alpha = direction === 'add' ? held - before.alpha : before.alpha - held;
    const moved = account.free - before.free + before.fee;
    tao = direction === 'add' ? -moved : moved;
  }
  return {
    ...report,
    netuid: o.netuid,
    hotkey: o.hotkey,
    alpha: formatTao(alpha < 0n ? 0n : alpha),
    tao: formatTao(tao < 0n ? 0n : tao),
    ...(direction === 'add'
      ? { expected_alpha: formatTao(expected) }
      : { expected_tao: formatTao(expected) }),
    price: formatTao(price),
    limit_price: limit === undefined ? null : formatTao(limit),
    tolerance: p.tolerance?.text ?? null,
    partial: p.partial,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
