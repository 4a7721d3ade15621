/**
 * The node process seen from another process: start it detached as the supervisor child `node`
 * (`tao node start --detach`: restarted when it crashes, log `logs/node.log`), stop it (the supervised
 * child, else the pid file's process: SIGTERM, then SIGKILL after a grace period), its status over RPC
 * (+ the supervisor's view), and reset of its data dir. Never loads the ledger itself (foreground.ts does).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { TaoError, usageError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';
import { type SupervisorClient, connectSupervisor, ensureSupervisor } from '../supervisor/client.js';
import { pidAlive } from '../supervisor/instance.js';
import { TAO_BIN } from '../supervisor/launch.js';
import type { ChildStatus } from '../supervisor/types.js';
import { exitStory } from '../up/node.js';
import { NODE_CHILD, nodeSpec, rpcUrl } from '../up/plan.js';
import { portBusy, probeNode } from '../up/probe.js';
import type { StartOptions } from './foreground.js';
import { defaultDataDir, LOOPBACK, pidFile, readRunInfo, runFile } from './run-info.js';

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
    // Raw: the status reports every field the node has, as the node names it. The client (undici) is
    // loaded here only: start/stop/reset do not need it.
    const { NodeClient } = await import('../client/node-client.js');
    const info = (await new NodeClient(url, { timeoutMs: 2000, retries: 0 }).call('system_info')) as Record<
      string,
      unknown
    >;
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
