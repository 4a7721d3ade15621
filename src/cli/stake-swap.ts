/**
 * `tao stake swap --netuid A --dest-netuid B --amount X | --all`: the wallet coldkey's α on one hotkey moved
 * from subnet A's pool into subnet B's (sold on A without fee, the τ bought into B), on either backend with
 * the same flags, preview (stake-preview.ts crossSubnetPlan) and --json fields. Price-protected by default:
 * the call carries a floor on origin price / destination price (ratio × (1 − tolerance)), fill or kill, or
 * --partial to move what fits; --unsafe sends it without a limit. Subtensor signs swapStakeLimit / swapStake
 * (./subtensor/stake-swap.ts), tao's ledger swap_stake with limit_price / allow_partial (./ledger-stake-swap.ts).
 * Each backend's part is a plain function of (globals, options) so it can move behind the chain seam.
 */
import type { Command } from 'commander';
import type { Protection } from '../chain/subtensor/stake.js';
import { formatTao, parseTao } from '../core/amount.js';
import { rejectedError, usageError } from '../core/errors.js';
import { type GlobalOptions, globalsOf } from './context.js';
import { emit } from './output.js';
import { withExamples } from './program.js';
import {
  addTxOptions,
  checkAddress,
  renderTxReport,
  requireValue,
  type TxFlags,
  type TxReport,
  walletAddress,
} from './tx-flow.js';

export interface StakeSwapFlags extends TxFlags {
  netuid?: string;
  destNetuid?: string;
  amount?: string;
  all?: boolean;
  hotkeyAddress?: string;
  tolerance?: string;
  partial?: boolean;
  unsafe?: boolean;
}

export interface StakeSwapOptions {
  flags: TxFlags;
  netuid: number;
  destNetuid: number;
  hotkey: string;
  /** α to move; undefined = --all (everything the coldkey holds on the hotkey in the origin subnet). */
  amount?: bigint;
  protection: Protection;
}

/** The report's fields on both backends (besides each backend's transaction fields). */
export interface StakeSwapFields {
  netuid: number;
  dest_netuid: number;
  hotkey: string;
  /** α taken from the origin subnet and α credited in the destination, as the chain reports them. */
  alpha: string;
  alpha_received: string;
  /** What the preview expected to be credited. */
  expected_alpha_received: string;
  /** τ the origin pool's sale gave (and the destination bought with). */
  tao: string;
  /** Spot prices when previewed, τ per α, and their ratio. */
  price: string;
  dest_price: string;
  ratio: string;
  /** The floor on the ratio the call carried; null with --unsafe. */
  limit_price: string | null;
  tolerance: string | null;
  partial: boolean;
}

/** The fields as they are filled in from a plan and what the chain said. */
export function swapFields(
  o: StakeSwapOptions,
  plan: { expected: bigint; ratio: bigint; limit?: bigint } | undefined,
  prices: { origin: bigint; dest: bigint },
  outcome: { alpha: bigint; received: bigint; tao: bigint },
): StakeSwapFields {
  const p = o.protection;
  return {
    netuid: o.netuid,
    dest_netuid: o.destNetuid,
    hotkey: o.hotkey,
    alpha: formatTao(outcome.alpha),
    alpha_received: formatTao(outcome.received),
    expected_alpha_received: formatTao(plan?.expected ?? 0n),
    tao: formatTao(outcome.tao),
    price: formatTao(prices.origin),
    dest_price: formatTao(prices.dest),
    ratio: formatTao(plan?.ratio ?? 0n),
    limit_price: plan?.limit === undefined ? null : formatTao(plan.limit),
    tolerance: p.tolerance?.text ?? null,
    partial: p.partial,
  };
}

/**
 * The α a swap moves (the amount, or with --all everything held) and the preview's first lines; more than
 * held, or nothing held, is refused before anything is signed.
 */
export function swapAmount(
  o: StakeSwapOptions,
  coldkey: string,
  held: bigint,
): { amount: bigint; details: [string, string][] } {
  const amount = o.amount ?? held;
  if (held === 0n || amount > held)
    throw rejectedError(
      'E_INSUFFICIENT_STAKE',
      `${coldkey} has ${formatTao(held)} α on hotkey ${o.hotkey} in subnet ${o.netuid}${o.amount === undefined ? '' : `, less than ${formatTao(amount)} α`}: nothing was sent`,
    );
  return {
    amount,
    details: [
      ['hotkey', o.hotkey],
      ['from', `subnet ${o.netuid}`],
      ['to', `subnet ${o.destNetuid}`],
      [
        'alpha',
        `${formatTao(amount)} α${o.amount === undefined ? ' (all)' : ''} of ${formatTao(held)} α held`,
      ],
    ],
  };
}

async function netuidOf(globals: GlobalOptions, text: string | undefined, flag: string): Promise<number> {
  const { parseNetuid } = await import('./subnet-flags.js');
  return parseNetuid(await requireValue(globals, text, flag, 'Subnet netuid'));
}

/** The flags, checked the same way for both backends (exit 2 before any chain is asked). */
export async function stakeSwapOptions(
  globals: GlobalOptions,
  opts: StakeSwapFlags,
): Promise<StakeSwapOptions> {
  const { protectionOf } = await import('../chain/subtensor/stake.js');
  const protection = protectionOf(opts);
  const netuid = await netuidOf(globals, opts.netuid, '--netuid');
  const destNetuid = await netuidOf(globals, opts.destNetuid, '--dest-netuid');
  if (destNetuid === netuid)
    throw usageError(
      'E_USAGE',
      `--dest-netuid must differ from --netuid (${netuid}): stake swap moves α between subnets`,
      'to move α to another hotkey within a subnet use tao stake move --dest-hotkey',
    );
  if (opts.all && opts.amount !== undefined)
    throw usageError('E_USAGE', 'give either --amount or --all, not both');
  const amount = opts.all
    ? undefined
    : parseTao(await requireValue(globals, opts.amount, '--amount (or --all)', 'Amount (alpha)'), '--amount');
  const hotkey =
    opts.hotkeyAddress === undefined
      ? await walletAddress(globals, 'hotkey')
      : await checkAddress(opts.hotkeyAddress, '--hotkey-address');
  return { flags: opts, netuid, destNetuid, hotkey, ...(amount === undefined ? {} : { amount }), protection };
}

export async function handleStakeSwap(globals: GlobalOptions, opts: StakeSwapFlags) {
  const o = await stakeSwapOptions(globals, opts);
  const { networkOf } = await import('./network.js');
  const network = await networkOf(globals);
  if (network.backend !== 'subtensor') {
    const { ledgerStakeSwap } = await import('./ledger-stake-swap.js');
    return ledgerStakeSwap(globals, o);
  }
  const { subtensorStakeSwap } = await import('./subtensor/stake-swap.js');
  const { withSubtensor } = await import('./subtensor/tx.js');
  return withSubtensor(network.url, (chain) => subtensorStakeSwap(globals, chain, o));
}

export const renderStakeSwap = (r: TxReport & StakeSwapFields): string =>
  `${renderTxReport('stake swap', r)}\n${r.alpha} α out of subnet ${r.netuid}, ${r.alpha_received} α into subnet ${r.dest_netuid} (via ${r.tao} τ)`;

export function registerStakeSwap(stake: Command): void {
  withExamples(
    addTxOptions(
      stake
        .command('swap')
        .description(
          "move the wallet coldkey's alpha on a hotkey from one subnet to another (price-protected)",
        )
        .option('--netuid <n>', 'the subnet the alpha is in')
        .option('--dest-netuid <n>', 'the subnet to move it into')
        .option('--amount <alpha>', 'alpha to move')
        .option('--all', 'all the alpha held on that hotkey in --netuid')
        .option('--hotkey-address <ss58>', "the hotkey (default: the wallet's own hotkey)")
        .option(
          '--tolerance <fraction>',
          'how far the origin/destination price ratio may fall, a decimal fraction (default 0.005 = 0.5 %)',
        )
        .option('--partial', 'move what fits within the limit instead of all or nothing')
        .option('--unsafe', 'no price protection (plain swap_stake / swapStake)'),
    ).action(async (opts: StakeSwapFlags, cmd: Command) => {
      const globals = globalsOf(cmd);
      emit(globals.json, await handleStakeSwap(globals, opts), (r) =>
        renderStakeSwap(r as TxReport & StakeSwapFields),
      );
    }),
    'tao stake swap --netuid 1 --dest-netuid 2 --amount 5',
    'tao stake swap --netuid 1 --dest-netuid 2 --all --tolerance 0.02 --partial',
    'tao --network localnet stake swap --netuid 2 --dest-netuid 3 --amount 1 --yes',
  );
}
