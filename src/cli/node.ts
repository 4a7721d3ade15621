/** `tao node …`: run the built-in ledger node (start/stop/status/reset/verify). Handlers load lazily. */
import type { Command } from 'commander';
import { formatTao } from '../core/amount.js';
import { usageError } from '../core/errors.js';
import { globalsOf } from './context.js';
import { emit, keyValues } from './output.js';
import { withExamples } from './program.js';

function intFlag(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw usageError('E_BAD_FLAG', `--${name} must be an integer in ${min}..${max}, got '${value}'`);
  return Number(value);
}

/** Amounts in `system_info` (the RPC speaks rao): shown as τ strings with 9 decimals (docs/cli.md). */
const AMOUNTS = new Set(['tx_fee', 'total_issuance', 'burned', 'locked']);
const taoOf = (v: unknown): unknown => (typeof v === 'string' && /^\d+$/.test(v) ? formatTao(BigInt(v)) : v);

/** The node's report with every amount a person or script reads as a τ string (raw rao stays in the RPC). */
export function inTao(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) out[k] = AMOUNTS.has(k) ? taoOf(v) : v;
  if (Array.isArray(data.dev_accounts))
    out.dev_accounts = (data.dev_accounts as Record<string, unknown>[]).map((a) => ({
      ...a,
      ...('free' in a ? { free: taoOf(a.free) } : {}),
      ...('genesis_free' in a ? { genesis_free: taoOf(a.genesis_free) } : {}),
    }));
  if (data.faucet && typeof data.faucet === 'object') {
    const f = data.faucet as Record<string, unknown>;
    out.faucet = { ...f, amount: taoOf(f.amount), cap: taoOf(f.cap) };
  }
  return out;
}

const render = (data: Record<string, unknown>) =>
  keyValues(
    Object.entries(data)
      .filter(([, v]) => v !== undefined && typeof v !== 'object')
      .map(([k, v]) => [k, AMOUNTS.has(k) ? `${v} τ` : String(v)] as const),
  );

/** What dev mode created, for people; `created` is false when the node resumed a stored chain. */
function devLines(d: Record<string, unknown>): string[] {
  if (!d.dev) return [];
  const lines = [
    d.created === true
      ? 'dev chain created with:'
      : d.created === false
        ? `existing dev chain resumed at block ${d.block} (tao node reset to start over); its genesis gave:`
        : 'dev chain with:',
  ];
  for (const a of (d.dev_accounts as { name: string; address: string; free: string }[]) ?? [])
    lines.push(`  ${a.name.padEnd(9)} ${a.address}  ${a.free.replace(/\.?0+$/, '')} τ`);
  for (const s of (d.dev_subnets as { netuid: number }[]) ?? [])
    lines.push(`  subnet ${s.netuid} (owner //Alice)`);
  lines.push('  faucet: tao wallet faucet');
  return lines;
}

interface StartFlags {
  dev?: boolean;
  blockTime?: string;
  instant?: boolean;
  tempo?: string;
  rpcPort?: string;
  rpcHost?: string;
  data?: string;
  detach?: boolean;
}

export function registerNode(program: Command): void {
  const node = program
    .command('node')
    .description('the built-in ledger node: start, stop, status, reset, verify');

  withExamples(
    node
      .command('start')
      .description('run the ledger node (foreground unless --detach)')
      .option('--dev', 'dev chain: prefunded //Alice … //Ferdie, subnet 1 owned by Alice, a faucet')
      .option('--block-time <ms>', 'milliseconds between blocks (default 1000)')
      .option('--instant', 'produce a block as soon as transactions arrive')
      .option('--tempo <n>', 'blocks between epochs of new subnets (dev default 10, else 360)')
      .option('--rpc-port <port>', 'RPC port (default 9944)')
      .option('--rpc-host <host>', 'RPC bind address (default 127.0.0.1; anything else prints a warning)')
      .option('--data <dir>', 'chain data dir (default $TAO_HOME/node/data)')
      .option('--detach', 'hand it to the supervisor: runs in the background, restarted if it crashes'),
    'tao node start --dev',
    'tao node start --dev --instant --rpc-port 9955 --detach',
  ).action(async (flags: StartFlags, cmd: Command) => {
    const g = globalsOf(cmd);
    if (flags.instant && flags.blockTime !== undefined)
      throw usageError('E_BAD_FLAG', '--instant and --block-time exclude each other');
    const opts = {
      home: g.home,
      dev: Boolean(flags.dev),
      blockTimeMs: flags.instant ? 0 : (intFlag(flags.blockTime, 'block-time', 10, 3_600_000) ?? 1000),
      tempo: intFlag(flags.tempo, 'tempo', 1, 65535),
      rpcPort: intFlag(flags.rpcPort, 'rpc-port', 1, 65535) ?? 9944,
      rpcHost: flags.rpcHost ?? '127.0.0.1',
      dataDir: flags.data,
    };
    if (flags.detach) {
      const { startSupervised } = await import('../node-process/control.js');
      const info = inTao(await startSupervised(opts));
      emit(g.json, info, (d) => {
        const lines = [
          `tao ledger node: ${d.chain} at block ${d.block}, RPC ${d.rpc_url} (pid ${d.pid})`,
          `supervised: restarted if it crashes; log ${d.log}`,
          `data: ${d.data_dir}`,
          ...devLines(d),
          'stop with tao node stop',
        ];
        return lines.join('\n');
      });
      return;
    }
    const { runNode } = await import('../node-process/foreground.js');
    await runNode(opts, (info) => {
      emit(g.json, inTao(info), (d) => {
        const lines = [
          `tao ledger node: ${d.chain} at block ${d.block}, RPC ${d.rpc} (pid ${d.pid})`,
          `data: ${d.data_dir}`,
          ...devLines(d),
        ];
        lines.push('stop with Ctrl-C or tao node stop');
        return lines.join('\n');
      });
    });
  });

  withExamples(
    node
      .command('stop')
      .description('stop the node: the supervised one (--detach), else the one in the pid file'),
    'tao node stop',
  ).action(async (_flags: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    const { stopNode } = await import('../node-process/control.js');
    const r = await stopNode(g.home);
    emit(g.json, r, (d) =>
      d.stopped
        ? `node stopped (pid ${d.pid}${d.supervised ? ', supervised' : ''}${d.killed ? ', killed after the grace period' : ''})`
        : 'no node is running',
    );
  });

  withExamples(
    node
      .command('status')
      .description(
        'is a node running, at which block, and what dev mode created (or, with --network, which Subtensor chain)',
      ),
    'tao node status --json',
    'tao node status --network ws://127.0.0.1:9945',
  ).action(async (_flags: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    const { networkOf } = await import('./network.js');
    const network = await networkOf(g);
    if (network.backend === 'subtensor') {
      const { subtensorStatus } = await import('../chain/subtensor/status.js');
      const status = await subtensorStatus(network.url);
      emit(g.json, status, (d) =>
        d.running
          ? keyValues([
              ['chain', `${d.chain} (Subtensor)`],
              ['runtime', `${d.spec_name} spec ${d.spec_version}`],
              ['block', String(d.block)],
              ['endpoint', d.endpoint],
              ['genesis', String(d.genesis_hash)],
            ])
          : `no Subtensor node answers at ${d.endpoint}`,
      );
      return;
    }
    const { nodeStatus } = await import('../node-process/control.js');
    const r = inTao(await nodeStatus(g.home, network.url));
    emit(g.json, r, (d) => {
      const sup = d.supervisor as
        | { state: string; pid: number | null; restarts: number; uptime_ms: number | null }
        | undefined;
      const supLine = sup
        ? `\nsupervisor: ${sup.state}, pid ${sup.pid ?? '-'}, ${sup.restarts} restarts, up ${Math.round((sup.uptime_ms ?? 0) / 1000)} s`
        : '';
      return `${d.running ? render(d) : `no node answers at ${d.rpc}`}${supLine}`;
    });
  });

  withExamples(
    node
      .command('reset')
      .description('delete the chain data (the node must be stopped)')
      .option('--data <dir>', 'chain data dir (default $TAO_HOME/node/data)'),
    'tao node reset --yes',
  ).action(async (flags: { data?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    const { resetNode } = await import('../node-process/control.js');
    const { defaultDataDir } = await import('../node-process/run-info.js');
    if (!g.yes) {
      if (!g.interactive)
        throw usageError('E_CONFIRM_REQUIRED', 'tao node reset deletes the chain: pass --yes');
      const { confirmOrCancel } = await import('../core/prompt.js');
      await confirmOrCancel(`Delete the chain in ${flags.data ?? defaultDataDir(g.home)}?`);
    }
    const r = await resetNode(g.home, flags.data);
    emit(g.json, r, (d) => `chain data deleted: ${d.data_dir}`);
  });

  withExamples(
    node
      .command('verify')
      .description(
        'replay every block of the chain this home runs from genesis and check every state root (a running node is read from a copy)',
      )
      .option(
        '--data <dir>',
        "chain data dir (default: the running node's, else the last used of up/chain and node/data)",
      ),
    'tao node verify --json',
    'tao node verify --data ~/.tao/node/data',
  ).action(async (flags: { data?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    const { locateChain } = await import('./node-chain.js');
    const { verifyChain } = await import('../ledger/node/verify.js');
    const { TaoError } = await import('../core/errors.js');
    const where = locateChain(g.home, flags.data);
    const r = await verifyChain(where.data_dir);
    if (!r.ok)
      throw new TaoError(
        'E_VERIFY_FAILED',
        `verification of ${where.data_dir} failed at block ${r.error?.block}: ${r.error?.message}`,
        2,
      );
    emit(
      g.json,
      { ...r, data_dir: where.data_dir, source: where.source, live: where.running },
      (d) =>
        `ok: ${d.blocks} blocks, ${d.txs} txs replayed; state root ${d.state_root} at block ${d.head}\n` +
        `chain: ${d.data_dir} (${d.source}${d.live ? ', running: verified on a copy up to that block' : ''})`,
    );
  });
}
