/**
 * Global setup of the Subtensor test project: ONE localnet on the real runtime, started through the real
 * binary (`tao localnet start --json`, instant blocks) in its own temp TAO_HOME on a free port, shared by
 * every test/subtensor file (they run one at a time). Provides its endpoint, home and base block; the
 * teardown stops it (and checks that stop really stopped it). Without a runtime or Chopsticks the suite
 * is skipped with one line, or fails loudly under CI=1 (see harness.ts `describeLocalnet`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveRuntime } from '../../src/localnet/runtime.js';

export interface SubtensorContext {
  /** Why the suite cannot run (no runtime, no Chopsticks), or null when the localnet is up. */
  skip: string | null;
  endpoint: string;
  httpEndpoint: string;
  home: string;
  port: number;
  pid: number;
  /** The head when the suite started: resetChain() returns to it. */
  baseBlock: number;
  baseHash: string;
  runtime: string;
  specName: string;
  specVersion: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    subtensor: SubtensorContext;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/tao.js');

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function tao(
  args: string[],
  home: string,
  timeoutMs: number,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res, rej) => {
    const env = { ...process.env, TAO_HOME: home, NO_COLOR: '1' };
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, out, err });
    });
  });
}

function whyNot(): string | null {
  try {
    resolveRuntime();
  } catch (e) {
    const hint = (e as { hint?: string }).hint ?? '';
    return `Subtensor tests need the runtime wasm: ${(e as Error).message}; ${hint}`;
  }
  try {
    createRequire(import.meta.url).resolve('@acala-network/chopsticks');
  } catch {
    return 'Subtensor tests need Chopsticks: npm install --no-save @acala-network/chopsticks@1.1.0';
  }
  return null;
}

const EMPTY: Omit<SubtensorContext, 'skip'> = {
  endpoint: '',
  httpEndpoint: '',
  home: '',
  port: 0,
  pid: 0,
  baseBlock: 0,
  baseHash: '',
  runtime: '',
  specName: '',
  specVersion: 0,
};

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const skip = whyNot();
  if (skip) {
    process.stderr.write(`\n[subtensor] ${process.env.CI ? 'FAILING' : 'skipped'}: ${skip}\n`);
    project.provide('subtensor', { skip, ...EMPTY });
    return undefined;
  }
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('test/subtensor runs the real binary: run `npm run build` first');
  const home = mkdtempSync(join(tmpdir(), 'tao-subtensor-'));
  const port = await freePort();
  const t0 = Date.now();
  const r = await tao(['localnet', 'start', '--port', String(port), '--json'], home, 240_000);
  if (r.code !== 0) {
    await tao(['localnet', 'stop'], home, 30_000);
    rmSync(home, { recursive: true, force: true });
    throw new Error(`tao localnet start failed (exit ${r.code}):\n${r.out}\n${r.err}`);
  }
  const started = JSON.parse(r.out) as {
    endpoint: string;
    http_endpoint: string;
    pid: number;
    head: number;
    head_hash: string;
    runtime: string;
    spec_name: string;
    spec_version: number;
  };
  process.stderr.write(
    `\n[subtensor] localnet ${started.spec_name} ${started.spec_version} at ${started.endpoint} (pid ${started.pid}) in ${Date.now() - t0} ms\n`,
  );
  project.provide('subtensor', {
    skip: null,
    endpoint: started.endpoint,
    httpEndpoint: started.http_endpoint,
    home,
    port,
    pid: started.pid,
    baseBlock: started.head,
    baseHash: started.head_hash,
    runtime: started.runtime,
    specName: started.spec_name,
    specVersion: started.spec_version,
  });
  return async () => {
    const stop = await tao(['localnet', 'stop', '--json'], home, 30_000);
    let alive = true;
    try {
      process.kill(started.pid, 0);
    } catch {
      alive = false;
    }
    if (alive) process.kill(started.pid, 'SIGKILL');
    rmSync(home, { recursive: true, force: true });
    const stopped = stop.code === 0 && (JSON.parse(stop.out) as { stopped: boolean }).stopped;
    if (!stopped || alive)
      throw new Error(
        `tao localnet stop did not stop the localnet (exit ${stop.code}): ${stop.out}${stop.err}`,
      );
  };
}
