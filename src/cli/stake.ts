/**
 * `tao stake add | remove | list | move | transfer | swap | take`: stake the wallet coldkey's TAO on a hotkey (own
 * hotkey by default), and set the delegate take the owner keeps of its nominators' dividends. On a Subtensor
 * --network the stake is alpha per subnet (--netuid) behind a pool, with price protection, as on tao's
 * ledger: add / remove through the chain seam (stake-trade.ts), move / transfer per backend
 * (src/cli/subtensor/stake.ts, ledger-stake-move.ts).
 */
import type { Command } from 'commander';
import { stakePlan } from '../client/tx-plan.js';
import { formatTao, parseTao } from '../core/amount.js';
import { unsupported, withChain } from '../chain/chain.js';
import { rejectedError, usageError } from '../core/errors.js';
import { type GlobalOptions, globalsOf } from './context.js';
import { emit, table } from './output.js';
import { withExamples } from './program.js';
import { registerStakeSwap } from './stake-swap.js';
import { type StakeListJson, stakeListJson, takePercentText } from './chain-json.js';
import {
  addTxOptions,
  amountFlag,
  checkAddress,
  renderTxReport,
  requireValue,
  runTx,
  type TxFlags,
  type TxReport,
  walletAddress,
} from './tx-flow.js';

export interface StakeFlags extends TxFlags {
  amount?: string;
  all?: boolean;
  hotkeyAddress?: string;
  /** The subnet whose pool a trade goes through; on tao's ledger 0 (root, τ at price 1) by default. */
  netuid?: string;
  tolerance?: string;
  partial?: boolean;
  unsafe?: boolean;
}

export interface StakeMoveFlags extends TxFlags {
  amount?: string;
  netuid?: string;
  destNetuid?: string;
  destHotkey?: string;
  dest?: string;
  hotkeyAddress?: string;
  tolerance?: string;
  partial?: boolean;
  unsafe?: boolean;
}

async function netuidOf(
  globals: GlobalOptions,
  text: string | undefined,
  flag = '--netuid',
): Promise<number> {
  const { parseNetuid } = await import('./subnet-flags.js');
  return parseNetuid(await requireValue(globals, text, flag, 'Subnet netuid'));
}

/** What a stake trade against a subnet pool needs from the flags, on either backend. */
async function tradeOptions(
  globals: GlobalOptions,
  direction: 'add' | 'remove',
  netuid: number,
  opts: StakeFlags,
) {
  const { protectionOf } = await import('../chain/subtensor/stake.js');
  const protection = protectionOf(opts);
  if (opts.all && opts.amount !== undefined)
    throw usageError('E_USAGE', 'give either --amount or --all, not both');
  const unit = direction === 'add' ? 'TAO' : 'alpha';
  const amount = opts.all
    ? undefined
    : parseTao(
        await requireValue(globals, opts.amount, '--amount (or --all)', `Amount (${unit})`),
        '--amount',
      );
  const hotkey = await targetHotkey(globals, opts.hotkeyAddress);
  return { flags: opts, netuid, hotkey, protection, ...(amount === undefined ? {} : { amount }) };
}

async function targetHotkey(globals: GlobalOptions, flag?: string): Promise<string> {
  if (flag !== undefined) return checkAddress(flag, '--hotkey-address');
  return walletAddress(globals, 'hotkey');
}

/** `--amount X` or `--all` (exactly one); undefined means --all. */
async function amountOrAll(globals: GlobalOptions, opts: StakeFlags): Promise<bigint | undefined> {
  if (opts.all && opts.amount !== undefined)
    throw usageError('E_USAGE', 'give either --amount or --all, not both');
  if (opts.all) return undefined;
  return amountFlag(await requireValue(globals, opts.amount, '--amount (or --all)', 'Amount (TAO)'));
}

export async function handleStake(
  globals: GlobalOptions,
  direction: 'add' | 'remove',
  opts: StakeFlags,
): Promise<TxReport & { warnings?: string[] }> {
  const subnet = await withChain(globals, async (chain) => {
    // Root stake (netuid 0, τ at price 1) is the default where the chain keeps it in its own table (the ledger).
    if (opts.netuid === undefined && chain.capabilities.rootStakeTable) return undefined;
    const netuid = await netuidOf(globals, opts.netuid);
    if (netuid === 0 && chain.capabilities.rootStakeTable) return undefined;
    const o = await tradeOptions(globals, direction, netuid, opts);
    const { stakeTrade } = await import('./stake-trade.js');
    return stakeTrade(globals, chain, direction, o);
  });
  if (subnet) return subnet;
  for (const [flag, given] of [
    ['--tolerance', opts.tolerance !== undefined],
    ['--partial', Boolean(opts.partial)],
    ['--unsafe', Boolean(opts.unsafe)],
  ] as const)
    if (given)
      throw usageError(
        'E_USAGE',
        `${flag} protects a trade against a subnet pool's price: root stake (netuid 0, the default) is τ at price 1`,
        "give --netuid N to stake through subnet N's pool",
      );
  const requested = await amountOrAll(globals, opts);
  const hotkey = await targetHotkey(globals, opts.hotkeyAddress);
  const warnings: string[] = [];
  const report = await runTx(globals, {
    role: 'coldkey',
    flags: opts,
    build: async ({ client, info, account, signer }) => {
      let amount = requested;
      if (amount === undefined) {
        if (direction === 'add') {
          amount = account.free - info.txFee;
          if (amount <= 0n)
            throw rejectedError(
              'E_INSUFFICIENT_BALANCE',
              `nothing to stake: free balance ${formatTao(account.free)} τ does not cover the fee ${formatTao(info.txFee)} τ`,
            );
        } else {
          const stakes = await client.stakeList({ coldkey: signer.address, hotkey });
          amount = stakes.filter((s) => s.hotkey === hotkey).reduce((sum, s) => sum + s.amount, 0n);
          if (amount === 0n)
            throw rejectedError('E_INSUFFICIENT_STAKE', `${signer.address} has no stake on hotkey ${hotkey}`);
        }
      }
      if (direction === 'remove') {
        const { warnUnstakingValidator } = await import('./validator-warning.js');
        const what = requested === undefined ? 'all your stake' : `${formatTao(amount)} τ of stake`;
        await warnUnstakingValidator(globals, { hotkey, what, all: requested === undefined }, warnings);
      }
      return stakePlan(direction, hotkey, amount, requested === undefined);
    },
  });
  return warnings.length > 0 ? { ...report, warnings } : report;
}

/**
 * `tao stake move` / `tao stake transfer`: alpha between hotkeys, subnets, coldkeys, on Subtensor
 * (src/cli/subtensor/stake.ts) or tao's ledger (ledger-stake-move.ts), the same flags on both.
 */
export async function handleStakeMove(
  globals: GlobalOptions,
  kind: 'move' | 'transfer',
  opts: StakeMoveFlags,
) {
  const { networkOf } = await import('./network.js');
  const network = await networkOf(globals);
  const { protectionOf } = await import('../chain/subtensor/stake.js');
  const protection = protectionOf(opts);
  const netuid = await netuidOf(globals, opts.netuid);
  const destNetuid =
    opts.destNetuid === undefined ? netuid : await netuidOf(globals, opts.destNetuid, '--dest-netuid');
  const hotkey = await targetHotkey(globals, opts.hotkeyAddress);
  const destColdkey =
    kind === 'transfer'
      ? await checkAddress(
          await requireValue(globals, opts.dest, '--dest', 'Destination coldkey (SS58)'),
          '--dest',
        )
      : undefined;
  if (kind === 'transfer' && opts.destHotkey !== undefined)
    throw usageError(
      'E_USAGE',
      'stake transfer keeps the hotkey: use --dest for the coldkey (stake move changes hotkeys)',
    );
  const destHotkey =
    opts.destHotkey === undefined ? hotkey : await checkAddress(opts.destHotkey, '--dest-hotkey');
  const amount = parseTao(await requireValue(globals, opts.amount, '--amount', 'Amount (alpha)'), '--amount');
  const o = {
    flags: opts,
    kind,
    netuid,
    destNetuid,
    hotkey,
    destHotkey,
    ...(destColdkey ? { destColdkey } : {}),
    amount,
    protection,
  };
  if (network.backend !== 'subtensor') {
    const { ledgerStakeMove } = await import('./ledger-stake-move.js');
    return ledgerStakeMove(globals, o);
  }
  const { subtensorStakeMove } = await import('./subtensor/stake.js');
  const { withSubtensor } = await import('./subtensor/tx.js');
  return withSubtensor(network.url, (chain) => subtensorStakeMove(globals, chain, o));
}

/** The ledger's highest delegate take (docs/rpc.md `E_TAKE_TOO_HIGH`): 11796 / 65535 = 18 %. */
export const MAX_TAKE_U16 = 11796;
export const MAX_TAKE_PERCENT = 18;

/**
 * `--take PERCENT` → u16 (percent · 65535 / 100, rounded half up; 18 → 11796), exact decimal arithmetic.
 * Exit 2 unless it is a decimal 0..18 with at most 6 decimals.
 */
export function parseTakePercent(text: string): number {
  const t = text.trim();
  const m = /^(\d{1,3})(?:\.(\d{1,6}))?$/.exec(t);
  const bad = () =>
    usageError(
      'E_BAD_TAKE',
      `--take must be a percentage from 0 to ${MAX_TAKE_PERCENT} (the ledger's maximum), got '${text}'`,
      'e.g. --take 18 (= 11796/65535), --take 9.5',
    );
  if (!m) throw bad();
  const frac = m[2] ?? '';
  const scale = 10n ** BigInt(frac.length);
  const scaled = BigInt(m[1]!) * scale + BigInt(frac === '' ? '0' : frac);
  if (scaled > BigInt(MAX_TAKE_PERCENT) * scale) throw bad();
  const den = 100n * scale;
  const u16 = Number((2n * scaled * 65535n + den) / (2n * den));
  return Math.min(u16, MAX_TAKE_U16);
}

export async function handleTake(
  globals: GlobalOptions,
  opts: TxFlags & { take?: string; hotkeyAddress?: string },
): Promise<TxReport & { hotkey: string; take: number; take_percent: string }> {
  const take = parseTakePercent(await requireValue(globals, opts.take, '--take', 'Take (percent, 0-18)'));
  const hotkey = await targetHotkey(globals, opts.hotkeyAddress);
  const { runChainTx } = await import('./chain-tx.js');
  const { report } = await withChain(globals, (chain) =>
    runChainTx(globals, chain, {
      role: 'coldkey',
      flags: opts,
      build: () => ({
        title: 'Set the delegate take',
        call: { type: 'set_delegate_take', hotkey, take },
        details: [
          ['hotkey', hotkey],
          ['take', `${takePercentText(take)} of nominators' dividends (${take}/65535)`],
        ],
        freeDelta: 0n,
      }),
    }),
  );
  return { hotkey, take, take_percent: takePercentText(take), ...report };
}

export async function handleStakeList(
  globals: GlobalOptions,
  opts: { coldkey?: string; hotkeyAddress?: string; all?: boolean },
): Promise<StakeListJson> {
  const query: { coldkey?: string; hotkey?: string } = {};
  if (opts.coldkey !== undefined) query.coldkey = await checkAddress(opts.coldkey, '--coldkey');
  if (opts.hotkeyAddress !== undefined)
    query.hotkey = await checkAddress(opts.hotkeyAddress, '--hotkey-address');
  return withChain(globals, async (chain) => {
    if (opts.all && !chain.capabilities.stakeIndex)
      throw unsupported(
        chain.backend,
        'stake list --all',
        'the chain has no index of every stake; give --coldkey',
      );
    // Without an index of stakes by hotkey, the wallet's coldkey is the default even with --hotkey-address.
    const byHotkey = chain.capabilities.stakeIndex && query.hotkey !== undefined;
    if (!opts.all && query.coldkey === undefined && !byHotkey)
      query.coldkey = await walletAddress(globals, 'coldkey');
    return stakeListJson(await chain.stakes(query), chain.capabilities.rootStakeTable);
  });
}

function renderStakes(data: StakeListJson): string {
  if ('alpha_stakes' in data) {
    const parts: string[] = [];
    if (data.stakes.length > 0)
      parts.push(
        `root (netuid 0):\n${table(
          ['coldkey', 'hotkey', 'amount', 'take'],
          data.stakes.map((s) => [s.coldkey, s.hotkey, `${s.amount} τ`, s.take_percent]),
        )}`,
      );
    if (data.alpha_stakes.length > 0)
      parts.push(
        `subnets (alpha, valued at spot price before slippage):\n${table(
          ['coldkey', 'hotkey', 'netuid', 'alpha', 'value', 'take'],
          data.alpha_stakes.map((s) => [
            s.coldkey,
            s.hotkey,
            String(s.netuid),
            `${s.alpha} α`,
            `${s.value} τ`,
            s.take_percent,
          ]),
        )}`,
      );
    return parts.length === 0 ? 'no stake' : parts.join('\n\n');
  }
  if (data.stakes.length === 0) return 'no stake';
  return `${table(
    ['coldkey', 'hotkey', 'netuid', 'alpha', 'price (τ/α)', 'value'],
    data.stakes.map((s) => [s.coldkey, s.hotkey, String(s.netuid), `${s.alpha} α`, s.price, `${s.value} τ`]),
  )}\ntotal value ${data.total_value} τ (at spot prices, before slippage)`;
}

export function registerStake(program: Command): void {
  const stake = program.command('stake').description('stake TAO on hotkeys (yours or a delegate)');
  for (const direction of ['add', 'remove'] as const) {
    withExamples(
      addTxOptions(
        stake
          .command(direction)
          .description(
            direction === 'add'
              ? 'move free TAO of the wallet coldkey into stake on a hotkey'
              : 'move stake on a hotkey back to the free balance of the wallet coldkey',
          )
          .option(
            '--amount <tao>',
            direction === 'add' ? 'amount in TAO' : 'amount in TAO (alpha on Subtensor)',
          )
          .option(
            '--all',
            direction === 'add'
              ? 'all free balance (minus the fee)'
              : 'all stake on that hotkey (and subnet)',
          )
          .option('--hotkey-address <ss58>', "the hotkey (default: the wallet's own hotkey)")
          .option(
            '--netuid <n>',
            "the subnet whose pool this stakes through (alpha); tao's ledger defaults to root (0, τ at price 1)",
          )
          .option('--tolerance <fraction>', 'price tolerance, a decimal fraction (default 0.005 = 0.5 %)')
          .option('--partial', 'fill what fits within the limit price instead of all or nothing')
          .option('--unsafe', 'no price protection (plain add_stake / remove_stake)'),
      ).action(async (opts: StakeFlags, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(globals.json, await handleStake(globals, direction, opts), (r) =>
          renderTxReport(`stake ${direction}`, r as TxReport),
        );
      }),
      `tao stake ${direction} --amount 10`,
      `tao stake ${direction} --all --hotkey-address 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty --yes`,
      `tao stake ${direction} --netuid 1 --amount 5 --tolerance 0.01`,
      `tao --network localnet stake ${direction} --netuid 2 --amount 5 --tolerance 0.01`,
    );
  }
  for (const kind of ['move', 'transfer'] as const) {
    const cmd = stake
      .command(kind)
      .description(
        kind === 'move'
          ? 'move alpha stake to another hotkey and/or subnet (same coldkey)'
          : 'transfer alpha stake to another coldkey (same hotkey), optionally into another subnet',
      )
      .option('--netuid <n>', 'the subnet the stake is in')
      .option('--dest-netuid <n>', 'the destination subnet (default: the same)')
      .option('--amount <alpha>', 'alpha to move');
    if (kind === 'move') cmd.option('--dest-hotkey <ss58>', 'the destination hotkey (default: the same)');
    else cmd.option('--dest <ss58>', 'the destination coldkey');
    withExamples(
      addTxOptions(
        cmd
          .option('--hotkey-address <ss58>', "the origin hotkey (default: the wallet's own hotkey)")
          .option('--tolerance <fraction>', 'price tolerance for a swap across subnets (default 0.005)')
          .option('--partial', 'across subnets: fill what fits within the limit price')
          .option('--unsafe', 'no price protection (also allows moves that have no limit variant)'),
      ).action(async (opts: StakeMoveFlags, c: Command) => {
        const globals = globalsOf(c);
        emit(
          globals.json,
          await handleStakeMove(globals, kind, opts),
          (r) =>
            `${renderTxReport(`stake ${kind}`, r as unknown as TxReport)}\n${r.alpha} α out of subnet ${r.netuid}, ${r.alpha_received} α into subnet ${r.dest_netuid}`,
        );
      }),
      kind === 'move'
        ? 'tao --network localnet stake move --netuid 2 --dest-hotkey 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty --amount 1'
        : 'tao --network localnet stake transfer --netuid 2 --dest 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty --amount 1',
      kind === 'move'
        ? 'tao --network localnet stake move --netuid 2 --dest-netuid 3 --amount 1 --tolerance 0.02'
        : 'tao --network localnet stake transfer --netuid 2 --dest-netuid 3 --dest 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty --amount 1 --unsafe',
    );
  }
  registerStakeSwap(stake);
  withExamples(
    stake
      .command('list')
      .description('stakes of the wallet coldkey (or filtered by --coldkey / --hotkey-address, or --all)')
      .option('--coldkey <ss58>', 'stakes of this coldkey')
      .option('--hotkey-address <ss58>', 'stakes on this hotkey')
      .option('--all', 'every stake on the ledger')
      .action(async (opts: { coldkey?: string; hotkeyAddress?: string; all?: boolean }, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(globals.json, await handleStakeList(globals, opts), renderStakes);
      }),
    'tao stake list --json',
  );
  withExamples(
    addTxOptions(
      stake
        .command('take')
        .description(
          "set the share of its nominators' dividends a hotkey's owner keeps (signed by the owning coldkey)",
        )
        .option('--take <percent>', `percent, 0 to ${MAX_TAKE_PERCENT} (18 = 11796/65535)`)
        .option('--hotkey-address <ss58>', "the hotkey (default: the wallet's own hotkey)"),
    ).action(async (opts: TxFlags & { take?: string; hotkeyAddress?: string }, cmd: Command) => {
      const globals = globalsOf(cmd);
      emit(
        globals.json,
        await handleTake(globals, opts),
        (r) => `${renderTxReport('delegate take', r)}\ntake ${r.take_percent} on ${r.hotkey}`,
      );
    }),
    'tao stake take --take 18',
    'tao stake take --hotkey-address 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty --take 9.5 --yes',
  );
}
