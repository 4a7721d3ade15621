/**
 * Starting, stopping and finding the localnet process: `start` builds (or reuses) the genesis, launches
 * `tao localnet serve` detached (pid file + log under `$TAO_HOME/localnet/`) and waits until it answers;
 * `stop` sends SIGTERM, then SIGKILL after a grace period; `status` asks the endpoint.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TaoError, usageError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';
import { TAO_BIN } from '../supervisor/launch.js';
import { portBusy } from '../up/probe.js';
import { assertChopsticksInstalled } from './chopsticks.js';
import { ensureGenesis } from './genesis.js';
import {
  DEFAULT_LOCALNET_PORT,
  endpointFor,
  httpEndpointFor,
  localnetPaths,
  runtimeCacheDir,
} from './paths.js';
import { type ChainHead, chainHead } from '../chain/subtensor/http-rpc.js';
import { resolveRuntime } from './runtime.js';
import { isAlive, runningLocalnet } from './running.js';
import type { BlockMode, RunInfo } from './serve.js';

export { isAlive, runningLocalnet };

export interface StartOptions {
  home: string;
  runtime?: string;
  port?: number;
  mode: BlockMode;
  blockTimeMs?: number;
  /** Progress lines for people (stderr). */
  progress?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface StartResult extends ChainHead {
  running: true;
  already_running: boolean;
  endpoint: string;
  http_endpoint: string;
  port: number;
  pid: number;
  block_mode: BlockMode;
  block_time_ms?: number;
  runtime?: string;
  log: string;
  genesis_build_ms?: number;
  start_ms?: number;
}

function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function resultFrom(info: RunInfo, head: ChainHead, home: string, already: boolean): StartResult {
  return {
    running: true,
    already_running: already,
    endpoint: info.endpoint,
    http_endpoint: info.http_endpoint,
    port: info.port,
    pid: info.pid,
    block_mode: info.block_mode,
    ...(info.block_time_ms ? { block_time_ms: info.block_time_ms } : {}),
    ...(info.runtime ? { runtime: info.runtime } : {}),
    log: localnetPaths(home).log,
    ...head,
  };
}

/** What a second start gets while one runs: the running one, or a refusal when it asked for another port. */
async function answerRunning(
  home: string,
  running: { pid: number; info?: RunInfo },
  opts: StartOptions,
): Promise<StartResult> {
  if (!running.info)
    throw new TaoError(
      'E_LOCALNET_RUNNING',
      `a localnet is starting in this home (pid ${running.pid}); run tao localnet status in a moment`,
      2,
    );
  if (opts.port !== undefined && opts.port !== running.info.port)
    throw usageError(
      'E_LOCALNET_RUNNING',
      `a localnet already runs in this home on port ${running.info.port} (pid ${running.pid}); one per home`,
      'stop it first with tao localnet stop, or use another --home',
    );
  return resultFrom(running.info, await chainHead(running.info.http_endpoint), home, true);
}

export async function startLocalnet(opts: StartOptions): Promise<StartResult> {
  const progress = opts.progress ?? (() => undefined);
  const running = runningLocalnet(opts.home);
  if (running) return answerRunning(opts.home, running, opts);
  assertChopsticksInstalled();
  const port = opts.port ?? DEFAULT_LOCALNET_PORT;
  const runtime = resolveRuntime(opts.runtime);
  if (await portBusy(port))
    throw usageError('E_PORT_IN_USE', `port ${port} on 127.0.0.1 is in use`, 'pick another --port');
  const t0 = Date.now();
  const genesis = await ensureGenesis(runtime.path, runtimeCacheDir(), progress);
  const files = localnetPaths(opts.home);
  mkdirSync(files.dir, { recursive: true });
  progress(`starting the localnet on ${endpointFor(port)} (runtime ${runtime.path})`);
  const tStart = Date.now();
  const pid = launchServe(opts.home, {
    specPath: genesis.specPath,
    port,
    mode: opts.mode,
    runtimePath: runtime.path,
    ...(opts.blockTimeMs ? { blockTimeMs: opts.blockTimeMs } : {}),
  });
  writeFileSync(files.pid, `${pid}\n`);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  for (;;) {
    await sleep(100);
    if (!isAlive(pid)) {
      rmSync(files.pid, { force: true });
      throw new TaoError(
        'E_LOCALNET_START_FAILED',
        `the localnet exited while starting; last lines of ${files.log}:\n${logTail(files.log)}`,
        1,
      );
    }
    const now = runningLocalnet(opts.home);
    if (now?.info) {
      try {
        const head = await chainHead(now.info.http_endpoint, 2000);
        return {
          ...resultFrom(now.info, head, opts.home, false),
          genesis_build_ms: genesis.buildMs,
          start_ms: Date.now() - tStart,
        };
      } catch {
        // listening but not answering yet
      }
    }
    if (Date.now() > deadline) {
      await stopLocalnet(opts.home);
      throw new TaoError(
        'E_LOCALNET_START_FAILED',
        `the localnet did not answer within ${Math.round((Date.now() - t0) / 1000)} s; last lines of ${files.log}:\n${logTail(files.log)}`,
        1,
      );
    }
  }
}

interface LaunchSpec {
  specPath: string;
  port: number;
  mode: BlockMode;
  blockTimeMs?: number;
  runtimePath: string;
}

/** The serve subcommand's argv for a launch spec. */
export function serveArgs(home: string, s: LaunchSpec): string[] {
  return [
    '--home',
    resolve(home),
    'localnet',
    'serve',
    '--genesis',
    s.specPath,
    '--port',
    String(s.port),
    '--mode',
    s.mode,
    '--runtime',
    s.runtimePath,
    ...(s.blockTimeMs ? ['--block-time', String(s.blockTimeMs)] : []),
  ];
}

function launchServe(home: string, s: LaunchSpec): number {
  const files = localnetPaths(home);
  const fd = openSync(files.log, 'w', 0o600);
  try {
    const child = spawn(process.execPath, [TAO_BIN, ...serveArgs(home, s)], {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: files.dir,
      env: { ...process.env, TAO_HOME: resolve(home), NO_COLOR: '1' },
    });
    child.unref();
    if (child.pid === undefined)
      throw new TaoError('E_LOCALNET_START_FAILED', 'could not launch the localnet', 1);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export interface StopResult {
  stopped: boolean;
  pid?: number;
  killed?: boolean;
}

export async function stopLocalnet(home: string, graceMs = 5000): Promise<StopResult> {
  const running = runningLocalnet(home);
  const files = localnetPaths(home);
  if (!running) return { stopped: false };
  const { pid } = running;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  let killed = false;
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    killed = true;
    while (isAlive(pid)) await sleep(20);
  }
  rmSync(files.pid, { force: true });
  rmSync(files.info, { force: true });
  return { stopped: true, pid, killed };
}

export interface StatusResult {
  running: boolean;
  endpoint: string;
  spec_name?: string;
  spec_version?: number;
  head?: number;
  head_hash?: string;
  pid?: number;
  block_mode?: BlockMode;
}

/** The endpoint of this home's localnet, else the given or default port. */
export function localnetPort(home: string, port?: number): number {
  return port ?? runningLocalnet(home)?.info?.port ?? DEFAULT_LOCALNET_PORT;
}

export async function localnetStatus(home: string, port?: number): Promise<StatusResult> {
  const running = runningLocalnet(home);
  const p = port ?? running?.info?.port ?? DEFAULT_LOCALNET_PORT;
  try {
    const head = await chainHead(httpEndpointFor(p), 3000);
    const ours = running?.info?.port === p ? running.info : undefined;
    return {
      running: true,
      endpoint: endpointFor(p),
      ...head,
      ...(ours ? { pid: ours.pid, block_mode: ours.block_mode } : {}),
    };
  } catch (e) {
    if (e instanceof TaoError && e.exitCode === 4) return { running: false, endpoint: endpointFor(p) };
    throw e;
  }
}
