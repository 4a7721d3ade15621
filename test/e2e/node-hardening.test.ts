/**
 * Requests that used to kill or hog a real node process (`bin/tao.js node start`, the dist build): deeply nested
 * transactions, a timestamp that overflows the next block, slow request bodies, and connections that use up
 * the process's file descriptors. After each, the node still serves.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/crypto/hex.js';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { signTx } from '../../src/crypto/tx.js';
import { TAO_BIN, tempHome } from '../helpers/tao.js';
import { freePort, type Json, kill, type NodeProc, rpc, rpcRaw } from './node-helpers.js';

const homes: (() => void)[] = [];
let node: NodeProc | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await kill(node);
  node = undefined;
});
afterAll(() => {
  for (const c of homes) c();
});

/** `tao node start --dev` under an optional `prlimit` and extra environment, as startNode does otherwise. */
async function start(
  args: string[],
  opts: { env?: Record<string, string>; nofile?: number } = {},
): Promise<NodeProc> {
  const h = tempHome('tao-node-hard-');
  homes.push(h.cleanup);
  const port = await freePort();
  const argv = [TAO_BIN, 'node', 'start', '--dev', '--rpc-port', String(port), '--home', h.home, ...args];
  const child: ChildProcess = opts.nofile
    ? spawn('prlimit', [`--nofile=${opts.nofile}:${opts.nofile}`, process.execPath, ...argv], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', ...opts.env },
      })
    : spawn(process.execPath, argv, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', ...opts.env },
      });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let done = false;
  void exited.then(() => (done = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
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

const alive = (p: NodeProc) => p.child.exitCode === null && p.child.signalCode === null;

function open(url: string): Promise<Socket> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(port), '127.0.0.1', () => resolve(s));
    s.on('error', reject);
    sockets.push(s);
  });
}

/** One JSON-RPC call over an already open socket (raw HTTP/1.1, keep-alive). */
function rawRpc(s: Socket, method: string, params: unknown): Promise<Json> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString();
      const split = text.indexOf('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(text);
      if (split >= 0 && len && text.length >= split + 4 + Number(len[1])) {
        s.off('data', onData);
        resolve(JSON.parse(text.slice(split + 4, split + 4 + Number(len[1]))));
      }
    };
    s.on('data', onData);
    s.once('close', () => reject(new Error(`connection closed; got: ${text.slice(0, 300)}`)));
    s.write(
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}

describe('a node that no request can kill', () => {
  it('answers a batch of 4000-deep nested txs with E_MALFORMED_TX per tx, and keeps serving', async () => {
    node = await start(['--instant']);
    const deep = `${'['.repeat(4000)}${']'.repeat(4000)}`;
    const body = `{"jsonrpc":"2.0","id":1,"method":"tx_submitBatch","params":{"txs":[${deep},${deep}]}}`;
    const res = await fetch(node.url, { method: 'POST', body });
    const reply = (await res.json()) as Json;
    expect(reply.error).toBeUndefined();
    expect(reply.result.results.map((r: Json) => r.error?.code)).toEqual([
      'E_MALFORMED_TX',
      'E_MALFORMED_TX',
    ]);
    // the same deep value as a single tx, and deep inside a call
    const one = await rpcRaw(node.url, 'tx_submit', { tx: { call: JSON.parse(deep) } });
    expect(one.error?.data?.code).toBe('E_MALFORMED_TX');
    // still serving, and the signature workers still work: a real batch is admitted and included
    const info = await rpc(node.url, 'system_info');
    const pair = keyPairFromUri('//hardening', 'ed25519');
    const txs = [0, 1, 2].map((nonce) =>
      signTx(pair, {
        genesisHash: fromHex(info.genesis_hash),
        nonce,
        expiry: 1_000_000,
        call: { type: 'faucet' },
      }),
    );
    const ok = await rpc(node.url, 'tx_submitBatch', { txs: [...txs, JSON.parse(deep)] });
    expect(ok.results.slice(0, 3).every((r: Json) => typeof r.tx_hash === 'string')).toBe(true);
    expect(ok.results[3].error.code).toBe('E_MALFORMED_TX');
    await rpc(node.url, 'dev_mine', { blocks: 1 });
    expect(alive(node)).toBe(true);
    expect(node.output()).not.toMatch(/RangeError|unhandled/i);
  });

  it('refuses a dev_setTime that would overflow a block timestamp (-32602), and keeps producing blocks', async () => {
    node = await start(['--block-time', '100']);
    for (const timestamp of [9007199254740990, Number.MAX_SAFE_INTEGER, 8_640_000_000_000_001]) {
      const r = await rpcRaw(node.url, 'dev_setTime', { timestamp });
      expect(r.error?.code, String(timestamp)).toBe(-32602);
    }
    const head = (await rpc(node.url, 'chain_head')).number;
    const mined = await rpc(node.url, 'dev_mine', { blocks: 2 });
    expect(mined.head.number).toBeGreaterThanOrEqual(head + 2);
    expect(alive(node)).toBe(true);
  });

  it('closes slow-body requests at the configured request timeout (408), and caps /events subscribers', async () => {
    const timeoutMs = 1500;
    node = await start(['--instant'], {
      env: { TAO_RPC_REQUEST_TIMEOUT_MS: String(timeoutMs), TAO_SSE_MAX_CLIENTS: '1' },
    });
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const s = await open(node!.url);
        s.write(
          'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
        );
        const drip = setInterval(() => s.write(' '), 200);
        let text = '';
        s.on('data', (d: Buffer) => (text += d.toString()));
        // fails by the test's own timeout when the node never closes it
        await new Promise((r) => s.once('close', r));
        clearInterval(drip);
        return text;
      }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(timeoutMs);
    for (const a of answers) expect(a).toMatch(/^HTTP\/1\.1 408/);
    // one subscriber is the cap: the second gets 503, and a slot frees when the first leaves
    const ctrl = new AbortController();
    const first = await fetch(`${node.url}/events`, { signal: ctrl.signal });
    expect(first.status).toBe(200);
    const second = await fetch(`${node.url}/events`);
    expect(second.status).toBe(503);
    expect(((await second.json()) as Json).error.message).toMatch(/subscribers/);
    ctrl.abort();
    await first.body?.cancel().catch(() => undefined);
    for (;;) {
      const again = await fetch(`${node.url}/events`);
      await again.body?.cancel();
      if (again.status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(alive(node)).toBe(true);
  }, 15_000);

  // prlimit (util-linux) starts the node with a low open-file limit
  const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
  it.skipIf(!hasPrlimit)(
    'keeps writing blocks when connections would use up its file descriptors (prlimit 256)',
    async () => {
      node = await start(['--block-time', '100'], { nofile: 256 });
      const rpcSocket = await open(node.url); // opened before the flood, kept alive
      // Half-open requests (headers never finish) until the node starts closing new ones: it is at its limit
      // (before the connection cap: out of descriptors, libuv accepting and closing the rest).
      const { port } = new URL(node.url);
      let closedByNode = 0;
      const flood = () => {
        for (let i = 0; i < 50; i++) {
          const s = connect(Number(port), '127.0.0.1', () => s.write('POST / HTTP/1.1\r\nHost: x\r\n'));
          s.on('error', () => undefined);
          s.on('close', () => closedByNode++);
          sockets.push(s);
        }
      };
      while (closedByNode === 0 && sockets.length < 2000) {
        flood();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(closedByNode).toBeGreaterThan(0);
      // ~4 MB of blocks, so LevelDB opens a new log and table file, while the flood goes on
      const more = setInterval(flood, 50);
      const mined = await rawRpc(rpcSocket, 'dev_mine', { blocks: 4000 }).finally(() => clearInterval(more));
      expect(mined.error).toBeUndefined();
      expect(mined.result.head.number).toBeGreaterThanOrEqual(4000);
      for (const s of sockets.splice(0)) s.destroy();
      const head = (await rpc(node.url, 'chain_head')).number;
      for (;;) {
        if ((await rpc(node.url, 'chain_head')).number > head) break; // the block timer still commits
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(alive(node)).toBe(true);
      expect(node.output()).not.toMatch(/fatal|Too many open files/);
    },
    20_000,
  );
});
