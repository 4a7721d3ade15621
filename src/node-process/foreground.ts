/**
 * The ledger node run in this process (`tao node start` in the foreground, and the supervisor child `node`
 * that `--detach` and `tao up` launch): opens the chain, serves RPC, leaves its pid file
 * `$TAO_HOME/run/node.pid` and run info `run/node.json` while it serves, and shuts down cleanly on
 * SIGTERM/SIGINT. Starting, stopping and asking about a node from another process is control.ts.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { printError } from '../cli/handle-error.js';
import { TaoError, usageError } from '../core/errors.js';
import { paths } from '../core/paths.js';
import { devGenesis, localGenesis } from '../ledger/state/genesis.js';
import { limitsFromEnv } from '../ledger/node/limits.js';
import { LedgerNode } from '../ledger/node/node.js';
import { createRpcServer, listen } from '../ledger/node/server.js';
import { defaultDataDir, LOOPBACK, pidFile, type RunInfo, runFile } from './run-info.js';

export interface StartOptions {
  home: string;
  dev: boolean;
  blockTimeMs: number; // 0 = instant
  tempo?: number;
  rpcPort: number;
  rpcHost: string;
  dataDir?: string;
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
