/**
 * The node process: run in the foreground (`tao node start`), or detached (setsid, pid file
 * `$TAO_HOME/run/node.pid`, run info `run/node.json`, log `logs/node.log`) until the supervisor takes over;
 * stop (SIGTERM, then SIGKILL after a grace period), status over RPC, reset and verify of the data dir.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TaoError, usageError } from '../core/errors.js';
import { paths } from '../core/paths.js';
import { devGenesis, localGenesis } from './genesis.js';
import { LedgerNode } from './node.js';
import { createRpcServer, listen } from './server.js';

export interface StartOptions {
  home: string;
  dev: boolean;
  blockTimeMs: number; // 0 = instant
  tempo?: number;
  rpcPort: number;
  rpcHost: string;
  dataDir?: string;
}

export const defaultDataDir = (home: string) => join(paths(home).node, 'data');
const pidFile = (home: string) => join(paths(home).run, 'node.pid');
const runFile = (home: string) => join(paths(home).run, 'node.json');
export const logFile = (home: string) => join(paths(home).logs, 'node.log');

export interface RunInfo {
  pid: number;
  rpc: string;
  data_dir: string;
  started_at: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readRunInfo(home: string): RunInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(runFile(home), 'utf8')) as RunInfo;
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the node in this process until SIGTERM/SIGINT. Calls `onReady` once it serves RPC. */
export async function runNode(
  opts: StartOptions,
  onReady: (info: Record<string, unknown>) => void,
): Promise<void> {
  if (!LOOPBACK.has(opts.rpcHost))
    process.stderr.write(
      `warning: RPC bound to ${opts.rpcHost}: anyone who can reach this address can submit transactions and read the chain\n`,
    );
  const dataDir = opts.dataDir ?? defaultDataDir(opts.home);
  const node = await LedgerNode.open({
    dataDir,
    blockTimeMs: opts.blockTimeMs,
    genesis: () => (opts.dev ? devGenesis(Date.now(), opts.tempo) : localGenesis(Date.now(), opts.tempo)),
  });
  if (node.dev !== opts.dev)
    process.stderr.write(
      `note: the chain in ${dataDir} is a ${node.dev ? 'dev' : 'non-dev'} chain; it keeps its genesis (tao node reset to start over)\n`,
    );
  const server = createRpcServer(node);
  try {
    await listen(server, opts.rpcPort, opts.rpcHost);
  } catch (e) {
    await node.stop();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw usageError(
        'E_PORT_IN_USE',
        `port ${opts.rpcPort} on ${opts.rpcHost} is in use`,
        'pick another --rpc-port',
      );
    throw e;
  }
  const host = opts.rpcHost.includes(':') ? `[${opts.rpcHost}]` : opts.rpcHost;
  const rpc = `http://${host}:${opts.rpcPort}`;
  mkdirSync(paths(opts.home).run, { recursive: true });
  const info: RunInfo = { pid: process.pid, rpc, data_dir: dataDir, started_at: Date.now() };
  writeFileSync(pidFile(opts.home), `${process.pid}\n`);
  writeFileSync(runFile(opts.home), JSON.stringify(info));
  node.start();
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    await node.stop().catch(() => undefined);
    try {
      if (readFileSync(pidFile(opts.home), 'utf8').trim() === String(process.pid)) {
        rmSync(pidFile(opts.home), { force: true });
        rmSync(runFile(opts.home), { force: true });
      }
    } catch {}
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  node.events.on('fatal', (e: unknown) => {
    process.stderr.write(`fatal: ${(e as Error).stack ?? e}\n`);
    void shutdown(1);
  });
  onReady({
    running: true,
    pid: process.pid,
    rpc,
    data_dir: dataDir,
    block: node.head.number,
    chain: node.genesisConfig.chain,
    genesis_hash: node.genesisHash,
    dev: node.dev,
    block_time_ms: opts.blockTimeMs,
    ...devCreated(node),
  });
  await new Promise<never>(() => undefined);
}

function devCreated(node: LedgerNode): Record<string, unknown> {
  if (!node.dev) return {};
  const g = node.genesisConfig;
  return {
    dev_accounts: g.balances.map((b) => ({ name: b.name, address: b.address, free: b.free.toString() })),
    dev_subnets: g.subnets,
    faucet: true,
  };
}

async function rpcCall(url: string, method: string, timeoutMs = 2000): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { result?: Record<string, unknown>; error?: { message: string } };
  if (!body.result) throw new Error(body.error?.message ?? 'no result');
  return body.result;
}

/** Starts `tao node start …` (without --detach) as a detached session leader and waits until it serves. */
export async function startDetached(
  opts: StartOptions,
  argv: readonly string[],
): Promise<Record<string, unknown>> {
  const running = readRunInfo(opts.home);
  if (running)
    throw new TaoError(
      'E_NODE_RUNNING',
      `a node is already running (pid ${running.pid}, ${running.rpc})`,
      2,
      'tao node stop',
    );
  mkdirSync(paths(opts.home).logs, { recursive: true });
  const log = openSync(logFile(opts.home), 'a');
  const args = argv.slice(1).filter((a) => a !== '--detach');
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, TAO_HOME: opts.home },
  });
  child.unref();
  const host = opts.rpcHost.includes(':') ? `[${opts.rpcHost}]` : opts.rpcHost;
  const rpc = `http://${host}:${opts.rpcPort}`;
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? 1;
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (exited !== null)
      throw new TaoError(
        'E_NODE_START_FAILED',
        `the node exited during startup (code ${exited})`,
        1,
        `see ${logFile(opts.home)}`,
      );
    try {
      const info = await rpcCall(rpc, 'system_info', 500);
      return {
        running: true,
        detached: true,
        pid: child.pid,
        rpc,
        log: logFile(opts.home),
        block: info.head,
        ...info,
      };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new TaoError(
    'E_NODE_START_FAILED',
    'the node did not answer within 20 s',
    1,
    `see ${logFile(opts.home)}`,
  );
}

export async function stopNode(home: string, graceMs = 10_000): Promise<Record<string, unknown>> {
  let pid: number | undefined;
  try {
    pid = Number(readFileSync(pidFile(home), 'utf8').trim());
  } catch {}
  if (!pid || !isAlive(pid)) {
    rmSync(pidFile(home), { force: true });
    rmSync(runFile(home), { force: true });
    return { stopped: false, running: false, message: 'no node is running' };
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  let killed = false;
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    killed = true;
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));
  }
  rmSync(pidFile(home), { force: true });
  rmSync(runFile(home), { force: true });
  return { stopped: true, running: false, pid, killed };
}

export async function nodeStatus(home: string, nodeUrl: string): Promise<Record<string, unknown>> {
  const run = readRunInfo(home);
  const url = run?.rpc ?? nodeUrl;
  try {
    const info = await rpcCall(url, 'system_info');
    return {
      running: true,
      block: info.head,
      rpc: url,
      ...(run ? { pid: run.pid, data_dir: run.data_dir } : {}),
      ...info,
    };
  } catch {
    return { running: false, block: null, rpc: url, ...(run ? { pid: run.pid } : {}) };
  }
}

export function resetNode(home: string, dataDir?: string): Record<string, unknown> {
  const run = readRunInfo(home);
  if (run)
    throw new TaoError(
      'E_NODE_RUNNING',
      `a node is running (pid ${run.pid}); stop it first`,
      2,
      'tao node stop',
    );
  const dir = dataDir ?? defaultDataDir(home);
  const existed = existsSync(dir);
  rmSync(dir, { recursive: true, force: true });
  return { reset: true, data_dir: dir, existed };
}
