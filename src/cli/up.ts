/**
 * `tao up` (a live dev market: supervisor, dev ledger, neighbour peers of every flavour, your own validator
 * peer, then the console) and `tao down` (stop what up started). Handlers live in src/up/ and load lazily.
 */
import { type Command, Option } from 'commander';
import { usageError } from '../core/errors.js';
import { globalsOf } from './context.js';
import { emit, keyValues, table } from './output.js';
import { withExamples } from './program.js';

interface UpFlags {
  headless?: boolean;
  rpcPort?: string;
  peerPort?: string;
  blockTime?: string;
  tempo?: string;
  good?: string;
  neighboursAsProcesses?: boolean;
  neighboursInOneProcess?: boolean;
  device?: string;
  peerTimeout?: string;
}

function intFlag(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw usageError('E_BAD_FLAG', `--${name} must be an integer in ${min}..${max}, got '${value}'`);
  return Number(value);
}

/** Opens the console on the market (a child `tao console`, so the console's own startup is reused). */
async function openConsole(home: string, node: string, wallet: string): Promise<number> {
  const { spawn } = await import('node:child_process');
  const { defaultBin } = await import('../up/up.js');
  const child = spawn(
    process.execPath,
    [defaultBin(), '--home', home, '--node', node, '--wallet', wallet, 'console'],
    {
      stdio: 'inherit',
    },
  );
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}

export function registerUp(program: Command): void {
  withExamples(
    program
      .command('up')
      .description(
        'bring up a live dev market (ledger, neighbour peers, your validator peer) and open the console',
      )
      .option('--headless', 'do not open the console (servers, scripts); prints how to attach')
      .option('--rpc-port <port>', 'ledger node RPC port (default 9944)')
      .option('--peer-port <port>', 'first port for the peers (default 9950)')
      .option('--block-time <ms>', 'milliseconds between blocks of a new dev chain (default 1000)')
      .option('--tempo <n>', 'blocks between epochs of a new dev chain (default 5)')
      .option('--good <n>', 'how many good neighbours (default 4)')
      .option('--device <device>', 'auto, cpu or cuda for every peer (default: the peer decides)')
      .option('--peer-timeout <s>', 'seconds to wait for the peers to answer (default 120)')
      .option(
        '--neighbours-as-processes',
        'run each simulated neighbour in a process of its own (~1.7 GB in all) instead of one shared host',
      )
      // The default since the host became it; still accepted so scripts written for it keep working.
      .addOption(new Option('--neighbours-in-one-process').hideHelp()),
    'tao up',
    'tao up --headless --json',
    'tao up --headless --rpc-port 9955 --peer-port 9960 --good 2',
    'tao up --neighbours-as-processes',
  ).action(async (flags: UpFlags, cmd: Command) => {
    const g = globalsOf(cmd);
    const opts = {
      home: g.home,
      wallet: g.wallet,
      hotkey: g.hotkey,
      passwordFile: g.passwordFile,
      interactive: g.interactive,
      json: g.json,
      rpcPort: intFlag(flags.rpcPort, 'rpc-port', 1, 65535),
      peerPortBase: intFlag(flags.peerPort, 'peer-port', 1, 65535),
      blockTimeMs: intFlag(flags.blockTime, 'block-time', 10, 3_600_000),
      tempo: intFlag(flags.tempo, 'tempo', 1, 65535),
      good: intFlag(flags.good, 'good', 0, 32),
      device: flags.device,
      peerTimeoutMs: (intFlag(flags.peerTimeout, 'peer-timeout', 1, 3600) ?? 120) * 1000,
      neighboursInOneProcess: !flags.neighboursAsProcesses,
    };
    if (flags.neighboursAsProcesses && flags.neighboursInOneProcess)
      throw usageError(
        'E_USAGE',
        'give either --neighbours-as-processes or --neighbours-in-one-process, not both',
      );
    if (flags.device !== undefined && !['auto', 'cpu', 'cuda'].includes(flags.device))
      throw usageError('E_BAD_FLAG', `--device must be auto, cpu or cuda, got '${flags.device}'`);
    const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    const headless = Boolean(flags.headless) || g.json || !tty;
    const { runUp, UP_STEPS } = await import('../up/up.js');
    const { textProgress, silentProgress } = await import('../up/progress.js');
    const progress = g.json ? silentProgress : textProgress(UP_STEPS);
    if (!flags.headless && !g.json && !tty)
      progress.warn(
        'tao up: not a terminal, so running headless (no console); pass --headless to silence this',
      );
    // Ctrl-C while it comes up: up stops what it started and exits 130 (a second Ctrl-C kills it at once).
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    const result = await runUp({ ...opts, signal: abort.signal }, progress).finally(() =>
      process.off('SIGINT', onSigint),
    );
    if (!headless) {
      process.exitCode = await openConsole(g.home, result.node, g.wallet);
      process.stderr.write('the market keeps running: tao console to come back, tao down to stop it\n');
      return;
    }
    emit(g.json, result, (d) =>
      [
        `live market on ${d.node}, subnet ${d.netuid}`,
        '',
        table(
          ['name', 'flavour', 'uid', 'port', 'hotkey'],
          d.peers.map((p) => [p.name, p.flavour, String(p.uid), String(p.port), p.hotkey]),
        ),
        '',
        keyValues([
          ['your wallet', `${d.wallet.name}${d.wallet.created ? ' (DEV WALLET — no password)' : ''}`],
          ['your peer', `default (uid ${d.peers.find((p) => p.flavour === 'own')?.uid ?? '?'})`],
          ['attach', d.attach],
          ['peer status', 'tao peer status'],
          ['stop', 'tao down'],
        ]),
      ].join('\n'),
    );
  });

  withExamples(
    program
      .command('down')
      .description(
        'stop what tao up started (peers, then its ledger node; the supervisor if nothing else runs)',
      )
      .option(
        '--purge',
        'also delete the dev chain and the neighbours’ dev wallets (a later up starts fresh)',
      ),
    'tao down',
    'tao down --purge --json',
  ).action(async (flags: { purge?: boolean }, cmd: Command) => {
    const g = globalsOf(cmd);
    const { runDown } = await import('../up/down.js');
    const { textProgress, silentProgress } = await import('../up/progress.js');
    const r = await runDown(
      g.home,
      { purge: Boolean(flags.purge) },
      g.json ? silentProgress : textProgress(0),
    );
    emit(g.json, r, (d) => {
      if (d.nothing_recorded && d.stopped.length === 0 && !d.supervisor_stopped)
        return 'nothing to stop: tao up has not started anything here';
      const lines = [`stopped: ${d.stopped.map((s) => s.name).join(', ') || 'nothing was running'}`];
      if (d.supervisor_stopped) lines.push('supervisor stopped');
      else if (d.kept.length > 0) lines.push(`the supervisor keeps running for: ${d.kept.join(', ')}`);
      if (d.purged.length > 0) lines.push(`deleted: ${d.purged.join(', ')}`);
      else
        lines.push('chain data and wallets kept: tao up resumes this market (tao down --purge deletes it)');
      return lines.join('\n');
    });
  });
}
