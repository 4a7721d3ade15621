/**
 * `tao localnet …`: the real Subtensor runtime as a local chain (Chopsticks): start, stop, status, mine,
 * fetch-runtime, and the hidden `serve` that start runs in the background. Handlers load lazily.
 */
import type { Command } from 'commander';
import { usageError } from '../core/errors.js';
import { type GlobalOptions, globalsOf } from './context.js';
import { emit, keyValues } from './output.js';
import { withExamples } from './program.js';

function intArg(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw usageError('E_BAD_FLAG', `${name} must be an integer in ${min}..${max}, got '${value}'`);
  return Number(value);
}

const stderrLine = (line: string) => process.stderr.write(`${line}\n`);

interface StartFlags {
  runtime?: string;
  port?: string;
  blockTime?: string;
  manual?: boolean;
  foreground?: boolean;
}

type BlockMode = 'instant' | 'manual' | 'interval';

function blockMode(flags: StartFlags): { mode: BlockMode; blockTimeMs?: number } {
  if (flags.manual && flags.blockTime !== undefined)
    throw usageError('E_BAD_FLAG', '--manual and --block-time exclude each other');
  if (flags.manual) return { mode: 'manual' };
  const ms = intArg(flags.blockTime, '--block-time', 100, 3_600_000);
  return ms === undefined ? { mode: 'instant' } : { mode: 'interval', blockTimeMs: ms };
}

export async function handleLocalnetStart(g: GlobalOptions, flags: StartFlags) {
  const { mode, blockTimeMs } = blockMode(flags);
  const port = intArg(flags.port, '--port', 1, 65535);
  const { startLocalnet } = await import('../localnet/process.js');
  return startLocalnet({
    home: g.home,
    mode,
    ...(blockTimeMs ? { blockTimeMs } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(flags.runtime ? { runtime: flags.runtime } : {}),
    progress: stderrLine,
  });
}

/** `--foreground`: genesis, then Chopsticks in this process until Ctrl-C. */
async function runForeground(g: GlobalOptions, flags: StartFlags): Promise<void> {
  const { mode, blockTimeMs } = blockMode(flags);
  const { runningLocalnet } = await import('../localnet/process.js');
  const { DEFAULT_LOCALNET_PORT, runtimeCacheDir } = await import('../localnet/paths.js');
  const { resolveRuntime } = await import('../localnet/runtime.js');
  const { ensureGenesis } = await import('../localnet/genesis.js');
  const { serveUntilSignalled } = await import('../localnet/serve.js');
  const running = runningLocalnet(g.home);
  if (running)
    throw usageError(
      'E_LOCALNET_RUNNING',
      `a localnet already runs in this home (pid ${running.pid})`,
      'tao localnet stop',
    );
  const runtime = resolveRuntime(flags.runtime);
  const genesis = await ensureGenesis(runtime.path, runtimeCacheDir(), stderrLine);
  await serveUntilSignalled(
    {
      home: g.home,
      specPath: genesis.specPath,
      port: intArg(flags.port, '--port', 1, 65535) ?? DEFAULT_LOCALNET_PORT,
      mode,
      runtimePath: runtime.path,
      ...(blockTimeMs ? { blockTimeMs } : {}),
    },
    (info) => emit(g.json, { running: true, ...info }, (d) => `${startText(d)}\nstop with Ctrl-C`),
  );
}

function startText(d: { endpoint: string; pid: number; block_mode: string; block_time_ms?: number }): string {
  const blocks =
    d.block_mode === 'instant'
      ? 'a block per transaction'
      : d.block_mode === 'manual'
        ? 'blocks only from tao localnet mine N'
        : `a block every ${d.block_time_ms} ms`;
  return [
    `Subtensor localnet at ${d.endpoint} (pid ${d.pid}, ${blocks})`,
    `use it with: tao --network ${d.endpoint} …   (or TAO_NETWORK=${d.endpoint})`,
    'dev accounts //Alice … //Ferdie are funded; //Alice is sudo',
  ].join('\n');
}

export function registerLocalnet(program: Command): void {
  const localnet = program
    .command('localnet')
    .description('the real Subtensor runtime as a local chain (Chopsticks): start, stop, status, mine');

  withExamples(
    localnet
      .command('start')
      .description('build the genesis from the runtime and run the localnet in the background')
      .option(
        '--runtime <file>',
        'runtime wasm (default: $TAO_SUBTENSOR_RUNTIME, else the newest in the cache)',
      )
      .option('--port <port>', 'RPC port, HTTP and WebSocket (default 9945)')
      .option('--block-time <ms>', 'a block every MS milliseconds (default: a block per transaction)')
      .option('--manual', 'blocks only from tao localnet mine N')
      .option('--foreground', 'run in this terminal until Ctrl-C'),
    'tao localnet start',
    'tao localnet start --port 9946 --block-time 2000 --json',
  ).action(async (flags: StartFlags, cmd: Command) => {
    const g = globalsOf(cmd);
    if (flags.foreground) return runForeground(g, flags);
    const r = await handleLocalnetStart(g, flags);
    emit(g.json, r, (d) =>
      [
        d.already_running ? 'already running:' : '',
        startText(d),
        `runtime ${d.spec_name} ${d.spec_version}, head #${d.head}; log ${d.log}`,
        'stop with tao localnet stop',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  });

  withExamples(
    localnet.command('stop').description('stop the localnet of this home (SIGTERM, then SIGKILL)'),
    'tao localnet stop',
  ).action(async (_flags: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    const { stopLocalnet } = await import('../localnet/process.js');
    const r = await stopLocalnet(g.home);
    emit(g.json, r, (d) =>
      d.stopped
        ? `localnet stopped (pid ${d.pid}${d.killed ? ', killed after the grace period' : ''})`
        : 'no localnet is running',
    );
  });

  withExamples(
    localnet
      .command('status')
      .description('is a localnet answering, which runtime, which head')
      .option('--port <port>', 'ask this port (default: the running one of this home, else 9945)'),
    'tao localnet status --json',
  ).action(async (flags: { port?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    const { localnetStatus } = await import('../localnet/process.js');
    const r = await localnetStatus(g.home, intArg(flags.port, '--port', 1, 65535));
    emit(g.json, r, (d) =>
      d.running
        ? keyValues([
            ['endpoint', d.endpoint],
            ['runtime', `${d.spec_name} ${d.spec_version}`],
            ['head', `#${d.head} ${d.head_hash}`],
            ...(d.pid ? ([['pid', String(d.pid)]] as const) : []),
            ...(d.block_mode ? ([['blocks', d.block_mode]] as const) : []),
          ])
        : `no localnet answers at ${d.endpoint}`,
    );
  });

  withExamples(
    localnet
      .command('mine')
      .description('produce N blocks now (dev_newBlock)')
      .argument('[n]', 'how many blocks', '1')
      .option('--port <port>', 'the localnet port (default: the running one of this home, else 9945)'),
    'tao localnet mine 10',
  ).action(async (n: string, flags: { port?: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    const count = intArg(n, 'N', 1, 1_000_000)!;
    const { localnetPort } = await import('../localnet/process.js');
    const { httpEndpointFor } = await import('../localnet/paths.js');
    const { mineBlocks } = await import('../localnet/mine.js');
    const port = localnetPort(g.home, intArg(flags.port, '--port', 1, 65535));
    const r = await mineBlocks(httpEndpointFor(port), count, (done, total) =>
      stderrLine(`mined ${done}/${total}`),
    );
    emit(
      g.json,
      r,
      (d) =>
        `mined ${d.mined} block${d.mined === 1 ? '' : 's'} in ${d.ms} ms; head #${d.head} ${d.head_hash}`,
    );
  });

  withExamples(
    localnet
      .command('fetch-runtime')
      .description("save a live node's runtime wasm (:code) into the runtime cache")
      .requiredOption('--from <url>', 'node URL: ws(s):// or http(s)://'),
    'tao localnet fetch-runtime --from wss://test.finney.opentensor.ai:443',
  ).action(async (flags: { from: string }, cmd: Command) => {
    const g = globalsOf(cmd);
    const { fetchRuntime } = await import('../localnet/fetch-runtime.js');
    const { runtimeCacheDir } = await import('../localnet/paths.js');
    stderrLine(`reading the runtime from ${flags.from}`);
    const r = await fetchRuntime(flags.from, runtimeCacheDir());
    emit(g.json, r, (d) => `saved ${d.spec_name} ${d.spec_version} (${d.bytes} bytes) to ${d.path}`);
  });

  withExamples(
    localnet
      .command('serve', { hidden: true })
      .description('the localnet process itself (what start runs in the background)')
      .requiredOption('--genesis <file>', 'raw chain spec built from the runtime')
      .option('--port <port>', 'RPC port', '9945')
      .option('--mode <mode>', 'instant | manual | interval', 'instant')
      .option('--block-time <ms>', 'milliseconds between blocks in interval mode')
      .option('--runtime <file>', 'the runtime the genesis came from (for status)'),
    'tao localnet serve --genesis ~/.cache/tao/subtensor/genesis/<sha>.json --port 9945',
  ).action(
    async (
      flags: { genesis: string; port: string; mode: string; blockTime?: string; runtime?: string },
      cmd: Command,
    ) => {
      const g = globalsOf(cmd);
      if (!['instant', 'manual', 'interval'].includes(flags.mode))
        throw usageError('E_BAD_FLAG', `--mode must be instant, manual or interval, got '${flags.mode}'`);
      const { serveUntilSignalled } = await import('../localnet/serve.js');
      const blockTimeMs = intArg(flags.blockTime, '--block-time', 100, 3_600_000);
      await serveUntilSignalled(
        {
          home: g.home,
          specPath: flags.genesis,
          port: intArg(flags.port, '--port', 1, 65535)!,
          mode: flags.mode as BlockMode,
          ...(blockTimeMs ? { blockTimeMs } : {}),
          ...(flags.runtime ? { runtimePath: flags.runtime } : {}),
        },
        (info) => stderrLine(`listening on ${info.endpoint} after ${info.listening_ms} ms`),
      );
    },
  );
}
