/**
 * `tao localnet sudo call | dev-params`: Root calls on the localnet (or any dev Subtensor chain given with
 * --network), signed by its sudo key //Alice. Added to the `localnet` group; handlers load lazily.
 */
import type { Command } from 'commander';
import { usageError } from '../core/errors.js';
import { type GlobalOptions, globalsOf } from './context.js';
import { networkOf } from './network.js';
import { emit } from './output.js';
import { withExamples } from './program.js';
import { addTxOptions, renderTxReport, type TxFlags } from './tx-flow.js';

/** The Subtensor endpoint: --network when given, else this home's running localnet. */
async function sudoEndpoint(globals: GlobalOptions): Promise<string> {
  const network = await networkOf({ ...globals, network: globals.network ?? 'localnet' });
  if (network.backend !== 'subtensor')
    throw usageError(
      'E_UNSUPPORTED',
      `tao localnet sudo works on a dev Subtensor chain; --network ${globals.network} is tao's ledger`,
      "omit --network to use this home's localnet, or give its ws:// URL",
    );
  return network.url;
}

/** The shared transaction flags alone (without this command's own options). */
const txFlags = (opts: TxFlags): TxFlags => ({
  ...(opts.signerUri !== undefined ? { signerUri: opts.signerUri } : {}),
  ...(opts.expiryBlocks !== undefined ? { expiryBlocks: opts.expiryBlocks } : {}),
  ...(opts.waitTimeout !== undefined ? { waitTimeout: opts.waitTimeout } : {}),
  ...(opts.wait !== undefined ? { wait: opts.wait } : {}),
});

function netuidOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) > 65535)
    throw usageError('E_BAD_NETUID', `malformed --netuid '${text}': expected an integer 0..65535`);
  return Number(text);
}

export function registerLocalnetSudo(program: Command): void {
  const localnet = program.commands.find((c) => c.name() === 'localnet');
  if (!localnet) throw new Error('registerLocalnetSudo must be registered after registerLocalnet');
  const sudo = localnet
    .command('sudo')
    .description('dev chains only: Root calls signed by the sudo key //Alice (hyperparameters, rate limits)');

  withExamples(
    addTxOptions(
      sudo
        .command('call')
        .description('sudo(pallet.call(args…)); arguments are JSON or plain numbers/strings')
        .argument('<call>', 'pallet.call, e.g. adminUtils.sudoSetTempo')
        .argument('[args...]', 'the call arguments in order'),
    ).action(async (call: string, args: string[], opts: TxFlags, cmd: Command) => {
      const globals = globalsOf(cmd);
      const url = await sudoEndpoint(globals);
      const { withSubtensor } = await import('./subtensor/tx.js');
      const { sudoCall } = await import('./subtensor/sudo.js');
      const result = await withSubtensor(url, (chain) => sudoCall(globals, chain, { ...opts, call, args }));
      emit(globals.json, result, (r) => renderTxReport(`sudo ${r.call}`, r));
    }),
    'tao localnet sudo call adminUtils.sudoSetTempo 1 10 --yes',
    'tao localnet sudo call adminUtils.sudoSetCommitRevealWeightsEnabled 1 false --yes --json',
  );

  withExamples(
    addTxOptions(
      sudo
        .command('dev-params')
        .description(
          'rate limits off and stake threshold 0; with --netuid also tempo 10, no weights rate limit, commit-reveal off, registrations unlimited',
        )
        .option('--netuid <n>', 'also set the subnet parameters of this subnet'),
    ).action(async (opts: TxFlags & { netuid?: string }, cmd: Command) => {
      const globals = globalsOf(cmd);
      const netuid = netuidOption(opts.netuid);
      const url = await sudoEndpoint(globals);
      const { withSubtensor } = await import('./subtensor/tx.js');
      const { sudoDevParams } = await import('./subtensor/sudo.js');
      const result = await withSubtensor(url, (chain) =>
        sudoDevParams(globals, chain, { ...txFlags(opts), ...(netuid !== undefined ? { netuid } : {}) }),
      );
      emit(globals.json, result, (r) => `${renderTxReport('dev parameters', r)}\n${r.calls.join('\n')}`);
    }),
    'tao localnet sudo dev-params --yes',
    'tao localnet sudo dev-params --netuid 2 --yes --json',
  );
}
