/** Runs the real built `tao` binary in a child process with its own temporary TAO_HOME. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const TAO_BIN = resolve(import.meta.dirname, '../../bin/tao.js');

export interface TaoResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TaoRunOptions {
  home?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

export function runTao(args: readonly string[], options: TaoRunOptions = {}): Promise<TaoResult> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
  if (options.home) env.TAO_HOME = options.home;
  for (const key of ['TAO_PASSWORD', 'TAO_NODE', 'TAO_WALLET', 'TAO_HOTKEY']) {
    if (!options.env || !(key in options.env)) delete env[key];
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [TAO_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh temporary TAO_HOME; call the returned cleanup in afterAll/afterEach. */
export function tempHome(prefix = 'tao-test-'): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), prefix));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export function parseJson<T = unknown>(result: TaoResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}
