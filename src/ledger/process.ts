/**
 * The node process: run in the foreground (`tao node start`: pid file `$TAO_HOME/run/node.pid`, run info
 * `run/node.json`), or detached as the supervisor child `node` (`--detach`: restarted when it crashes, log
 * `logs/node.log`); stop (the supervised child, else the pid file's process: SIGTERM, then SIGKILL after a
 * grace period), status over RPC (+ the supervisor's view), reset of the data dir.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { printError } from '../cli/handle-error.js';
import { TaoError, usageError } from '../core/errors.js';
import { paths } from '../core/paths.js';
import { type SupervisorClient, connectSupervisor, ensureSupervisor } from '../supervisor/client.js';
import { pidAlive } from '../supervisor/instance.js';
import { TAO_BIN } from '../supervisor/launch.js';
import type { ChildStatus } from '../supervisor/types.js';
import { exitStory } from '../up/node.js';
import { NODE_CHILD, nodeSpec, rpcUrl } from '../up/plan.js';
import { portBusy, probeNode } from '../up/probe.js';
import { devGenesis, localGenesis } from './genesis.js';
import { limitsFromEnv } from './limits.js';
import { LedgerNode } from './node.js';
import { pidFile, type RunInfo, readRunInfo, runFile } from './run-info.js';
import { createRpcServer, listen } from './server.js';

export { type RunInfo, readRunInfo };

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

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

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
  const server = createRpcServer(node, limitsFromEnv());
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
    if (e instanceof TaoError) return void shutdown(printError(e, false)); // e.g. E_STORAGE: exit 2
    process.stderr.write(`fatal: ${(e as Error).stack ?? e}\n`);
    void shutdown(1);
  });
  // A rejected promise nobody awaited left no half-done state change behind (whoever would have handled it
  // has moved on): log it and keep serving. A synchronous throw nobody caught may have stopped a change
  // halfway: log it and shut down cleanly (exit 1; a detached node is restarted by the supervisor).
  process.on('unhandledRejection', (reason: unknown) => {
    process.stderr.write(`error (a bug; the node keeps serving): unhandled rejection: ${stackOf(reason)}\n`);
  });
  process.on('uncaughtException', (e: unknown) => {
    process.stderr.write(`fatal: uncaught exception: ${stackOf(e)}\n`);
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
    created: node.created,
    ...devCreated(node),
  });
  await new Promise<never>(() => undefined);
}

const stackOf = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e));

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The supervisor's `node` child when a supervisor answers for `home` (never starts one). */
async function supervisedNode(
  home: string,
): Promise<{ client: SupervisorClient; child?: ChildStatus } | null> {
  const client = await connectSupervisor(home).catch(() => null);
  if (!client) return null;
  try {
    const child = (await client.status()).children.find((c) => c.name === NODE_CHILD);
    return child ? { client, child } : { client };
  } catch {
    client.close();
    return null;
  }
}

const ACTIVE = new Set(['starting', 'running', 'restarting']);

/** What dev mode created, from `system_info` (the node reports its own genesis). */
function devFromInfo(info: Record<string, unknown>): Record<string, unknown> {
  if (!info.dev) return {};
  const accounts = (info.dev_accounts ?? []) as { name: string; address: string; genesis_free: string }[];
  return {
    dev_accounts: accounts.map((a) => ({ name: a.name, address: a.address, free: a.genesis_free })),
    dev_subnets: info.dev_subnets ?? [],
    faucet: true,
  };
}

/**
 * `tao node start --detach`: registers the node as the supervisor child `node` (starting the supervisor
 * on demand), waits until its RPC answers and reports it. A crash of the node is then the supervisor's to
 * restart; a node that exits during startup fails this call with its own last output.
 */
export async function startSupervised(opts: StartOptions): Promise<Record<string, unknown>> {
  const running = await supervisedNode(opts.home);
  running?.client.close();
  const existing = running?.child;
  if (existing && ACTIVE.has(existing.state))
    throw new TaoError(
      'E_NODE_RUNNING',
      `the supervisor already runs a node (pid ${existing.pid ?? '?'}, ${String(existing.meta.rpc_url ?? '?')})`,
      2,
      'tao node stop',
    );
  const legacy = readRunInfo(opts.home);
  if (legacy)
    throw new TaoError(
      'E_NODE_RUNNING',
      `a node is already running (pid ${legacy.pid}, ${legacy.rpc})`,
      2,
      'tao node stop',
    );
  const url = rpcUrl(opts.rpcPort, opts.rpcHost);
  if (await probeNode(url, 1000))
    throw new TaoError('E_NODE_RUNNING', `a node already answers at ${url}`, 2, 'tao node stop');
  if (LOOPBACK.has(opts.rpcHost) && (await portBusy(opts.rpcPort)))
    throw usageError(
      'E_PORT_IN_USE',
      `port ${opts.rpcPort} on ${opts.rpcHost} is in use`,
      'pick another --rpc-port',
    );
  const client = await ensureSupervisor(opts.home);
  try {
    const dataDir = resolve(opts.dataDir ?? defaultDataDir(opts.home));
    await client.start(
      nodeSpec({
        bin: TAO_BIN,
        home: resolve(opts.home),
        rpcPort: opts.rpcPort,
        rpcHost: opts.rpcHost,
        blockTimeMs: opts.blockTimeMs,
        ...(opts.tempo !== undefined ? { tempo: opts.tempo } : {}),
        dataDir,
        dev: opts.dev,
        startedBy: 'tao node start',
      }),
      { replace: true },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      const info = await probeNode(url, 1000);
      const child = (await client.status()).children.find((c) => c.name === NODE_CHILD);
      if (info && child)
        return {
          running: true,
          block: info.head,
          rpc_url: url,
          supervised: true,
          pid: child.pid,
          data_dir: dataDir,
          log: child.logFile,
          chain: info.chain,
          genesis_hash: info.genesis_hash,
          dev: info.dev,
          block_time_ms: info.block_time_ms,
          ...devFromInfo(info),
        };
      if (!child || child.lastExit || !ACTIVE.has(child.state) || Date.now() > deadline) {
        const why = child ? exitStory(child) : 'the supervisor lost the child';
        await client.remove(NODE_CHILD).catch(() => undefined);
        // A daemon started just for this node has nothing left to do.
        if (client.started && (await client.status()).children.length === 0)
          await client.shutdown().catch(() => undefined);
        throw new TaoError(
          'E_NODE_START_FAILED',
          Date.now() > deadline
            ? `the node did not answer at ${url} within 30 s`
            : `the node did not start: ${why}`,
          1,
          child ? `see ${child.logFile}` : undefined,
        );
      }
      await sleep(100);
    }
  } finally {
    client.close();
  }
}

async function stopPidFile(home: string, graceMs: number): Promise<Record<string, unknown>> {
  let pid: number | undefined;
  try {
    pid = Number(readFileSync(pidFile(home), 'utf8').trim());
  } catch {}
  if (!pid || !pidAlive(pid)) {
    rmSync(pidFile(home), { force: true });
    rmSync(runFile(home), { force: true });
    return { stopped: false, running: false, message: 'no node is running' };
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid) && Date.now() < deadline) await sleep(50);
  let killed = false;
  if (pidAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    killed = true;
    while (pidAlive(pid)) await sleep(20);
  }
  rmSync(pidFile(home), { force: true });
  rmSync(runFile(home), { force: true });
  return { stopped: true, running: false, supervised: false, pid, killed };
}

/**
 * `tao node stop`: stops and removes the supervisor child `node` (SIGTERM, SIGKILL after its grace);
 * without one, the node in the pid file (a foreground node, or a detached one from an older version).
 */
export async function stopNode(home: string, graceMs = 10_000): Promise<Record<string, unknown>> {
  const sup = await supervisedNode(home);
  if (sup) {
    try {
      if (sup.child) {
        const active = ACTIVE.has(sup.child.state);
        const pid = sup.child.pid;
        const removed = await sup.client.remove(NODE_CHILD);
        if (active)
          return {
            stopped: true,
            running: false,
            supervised: true,
            pid,
            killed: removed.lastExit?.signal === 'SIGKILL',
          };
      }
    } finally {
      sup.client.close();
    }
  }
  return stopPidFile(home, graceMs);
}

/** `tao node status`: the RPC's view (running, block, …) plus the supervisor's when the node is its child. */
export async function nodeStatus(home: string, nodeUrl: string): Promise<Record<string, unknown>> {
  const sup = await supervisedNode(home);
  sup?.client.close();
  const child = sup?.child;
  const run = readRunInfo(home);
  const url = typeof child?.meta.rpc_url === 'string' ? child.meta.rpc_url : (run?.rpc ?? nodeUrl);
  const supervisor = child
    ? {
        supervisor: {
          state: child.state,
          pid: child.pid,
          restarts: child.restarts,
          uptime_ms: child.uptimeMs,
          log: child.logFile,
        },
      }
    : {};
  try {
    const info = await rpcCall(url, 'system_info');
    return {
      running: true,
      block: info.head,
      rpc: url,
      supervised: child !== undefined,
      ...(run && !child ? { pid: run.pid, data_dir: run.data_dir } : {}),
      ...info,
      ...supervisor,
    };
  } catch {
    return {
      running: false,
      block: null,
      rpc: url,
      supervised: child !== undefined,
      ...(run && !child ? { pid: run.pid } : {}),
      ...supervisor,
    };
  }
}

export async function resetNode(home: string, dataDir?: string): Promise<Record<string, unknown>> {
  const run = readRunInfo(home);
  if (run)
    throw new TaoError(
      'E_NODE_RUNNING',
      `a node is running (pid ${run.pid}); stop it first`,
      2,
      'tao node stop',
    );
  const sup = await supervisedNode(home);
  sup?.client.close();
  if (sup?.child && ACTIVE.has(sup.child.state))
    throw new TaoError(
      'E_NODE_RUNNING',
      `the supervisor runs a node (pid ${sup.child.pid ?? '?'}); stop it first`,
      2,
      'tao node stop',
    );
  const dir = dataDir ?? defaultDataDir(home);
  const existed = existsSync(dir);
  rmSync(dir, { recursive: true, force: true });
  return { reset: true, data_dir: dir, existed };
}
