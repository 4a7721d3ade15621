/**
 * `tao stake add|remove --netuid N`, one flow on both backends through the chain seam (src/chain/chain.ts):
 * τ into subnet N's pool for α, or α back for τ, previewed from the pool as read (stake-preview.ts: price,
 * expected output, pool fee, slippage, limit price) and protected by default: the call carries the limit
 * price = price × (1 ± tolerance), fill or kill or --partial; --unsafe sends it without one. A fill-or-kill
 * trade the estimate already puts past the limit is refused before signing. The report pairs the
 * expectation with what happened: the chain's StakeAdded / StakeRemoved where it emits them (Subtensor, with
 * the pool's swap_fee), otherwise the stake and free balance read before and after (tao's ledger).
 */
import type { Chain } from '../chain/chain.js';
import type { Protection } from '../chain/subtensor/stake.js';
import { formatTao } from '../core/amount.js';
import { rejectedError } from '../core/errors.js';
import { type ChainTxContext, type ChainTxReport, runChainTx } from './chain-tx.js';
import type { GlobalOptions } from './context.js';
import { ADD, REMOVE, refuseBeyondLimit, type TradeReportFields, tradePreview } from './stake-preview.js';
import type { TxFlags } from './tx-flow.js';
import { warnUnstakingValidator } from './validator-warning.js';

export interface StakeTradeOptions {
  flags: TxFlags;
  netuid: number;
  hotkey: string;
  /** τ (add) or α (remove); undefined = --all. */
  amount?: bigint;
  protection: Protection;
}

export interface StakeTradeReport extends ChainTxReport, TradeReportFields {
  /** The pool's swap fee from the chain's event (τ for add, α for remove), where the chain emits one. */
  swap_fee?: string;
  warnings?: string[];
}

/** The τ an add spends: the amount, or with --all the free balance less the fee and what must stay. */
async function addAmount(ctx: ChainTxContext, o: StakeTradeOptions, limit: bigint | undefined) {
  if (o.amount !== undefined) return { amount: o.amount, amountText: `${formatTao(o.amount)} τ` };
  const ed = ctx.existentialDeposit;
  const fee = await ctx.quote({
    type: 'add_stake',
    hotkey: o.hotkey,
    netuid: o.netuid,
    amount: ctx.free,
    ...(limit === undefined ? {} : { limit }),
    partial: o.protection.partial,
  });
  const amount = ctx.free - fee - ed;
  const kept = ed > 0n ? ` and the existential deposit ${formatTao(ed)} τ` : '';
  if (amount <= 0n)
    throw rejectedError(
      'E_INSUFFICIENT_BALANCE',
      `nothing to stake: free balance ${formatTao(ctx.free)} τ does not cover the fee ${formatTao(fee)} τ${kept}`,
    );
  const rest = ed > 0n ? 'the fee and existential deposit' : 'the fee';
  return { amount, amountText: `${formatTao(amount)} τ (all but ${rest})` };
}

export async function stakeTrade(
  globals: GlobalOptions,
  chain: Chain,
  direction: 'add' | 'remove',
  o: StakeTradeOptions,
): Promise<StakeTradeReport> {
  const side = direction === 'add' ? ADD : REMOVE;
  const p = o.protection;
  const pool = await chain.tradePool(o.netuid);
  const limit = p.tolerance ? side.limitOf(pool.price, p.tolerance) : undefined;
  let expected = 0n;
  let before = { alpha: 0n, free: 0n };
  let coldkey = '';
  const warnings: string[] = [];
  const { report, receipt, fee } = await runChainTx(globals, chain, {
    role: 'coldkey',
    flags: o.flags,
    build: async (ctx) => {
      coldkey = ctx.signer.address;
      const held = await chain.alphaStake(coldkey, o.hotkey, o.netuid);
      before = { alpha: held, free: ctx.free };
      let amount: bigint;
      let amountText: string;
      if (direction === 'add') ({ amount, amountText } = await addAmount(ctx, o, limit));
      else {
        amount = o.amount ?? held;
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
      const e = side.estimate(pool.state, amount, limit);
      refuseBeyondLimit(e, p, `${side.verb} ${formatTao(amount)} ${side.units[0]}`);
      expected = e.out;
      const preview = tradePreview(side, { ...o, amountText, amount }, pool.price, e, p, limit);
      return {
        title: `${side.title} on subnet ${o.netuid}`,
        call: {
          type: direction === 'add' ? 'add_stake' : 'remove_stake',
          hotkey: o.hotkey,
          netuid: o.netuid,
          amount,
          ...(direction === 'remove' && o.amount === undefined ? { all: true } : {}),
          ...(limit === undefined ? {} : { limit }),
          partial: p.partial,
        },
        details: preview.details,
        // a partial fill spends only what fits (the rest stays free)
        freeDelta: direction === 'add' ? -e.used : e.out,
        notes: preview.notes,
      };
    },
  });
  let outcome = { alpha: 0n, tao: 0n };
  let swapFee: bigint | undefined;
  const event = receipt.stakeEvents?.find((s) => s.kind === side.kind);
  if (receipt.stakeEvents !== undefined) {
    outcome = { alpha: event?.alpha ?? 0n, tao: event?.tao ?? 0n };
    swapFee = event?.fee ?? 0n;
  } else if (report.status === 'included') {
    // No stake events from this chain: what the stake and the free balance moved by (the fee put back).
    const [held, balance] = await Promise.all([
      chain.alphaStake(coldkey, o.hotkey, o.netuid),
      chain.balance(coldkey),
    ]);
    const moved = balance.free - before.free + fee;
    outcome =
      direction === 'add'
        ? { alpha: held - before.alpha, tao: -moved }
        : { alpha: before.alpha - held, tao: moved };
  }
  const nonNegative = (v: bigint) => formatTao(v < 0n ? 0n : v);
  return {
    ...report,
    netuid: o.netuid,
    hotkey: o.hotkey,
    alpha: nonNegative(outcome.alpha),
    tao: nonNegative(outcome.tao),
    ...(direction === 'add'
      ? { expected_alpha: formatTao(expected) }
      : { expected_tao: formatTao(expected) }),
    price: formatTao(pool.price),
    limit_price: limit === undefined ? null : formatTao(limit),
    tolerance: p.tolerance?.text ?? null,
    partial: p.partial,
    ...(swapFee === undefined ? {} : { swap_fee: formatTao(swapFee) }),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
