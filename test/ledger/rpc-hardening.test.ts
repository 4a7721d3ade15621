/**
 * The RPC server's bounds, on a real LedgerNode and createRpcServer over real sockets: what an `/events`
 * subscriber that never reads may hold (dropped past its backlog cap), how many subscribers there may be (503
 * beyond), and the signature pool's answer to transactions too deep to hand to a worker thread (the compiled
 * pool in dist/, whose real worker threads could not clone them).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devGenesis } from '../../src/ledger/state/genesis.js';
import { connectionCap, limitsFromEnv, resolveLimits } from '../../src/ledger/node/limits.js';
import { LedgerNode } from '../../src/ledger/node/node.js';
import { createRpcServer } from '../../src/ledger/node/server.js';
import type * as PoolModule from '../../src/ledger/node/verify-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'tao-rpc-hard-'));
const sock = join(dir, 'rpc.sock');
let node: LedgerNode;
let server: Server;

// A Unix socket keeps the kernel's share of a non-reading client's backlog small (a TCP loopback socket
// buffers megabytes), so a few thousand blocks of head events pass the test's cap.
beforeAll(async () => {
  node = await LedgerNode.open({
    dataDir: join(dir, 'data'),
    genesis: () => devGenesis(Date.now()),
    blockTimeMs: 0,
  });
  node.start();
  server = createRpcServer(node, { sseMaxClients: 2, sseMaxBacklogBytes: 32 * 1024 });
  await new Promise<void>((r) => server.listen(sock, r));
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function post(method: string, params: unknown): Promise<{ result?: unknown; error?: { code: number } }> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sock, path: '/', method: 'POST' }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** GET /events: the status, and (when 200) the response to read from or abandon. */
function subscribe(): Promise<{ status: number; body: string; close: () => void; text: () => string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sock, path: '/events' }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      const out = { status: res.statusCode ?? 0, body: '', close: () => req.destroy(), text: () => text };
      if (res.statusCode === 200) resolve(out);
      else res.on('end', () => resolve({ ...out, body: text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A subscriber that reads the response head and then never reads again. */
function stalledSubscriber(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(sock, () => s.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n'));
    s.once('data', () => {
      s.pause();
      resolve(s);
    });
    s.on('error', reject);
  });
}

const heads = (text: string) =>
  [...text.matchAll(/event: head\ndata: \{"number":(\d+)/g)].map((m) => Number(m[1]));

describe('GET /events bounds', () => {
  it('drops a subscriber that never reads once its backlog passes the cap, and answers 503 past the subscriber cap', async () => {
    const reader = await subscribe();
    expect(reader.status).toBe(200);
    const stalled = await stalledSubscriber();
    const third = await subscribe();
    expect(third.status).toBe(503);
    expect(JSON.parse(third.body).error.message).toMatch(/subscribers/);
    // mine until the stalled subscriber's slot is free again: the node dropped it
    let mined = 0;
    for (;;) {
      await post('dev_mine', { blocks: 250 });
      mined += 250;
      const next = await subscribe();
      if (next.status === 200) {
        next.close();
        break;
      }
      expect(mined, 'the stalled subscriber was never dropped').toBeLessThan(8000);
    }
    // the reading subscriber was not dropped: it sees the head
    const head = node.head.number;
    for (;;) {
      if (heads(reader.text()).includes(head)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    reader.close();
    // the stalled one, read at last, ends early: its connection was closed by the node
    stalled.resume();
    let text = '';
    stalled.on('data', (d: Buffer) => (text += d.toString()));
    await new Promise((r) => stalled.once('close', r));
    const got = heads(text);
    expect(got.length).toBeGreaterThan(0);
    expect(Math.max(...got)).toBeLessThan(head);
  }, 20_000);
});

describe('dev_setTime bounds', () => {
  it('answers -32602 for a timestamp whose next blocks would not be safe integers, and takes the largest Date', async () => {
    for (const timestamp of [9007199254740990, 8_640_000_000_000_001])
      expect((await post('dev_setTime', { timestamp })).error?.code).toBe(-32602);
    expect((await post('dev_setTime', { timestamp: 8_640_000_000_000_000 })).error).toBeUndefined();
    const mined = (await post('dev_mine', { blocks: 2 })) as { result: { head: { timestamp: number } } };
    expect(mined.result.head.timestamp).toBeGreaterThanOrEqual(8_640_000_000_000_000);
  });
});

const BUILT = new URL('../../dist/ledger/node/verify-pool.js', import.meta.url);
const GENESIS = `0x${'ab'.repeat(32)}`;

describe.skipIf(!existsSync(BUILT))('VerifyPool and deeply nested transactions', () => {
  it('answers E_MALFORMED_TX for each tx too deep to send to a worker, with no unhandled rejection', async () => {
    const { VerifyPool } = (await import(BUILT.href)) as typeof PoolModule;
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const pool = new VerifyPool(2);
    try {
      const deep = JSON.parse(`${'['.repeat(4000)}${']'.repeat(4000)}`);
      const deepCall = {
        call: { type: 'transfer', dest: JSON.parse(`${'['.repeat(4000)}1${']'.repeat(4000)}`) },
      };
      const chunks = pool.checkChunks([deep, deep, deepCall, {}], GENESIS, 1);
      const verdicts = (await Promise.all(chunks)).flat() as { code?: string }[];
      expect(verdicts.map((v) => v.code)).toEqual([
        'E_MALFORMED_TX',
        'E_MALFORMED_TX',
        'E_MALFORMED_TX',
        'E_MALFORMED_TX',
      ]);
      await new Promise((r) => setImmediate(r)); // rejections nobody handled are reported by now
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await pool.close();
    }
  });
});

describe('server limits', () => {
  it('caps connections below the open-file limit, leaving a reserve for LevelDB', () => {
    expect(connectionCap(1024, 30)).toBe(1024 - 30 - 128);
    expect(connectionCap(256, 33)).toBe(256 - 33 - 32);
    expect(connectionCap(64, 40)).toBe(1);
    expect(connectionCap(1_000_000, 30)).toBe(4096);
    expect(connectionCap(undefined, 30)).toBe(4096);
  });

  it('reads positive integers from the environment and ignores the rest with a warning', () => {
    const warnings: string[] = [];
    const env = {
      TAO_RPC_REQUEST_TIMEOUT_MS: '1500',
      TAO_SSE_MAX_CLIENTS: '0',
      TAO_RPC_MAX_CONNECTIONS: 'x',
    };
    const got = limitsFromEnv(env, (l) => warnings.push(l));
    expect(got).toEqual({ requestTimeoutMs: 1500 });
    expect(warnings).toHaveLength(2);
    // headers never wait longer than the whole request may
    expect(resolveLimits(got).headersTimeoutMs).toBe(1500);
  });
});
