/** Real ledger node processes for e2e tests: spawn `bin/tao.js node start`, wait for RPC, call it, kill it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { expect } from 'vitest';
import { parseJson, TAO_BIN, type TaoResult } from '../helpers/tao.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface NodeProc {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

export async function startNode(home: string, port: number, extra: string[] = []): Promise<NodeProc> {
  const child = spawn(
    process.execPath,
    [TAO_BIN, 'node', 'start', '--dev', '--rpc-port', String(port), '--home', home, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  let done = false;
  void exited.then(() => (done = true));
  while (Date.now() < deadline && !done) {
    try {
      await rpc(url, 'system_info');
      return { child, url, output: () => out, exited };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`node did not start:\n${out}`);
}

/** An RPC result as parsed JSON; the tests check it field by field. */
// biome-ignore lint/suspicious/noExplicitAny: untyped JSON from the wire
export type Json = any;

export interface RpcReply {
  result?: Json;
  error?: { code: number; message: string; data?: { code: string } };
}

export async function rpcRaw(url: string, method: string, params?: unknown): Promise<RpcReply> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return (await res.json()) as RpcReply;
}

export async function rpc(url: string, method: string, params?: unknown): Promise<Json> {
  const r = await rpcRaw(url, method, params);
  if (r.error) throw Object.assign(new Error(`${method}: ${r.error.message}`), { rpc: r.error });
  return r.result;
}

export async function kill(p: NodeProc | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  await p.exited;
}

/** A `tao --json` transaction command that exited 0 with its transaction included: its JSON report. */
export function expectIncluded(r: TaoResult): Json {
  expect(r.code, r.stderr).toBe(0);
  const out = parseJson<Json>(r);
  expect(out.status).toBe('included');
  return out;
}

/** Mines blocks while the next one would run an epoch of one of these subnets (an epoch pays α to stakes). */
export async function clearOfEpochs(url: string, netuids: number[]): Promise<void> {
  const { isEpochBlock } = await import('../../src/ledger/state/epoch-schedule.js');
  const { tempo } = await rpc(url, 'subnet_hyperparameters', { netuid: netuids[0] });
  for (;;) {
    const head = (await rpc(url, 'chain_head')).number as number;
    if (!netuids.some((n) => isEpochBlock(head + 1, n, tempo))) return;
    await rpc(url, 'dev_mine', { blocks: 1 });
  }
}
