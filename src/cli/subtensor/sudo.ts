/**
 * `tao localnet sudo …`: Root calls on a dev Subtensor chain, wrapped in `sudo.sudo(call)` and signed by the
 * localnet's sudo key //Alice (refused on any chain that is not a dev chain). A generic call by name with its
 * arguments, and `dev-params`: the rate limits, tempo and registration settings tests and demos need, in one
 * `sudo(utility.batchAll(…))` so they land in one block.
 */
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import { type ExtrinsicBuilder, extrinsic, hasExtrinsic } from '../../chain/subtensor/access.js';
import type { Extrinsic } from '../../chain/subtensor/submit.js';
import { usageError } from '../../core/errors.js';
import type { GlobalOptions } from '../context.js';
import type { TxFlags } from '../tx-flow.js';
import { runSubtensorTx, type SubtensorTxReport } from './tx.js';

const SUDO_URI = '//Alice';

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** `adminUtils.sudoSetTempo` (or `admin_utils.sudo_set_tempo`) → [pallet, call] as @polkadot/api names them. */
export function parseCallName(text: string): [string, string] {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(text.trim());
  if (!m?.[1] || !m[2])
    throw usageError(
      'E_USAGE',
      `malformed call '${text}': expected pallet.call such as adminUtils.sudoSetTempo`,
    );
  const pallet = camel(m[1]);
  return [pallet.charAt(0).toLowerCase() + pallet.slice(1), camel(m[2])];
}

/** A command-line argument: integers stay decimal strings (exact for u64/u128), then JSON, else the text. */
export function parseCallArg(text: string): unknown {
  if (/^\d+$/.test(text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function runSudo(
  globals: GlobalOptions,
  chain: SubtensorApi,
  flags: TxFlags,
  title: string,
  details: [string, string][],
  inner: () => Extrinsic,
): Promise<SubtensorTxReport> {
  const { report } = await runSubtensorTx(globals, chain, {
    role: 'coldkey',
    flags: { ...flags, signerUri: flags.signerUri ?? SUDO_URI },
    build: () => ({
      title,
      extrinsic: () => extrinsic(chain.api, 'sudo', 'sudo')(inner()),
      details,
      freeDelta: 0n,
    }),
  });
  return report;
}

function checkArity(chain: SubtensorApi, pallet: string, call: string, args: unknown[]): ExtrinsicBuilder {
  const fn = extrinsic(chain.api, pallet, call);
  const params = (
    fn as unknown as { meta: { args: { name: { toString(): string }; type: { toString(): string } }[] } }
  ).meta.args;
  if (params.length !== args.length)
    throw usageError(
      'E_USAGE',
      `${pallet}.${call} takes ${params.length} argument(s) (${params.map((a) => `${a.name.toString()}: ${a.type.toString()}`).join(', ')}), got ${args.length}`,
    );
  return fn;
}

export async function sudoCall(
  globals: GlobalOptions,
  chain: SubtensorApi,
  opts: TxFlags & { call: string; args: string[] },
): Promise<SubtensorTxReport & { call: string; args: unknown[] }> {
  const [pallet, call] = parseCallName(opts.call);
  const args = opts.args.map(parseCallArg);
  const fn = checkArity(chain, pallet, call, args);
  try {
    fn(...args);
  } catch (error) {
    throw usageError(
      'E_USAGE',
      `cannot encode ${pallet}.${call}(${opts.args.join(', ')}): ${(error as Error).message}`,
    );
  }
  const report = await runSudo(
    globals,
    chain,
    opts,
    `sudo ${pallet}.${call}`,
    [['call', `sudo(${pallet}.${call}(${args.map((a) => JSON.stringify(a)).join(', ')}))`]],
    () => fn(...args),
  );
  return { call: `${pallet}.${call}`, args, ...report };
}

/** Registration limits dev-params sets (high enough that tests never meet them). */
export const DEV_REGISTRATIONS = 1000;
export const DEV_TEMPO = 10;

/** The calls of `dev-params`, each [name, args]: chain-wide, then for the subnet when one is given. */
export function devParamCalls(netuid?: number): [string, unknown[]][] {
  const calls: [string, unknown[]][] = [
    ['sudoSetNetworkRateLimit', [0]],
    ['sudoSetTxRateLimit', [0]],
    ['sudoSetStakeThreshold', [0]],
  ];
  if (netuid !== undefined)
    calls.push(
      ['sudoSetTempo', [netuid, DEV_TEMPO]],
      ['sudoSetWeightsSetRateLimit', [netuid, 0]],
      ['sudoSetCommitRevealWeightsEnabled', [netuid, false]],
      ['sudoSetTargetRegistrationsPerInterval', [netuid, DEV_REGISTRATIONS]],
      ['sudoSetMaxRegistrationsPerBlock', [netuid, DEV_REGISTRATIONS]],
      ['sudoSetMinAllowedWeights', [netuid, 1]],
    );
  return calls;
}

export async function sudoDevParams(
  globals: GlobalOptions,
  chain: SubtensorApi,
  opts: TxFlags & { netuid?: number },
): Promise<SubtensorTxReport & { netuid: number | null; calls: string[] }> {
  const calls = devParamCalls(opts.netuid);
  const build = () => calls.map(([name, args]) => extrinsic(chain.api, 'adminUtils', name)(...args));
  build(); // every call exists in this runtime (E_UNSUPPORTED otherwise) before anything is signed
  const batch = hasExtrinsic(chain.api, 'utility', 'batchAll');
  const names = calls.map(([name, args]) => `adminUtils.${name}(${args.map(String).join(', ')})`);
  let report: SubtensorTxReport | undefined;
  if (batch) {
    report = await runSudo(
      globals,
      chain,
      opts,
      'Dev parameters (sudo, one batch)',
      names.map((n, i) => [`call ${i + 1}`, n]),
      () => extrinsic(chain.api, 'utility', 'batchAll')(build()),
    );
  } else {
    for (let i = 0; i < calls.length; i++)
      report = await runSudo(
        globals,
        chain,
        opts,
        `Dev parameters ${i + 1}/${calls.length}`,
        [['call', names[i] ?? '']],
        () => build()[i] as Extrinsic,
      );
  }
  return { netuid: opts.netuid ?? null, calls: names, ...(report as SubtensorTxReport) };
}
