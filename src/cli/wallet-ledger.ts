/** `tao wallet balance | transfer | faucet`: the ledger side of a wallet (funds), added to the wallet group. */
import { hotkeyDestinationWarning } from '../chain/hotkey-warning.js';
import type { Command } from 'commander';
import { formatTao } from '../core/amount.js';
import { rejectedError, usageError } from '../core/errors.js';
import { unsupported, withChain } from '../chain/chain.js';
import { type BalanceRow, balanceRow } from './chain-json.js';
import { type ChainTxReport, runChainTx } from './chain-tx.js';
import { type GlobalOptions, globalsOf } from './context.js';
import { emit, table } from './output.js';
import { withExamples } from './program.js';
import {
  addTxOptions,
  amountFlag,
  checkAddress,
  renderTxReport,
  requireValue,
  type TxFlags,
  walletAddress,
} from './tx-flow.js';

export async function handleBalance(
  globals: GlobalOptions,
  opts: { address?: string[]; all?: boolean },
): Promise<{ balances: BalanceRow[] }> {
  const targets: { address: string; wallet?: string }[] = [];
  for (const a of opts.address ?? []) targets.push({ address: await checkAddress(a, '--address') });
  if (opts.all) {
    const { listWallets } = await import('../wallet/store.js');
    for (const w of listWallets(globals.home)) {
      if (w.coldkey) targets.push({ address: w.coldkey.ss58, wallet: w.name });
    }
  }
  if (targets.length === 0 && !opts.all) {
    targets.push({ address: await walletAddress(globals, 'coldkey'), wallet: globals.wallet });
  }
  return withChain(globals, async (chain) => ({
    balances: await Promise.all(
      targets.map(async (t) => balanceRow(await chain.balance(t.address), t.wallet)),
    ),
  }));
}

function renderBalances(data: { balances: BalanceRow[] }): string {
  if (data.balances.length === 0) return 'no wallets found (create one with `tao wallet create`)';
  const withWallet = data.balances.some((b) => b.wallet);
  const rows = data.balances.map((b) => [
    ...(withWallet ? [b.wallet ?? ''] : []),
    b.address,
    `${b.free} τ`,
    `${b.staked} τ`,
    `${b.total} τ`,
  ]);
  return table([...(withWallet ? ['wallet'] : []), 'address', 'free', 'staked', 'total'], rows);
}

export interface TransferFlags extends TxFlags {
  dest?: string;
  amount?: string;
  all?: boolean;
  allowDeath?: boolean;
}

export async function handleTransfer(globals: GlobalOptions, opts: TransferFlags): Promise<ChainTxReport> {
  const dest = await checkAddress(
    await requireValue(globals, opts.dest, '--dest', 'Destination (SS58)'),
    '--dest',
  );
  if (opts.all && opts.amount !== undefined)
    throw usageError('E_USAGE', 'give either --amount or --all, not both');
  const requested = opts.all
    ? undefined
    : amountFlag(await requireValue(globals, opts.amount, '--amount (or --all)', 'Amount (TAO)'));
  return withChain(globals, async (chain) => {
    const owner = await chain.hotkeyOwner?.(dest);
    const notes = owner ? [hotkeyDestinationWarning(dest, owner)] : [];
    const keepAlive = !opts.allowDeath;
    const { report } = await runChainTx(globals, chain, {
      role: 'coldkey',
      flags: opts,
      build: ({ free }) => {
        if (requested === undefined) {
          if (free === 0n)
            throw rejectedError(
              'E_INSUFFICIENT_BALANCE',
              'nothing to transfer: free balance is 0.000000000 τ',
            );
          return {
            title: 'Transfer all',
            call: { type: 'transfer_all', dest, keepAlive },
            details: [
              ['to', dest],
              [
                'amount',
                `all transferable τ${chain.capabilities.existentialDeposit && keepAlive ? ' (keeping the account alive)' : ''}`,
              ],
            ],
            freeDelta: -free,
            spendsAll: true,
            notes,
          };
        }
        return {
          title: 'Transfer',
          call: { type: 'transfer', dest, amount: requested, keepAlive },
          details: [
            ['to', dest],
            [
              'amount',
              `${formatTao(requested)} τ${chain.capabilities.existentialDeposit && !keepAlive ? ' (may reap the sender)' : ''}`,
            ],
          ],
          freeDelta: -requested,
          notes,
        };
      },
    });
    return report;
  });
}

export async function handleFaucet(
  globals: GlobalOptions,
  opts: TxFlags & { amount?: string },
): Promise<ChainTxReport> {
  const amount = opts.amount === undefined ? undefined : amountFlag(opts.amount);
  return withChain(globals, async (chain) => {
    if (!chain.capabilities.faucet)
      throw unsupported(
        chain.backend,
        'the faucet',
        'fund an account from a dev key instead: tao wallet transfer --signer-uri //Alice',
      );
    const dev = await chain.kind();
    const given = amount ?? dev.faucetAmount ?? 0n;
    const { report } = await runChainTx(globals, chain, {
      role: 'coldkey',
      flags: opts,
      build: () => ({
        title: 'Faucet (dev ledger)',
        call: amount === undefined ? { type: 'faucet' } : { type: 'faucet', amount },
        details: [['amount', `${formatTao(given)} τ${amount === undefined ? ' (the dev default)' : ''}`]],
        freeDelta: given,
      }),
    });
    return report;
  });
}

export function registerWalletLedger(program: Command): void {
  const wallet = program.commands.find((c) => c.name() === 'wallet');
  if (!wallet) throw new Error('registerWalletLedger must be registered after registerWallet');

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  withExamples(
    wallet
      .command('balance')
      .description("free, staked and total balance of the wallet's coldkey (or any address)")
      .option('--address <ss58>', 'an address to look up instead (repeatable)', collect)
      .option('--all', 'every wallet under --home')
      .action(async (opts: { address?: string[]; all?: boolean }, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(globals.json, await handleBalance(globals, opts), renderBalances);
      }),
    'tao wallet balance',
    'tao wallet balance --all --json',
    'tao wallet balance --address 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  );

  withExamples(
    addTxOptions(
      wallet
        .command('transfer')
        .description('send TAO from the wallet coldkey to another address')
        .option('--dest <ss58>', 'destination address')
        .option('--amount <tao>', 'amount in TAO, e.g. 1.5')
        .option('--all', 'everything transferable (Subtensor: keeps the sender alive unless --allow-death)')
        .option('--allow-death', 'Subtensor: allow the sender to fall below the existential deposit'),
    ).action(async (opts: TransferFlags, cmd: Command) => {
      const globals = globalsOf(cmd);
      emit(globals.json, await handleTransfer(globals, opts), (r) => renderTxReport('transfer', r));
    }),
    'tao wallet transfer --dest 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty --amount 1.5',
  );

  withExamples(
    addTxOptions(
      wallet
        .command('faucet')
        .description('DEV LEDGER ONLY: get free test TAO into the wallet coldkey')
        .option('--amount <tao>', 'how much (default and cap set by the dev ledger)'),
    ).action(async (opts: TxFlags & { amount?: string }, cmd: Command) => {
      const globals = globalsOf(cmd);
      emit(globals.json, await handleFaucet(globals, opts), (r) => renderTxReport('faucet', r));
    }),
    'tao wallet faucet --amount 100 --yes',
  );
}
