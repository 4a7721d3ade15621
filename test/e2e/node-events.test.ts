import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/crypto/hex.js';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { signTx } from '../../src/crypto/tx.js';
import { tempHome } from '../helpers/tao.js';
import { freePort, type Json, kill, type NodeProc, rpc, startNode } from './node-helpers.js';

const homes: (() => void)[] = [];
let node: NodeProc | undefined;
afterEach(async () => {
  await kill(node);
  node = undefined;
});
afterAll(() => {
  for (const c of homes) c();
});

interface SseEvent {
  event: string;
  data: Json;
}

/** A real SSE subscription over fetch: parses `event:`/`data:` frames as they stream in. */
async function subscribe(url: string) {
  const ctrl = new AbortController();
  const res = await fetch(`${url}/events`, { signal: ctrl.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const events: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        let event = 'message';
        let data = '';
        for (const line of frame.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data !== '') events.push({ event, data: JSON.parse(data) });
        for (const w of waiters.splice(0)) w();
      }
    }
  })().catch(() => undefined);
  const waitFor = async (pred: (e: SseEvent) => boolean, what: string, ms = 15_000): Promise<SseEvent> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = events.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no ${what} event within ${ms} ms`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  const close = async () => {
    ctrl.abort();
    await pump;
  };
  return { events, waitFor, close };
}

describe('ledger node events (GET /events)', () => {
  it('streams head, tx (submitted → included) and epoch events after the block is stored', async () => {
    const h = tempHome('tao-node-sse-');
    homes.push(h.cleanup);
    node = await startNode(h.home, await freePort(), ['--instant']);
    const sub = await subscribe(node.url);
    try {
      const info = await rpc(node.url, 'system_info');
      const pair = keyPairFromUri('//sse-sender', 'ed25519');
      const tx = signTx(pair, {
        genesisHash: fromHex(info.genesis_hash),
        nonce: 0,
        expiry: 1_000_000,
        call: { type: 'faucet' },
      });
      const { tx_hash } = await rpc(node.url, 'tx_submit', { tx });
      const included = await sub.waitFor((e) => e.event === 'tx' && e.data.tx_hash === tx_hash, 'tx');
      expect(included.data.status).toBe('included');
      expect(typeof included.data.block).toBe('number');
      // the head event for that block came first, and the block is readable by then
      const head = sub.events.find((e) => e.event === 'head' && e.data.number === included.data.block);
      expect(head).toBeDefined();
      expect(sub.events.indexOf(head!)).toBeLessThan(sub.events.indexOf(included));
      expect(head!.data.hash).toBe((await rpc(node.url, 'chain_block', { number: head!.data.number })).hash);
      expect((await rpc(node.url, 'tx_status', { tx_hash })).status).toBe('included');
      // a rejected tx is announced with its error code
      const { tx_hash: again } = await rpc(node.url, 'tx_submit', {
        tx: signTx(pair, {
          genesisHash: fromHex(info.genesis_hash),
          nonce: 1,
          expiry: 1_000_000,
          call: { type: 'transfer', dest: info.dev_accounts[0].address, amount: '1' },
        }),
      });
      expect(
        (await sub.waitFor((e) => e.event === 'tx' && e.data.tx_hash === again, 'second tx')).data.status,
      ).toBe('included');
      // subnet 1 (tempo 10) runs its epoch at blocks 9, 20, …: mine past one
      await rpc(node.url, 'dev_mine', { blocks: 12 });
      const epoch = await sub.waitFor((e) => e.event === 'epoch', 'epoch');
      expect(epoch.data.netuid).toBe(1);
      expect((epoch.data.block + 1 + 1) % 11).toBe(0);
      const block = await rpc(node.url, 'chain_block', { number: epoch.data.block });
      expect(block.epochs).toContain(1);
      const heads = sub.events.filter((e) => e.event === 'head').map((e) => e.data.number);
      expect(heads).toEqual([...heads].sort((a, b) => a - b)); // in order, no repeats
      expect(new Set(heads).size).toBe(heads.length);
    } finally {
      await sub.close();
    }
  });
});
