/** `tao weights set | list`: a validator's weights on a subnet (hotkey-signed), normalised as subtensor does. */
import type { Command } from 'commander';
import type { ChainTxReport } from './chain-tx.js';
import type { GlobalOptions } from './context.js';
import { globalsOf } from './context.js';
import { emit, table } from './output.js';
import { withExamples } from './program.js';
import { requireNetuid } from './subnet-flags.js';
import { addTxOptions, connect, renderTxReport, requireValue, type TxFlags } from './tx-flow.js';

export interface WeightsFlags extends TxFlags {
  netuid?: string;
  uids?: string;
  weights?: string;
  versionKey?: string;
}

export async function handleWeightsSet(
  globals: GlobalOptions,
  opts: WeightsFlags,
): Promise<
  ChainTxReport & {
    netuid: number;
    uids: number[];
    weights_u16: number[];
    version_key?: string;
    warnings?: string[];
  }
> {
  const netuid = await requireNetuid(globals, opts.netuid);
  const uidsText = await requireValue(globals, opts.uids, '--uids', 'Uids (comma-separated)');
  const weightsText = await requireValue(globals, opts.weights, '--weights', 'Weights (comma-separated)');
  const { parseWeightRow } = await import('../client/weights.js');
  const { uids, weights } = parseWeightRow(uidsText, weightsText);
  let versionKey: number | undefined;
  if (opts.versionKey !== undefined) {
    if (!/^\d+$/.test(opts.versionKey) || !Number.isSafeInteger(Number(opts.versionKey)))
      throw (await import('../core/errors.js')).usageError(
        'E_USAGE',
        `--version-key must be a non-negative integer`,
      );
    versionKey = Number(opts.versionKey);
  }
  const { withChain } = await import('../chain/chain.js');
  const { runChainTx } = await import('./chain-tx.js');
  return withChain(globals, async (chain) => {
    const version = versionKey !== undefined ? BigInt(versionKey) : await chain.weightsVersionKey?.(netuid);
    const warnings: string[] = [];
    const { report } = await runChainTx(globals, chain, {
      role: 'hotkey',
      flags: opts,
      build: async ({ signer }) => {
        // A validator peer of this home on the same hotkey sets its own weights every scoring round.
        const { describePeers, runningValidatorsOn } = await import('../up/running-peers.js');
        const peers = await runningValidatorsOn(globals.home, signer.address, netuid);
        if (peers.length > 0) {
          warnings.push(
            `${describePeers(peers)} sets the weights of this hotkey on subnet ${netuid} every scoring round and will overwrite these (tao peer stop --name ${peers[0]!.name} to keep them)`,
          );
          if (!globals.json) process.stderr.write(`warning: ${warnings[0]}\n`);
        }
        return {
          title: `Set weights on subnet ${netuid}`,
          call: {
            type: 'set_weights',
            netuid,
            uids,
            weights,
            ...(version !== undefined ? { versionKey: version } : {}),
          },
          details: [
            ['netuid', String(netuid)],
            ['weights', `${uids.map((u, i) => `${u}:${weights[i]}`).join(' ')}  (uid:u16, max = 65535)`],
            ...(version !== undefined ? [['version key', version.toString()] as [string, string]] : []),
          ],
          freeDelta: 0n,
        };
      },
    });
    return {
      ...report,
      netuid,
      uids,
      weights_u16: weights,
      ...(version !== undefined ? { version_key: version.toString() } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  });
}

export async function handleWeightsList(globals: GlobalOptions, netuidText: string | undefined) {
  const netuid = await requireNetuid(globals, netuidText);
  const client = await connect(globals);
  return { netuid, rows: await client.weights(netuid) };
}

export function registerWeights(program: Command): void {
  const weights = program.command('weights').description("a validator's weights on a subnet");
  withExamples(
    addTxOptions(
      weights
        .command('set')
        .description('set the weights of the wallet hotkey (signed by the hotkey)')
        .option('--netuid <n>', 'the subnet')
        .option('--uids <list>', 'comma-separated uids, e.g. 0,3')
        .option('--weights <list>', 'comma-separated weights, any scale, e.g. 0.7,0.3')
        .option('--version-key <n>', "the subnet's weights version key, if it has one"),
    ).action(async (opts: WeightsFlags, cmd: Command) => {
      const globals = globalsOf(cmd);
      emit(globals.json, await handleWeightsSet(globals, opts), (r) => renderTxReport('set weights', r));
    }),
    'tao weights set --netuid 1 --uids 0,3 --weights 0.7,0.3',
    'tao weights set --netuid 2 --uids 1,2 --weights 1,1 --network localnet --yes --json',
  );
  withExamples(
    weights
      .command('list')
      .description('the stored weight rows of a subnet (u16, max-upscaled to 65535)')
      .option('--netuid <n>', 'the subnet')
      .action(async (opts: { netuid?: string }, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(globals.json, await handleWeightsList(globals, opts.netuid), (d) =>
          d.rows.length === 0
            ? `no weights on subnet ${d.netuid}`
            : table(
                ['uid', 'weights (uid:u16)'],
                d.rows.map((r) => [String(r.uid), r.weights.map(([u, w]) => `${u}:${w}`).join(' ')]),
              ),
        );
      }),
    'tao weights list --netuid 1 --json',
  );
}
