/**
 * The localnet process itself (`tao localnet serve`, started detached by `tao localnet start`, or in the
 * foreground): Chopsticks serving a chain spec built from the real runtime on 127.0.0.1, plus a block timer
 * in `--block-time` mode. Writes its run info when listening and removes its pid file when it stops.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadChopsticks } from './chopsticks.js';
import { endpointFor, httpEndpointFor, localnetPaths } from './paths.js';

export type BlockMode = 'instant' | 'manual' | 'interval';

export interface ServeOptions {
  home: string;
  specPath: string;
  port: number;
  mode: BlockMode;
  /** Milliseconds between blocks in `interval` mode. */
  blockTimeMs?: number;
  runtimePath?: string;
}

/** What a running localnet writes to `$TAO_HOME/localnet/localnet.json` once it listens. */
export interface RunInfo {
  pid: number;
  port: number;
  endpoint: string;
  http_endpoint: string;
  block_mode: BlockMode;
  block_time_ms?: number;
  runtime?: string;
  spec: string;
  started_at: number;
  listening_ms: number;
}

export interface Served {
  info: RunInfo;
  close: () => Promise<void>;
}

/** Starts Chopsticks and the block timer; resolves once the RPC server listens. */
export async function serve(opts: ServeOptions): Promise<Served> {
  const t0 = Date.now();
  const chopsticks = await loadChopsticks('info');
  const config = {
    genesis: opts.specPath.includes('/') ? opts.specPath : `./${opts.specPath}`,
    'build-block-mode':
      opts.mode === 'instant' ? chopsticks.BuildBlockMode.Instant : chopsticks.BuildBlockMode.Manual,
    'allow-unresolved-imports': true,
    'mock-signature-host': false,
    host: '127.0.0.1',
    port: opts.port,
  };
  const server = await chopsticks.setupWithServer(
    config as unknown as Parameters<typeof chopsticks.setupWithServer>[0],
  );
  let timer: NodeJS.Timeout | undefined;
  if (opts.mode === 'interval' && opts.blockTimeMs) {
    let building = false;
    timer = setInterval(() => {
      if (building) return;
      building = true;
      server.chain
        .newBlock()
        .catch((e: unknown) => process.stderr.write(`block timer: ${e instanceof Error ? e.message : e}\n`))
        .finally(() => {
          building = false;
        });
    }, opts.blockTimeMs);
  }
  const info: RunInfo = {
    pid: process.pid,
    port: opts.port,
    endpoint: endpointFor(opts.port),
    http_endpoint: httpEndpointFor(opts.port),
    block_mode: opts.mode,
    ...(opts.blockTimeMs ? { block_time_ms: opts.blockTimeMs } : {}),
    ...(opts.runtimePath ? { runtime: opts.runtimePath } : {}),
    spec: opts.specPath,
    started_at: t0,
    listening_ms: Date.now() - t0,
  };
  const files = localnetPaths(opts.home);
  mkdirSync(files.dir, { recursive: true });
  writeFileSync(files.pid, `${process.pid}\n`);
  writeFileSync(files.info, `${JSON.stringify(info, null, 2)}\n`);
  return {
    info,
    close: async () => {
      if (timer) clearInterval(timer);
      await server.close();
      removeOwnFiles(opts.home);
    },
  };
}

/** Removes the pid and info files when they still name this process. */
export function removeOwnFiles(home: string): void {
  const files = localnetPaths(home);
  try {
    if (readFileSync(files.pid, 'utf8').trim() !== String(process.pid)) return;
  } catch {
    return;
  }
  rmSync(files.pid, { force: true });
  rmSync(files.info, { force: true });
}

/** Runs until SIGTERM/SIGINT, then closes the server and exits. */
export async function serveUntilSignalled(
  opts: ServeOptions,
  onReady: (info: RunInfo) => void,
): Promise<void> {
  const served = await serve(opts);
  onReady(served.info);
  await new Promise<void>((resolve) => {
    let closing = false;
    const stop = () => {
      if (closing) return;
      closing = true;
      const force = setTimeout(() => process.exit(0), 3000);
      force.unref();
      served.close().finally(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  process.exit(0);
}
