import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { fromHex } from '../../src/crypto/hex.js';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { signTx } from '../../src/crypto/tx.js';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { freePort, type Json, kill, type NodeProc, rpc, rpcRaw, startNode } from './node-helpers.js';

const homes: (() => void)[] = [];
let node: NodeProc | undefined;
afterEach(async () => {
  await kill(node);
  node = undefined;
});
afterAll(() => {
  for (const c of homes) c();
});

function home(): string {
  const h = tempHome('tao-node-e2e-');
  homes.push(h.cleanup);
  return h.home;
}

const sender = keyPairFromUri('//e2e-sender', 'ed25519');
const senderAddr = encodeAddress(sender.publicKey);
const dest = encodeAddress(keyPairFromUri('//e2e-dest', 'ed25519').publicKey);

function tx(genesis: string, nonce: number, call: Record<string, unknown>, expiry = 1_000_000) {
  return signTx(sender, { genesisHash: fromHex(genesis), nonce, expiry, call: call as { type: string } });
}

async function waitFinal(url: string, hash: string): Promise<Json> {
  for (;;) {
    const s = await rpc(url, 'tx_status', { tx_hash: hash });
    if (s.status !== 'pending') return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ledger node process', () => {
  it('keeps every acknowledged transfer across repeated SIGKILLs; supply stays accounted; verify passes', async () => {
    const h = home();
    const port = await freePort();
    const included: { hash: string; amount: bigint }[] = [];
    let genesis = '';
    for (let round = 0; round < 3; round++) {
      node = await startNode(h, port, ['--block-time', '50']);
      const info = await rpc(node.url, 'system_info');
      if (round === 0) {
        genesis = info.genesis_hash;
        const f = await rpc(node.url, 'tx_submit', {
          tx: tx(genesis, 0, { type: 'faucet', amount: '1000000000000' }),
        });
        expect((await waitFinal(node.url, f.tx_hash)).status).toBe('included');
      }
      expect(info.genesis_hash).toBe(genesis); // resumed the same chain
      // every tx acknowledged as included before a crash is still included after it
      for (const t of included)
        expect((await rpc(node.url, 'tx_status', { tx_hash: t.hash })).status).toBe('included');
      const stopAt = Date.now() + 400 + round * 150;
      let killed = false;
      const killer = new Promise<void>((r) =>
        setTimeout(async () => {
          killed = true;
          await kill(node);
          r();
        }, stopAt - Date.now()),
      );
      try {
        while (!killed) {
          const { nonce } = await rpc(node.url, 'account_info', { address: senderAddr });
          const amount = BigInt(1000 + included.length);
          const sent = await rpc(node.url, 'tx_submit', {
            tx: tx(genesis, nonce, { type: 'transfer', dest, amount: String(amount) }),
          });
          const s = await waitFinal(node.url, sent.tx_hash);
          if (s.status === 'included') included.push({ hash: sent.tx_hash, amount });
        }
      } catch {
        // the node was killed mid-request
      }
      await killer;
    }
    expect(included.length).toBeGreaterThan(3);
    node = await startNode(h, port, ['--instant']); // no new blocks while we read the balances
    for (const t of included)
      expect((await rpc(node.url, 'tx_status', { tx_hash: t.hash })).status).toBe('included');
    const destInfo = await rpc(node.url, 'account_info', { address: dest });
    expect(BigInt(destInfo.free)).toBeGreaterThanOrEqual(included.reduce((s, t) => s + t.amount, 0n));
    // Σ free of every account + pools' τ (reserve + held fees) + burned + locked = total issuance (no stake
    // exists on this chain)
    const info = await rpc(node.url, 'system_info');
    let sum = 0n;
    for (const a of [...info.dev_accounts.map((d: { address: string }) => d.address), senderAddr, dest])
      sum += BigInt((await rpc(node.url, 'account_info', { address: a })).free);
    for (const s of (await rpc(node.url, 'subnet_list')).subnets)
      sum += BigInt(s.tao_in) + BigInt(s.tao_fees);
    sum += BigInt(info.burned) + BigInt(info.locked);
    expect(sum).toBe(BigInt(info.total_issuance));
    await kill(node, 'SIGTERM');
    const v = await runTao(['node', 'verify', '--json'], { home: h, timeoutMs: 60_000 });
    expect(v.code).toBe(0);
    expect(parseJson<{ ok: boolean; head: number }>(v).ok).toBe(true);
  });

  it('answers malformed, oversized, wrongly typed and replayed requests with errors and keeps serving', async () => {
    const h = home();
    node = await startNode(h, await freePort(), ['--instant']);
    const url = node.url;
    const post = (body: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const malformed = await post('{"jsonrpc":"2.0",');
    expect(((await malformed.json()) as Json).error.code).toBe(-32700);
    const big = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'system_info',
        params: { pad: 'x'.repeat(1_100_000) },
      }),
    );
    expect(big.status).toBe(413);
    expect(((await big.json()) as Json).error.data.code).toBe('E_TOO_LARGE');
    expect((await rpcRaw(url, 'account_info', { address: 42 })).error?.code).toBe(-32602);
    expect((await rpcRaw(url, 'account_info', { address: '5notanaddress' })).error?.data?.code).toBe(
      'E_BAD_ADDRESS',
    );
    expect((await rpcRaw(url, 'chain_block', { number: 'one' })).error?.code).toBe(-32602);
    expect((await rpcRaw(url, 'tx_submit', { tx: 'nope' })).error?.code).toBe(-32602);
    expect((await rpcRaw(url, 'no_such_method')).error?.code).toBe(-32601);
    const info = await rpc(url, 'system_info');
    const t0 = tx(info.genesis_hash, 0, { type: 'faucet' });
    const first = await rpc(url, 'tx_submit', { tx: t0 });
    expect((await waitFinal(url, first.tx_hash)).status).toBe('included');
    const replay = await rpcRaw(url, 'tx_submit', { tx: t0 });
    expect(replay.error?.code).toBe(-32000);
    expect(replay.error?.data?.code).toBe('E_STALE_NONCE');
    const bad = { ...tx(info.genesis_hash, 1, { type: 'faucet' }), nonce: 2 };
    expect((await rpcRaw(url, 'tx_submit', { tx: bad })).error?.data?.code).toBe('E_BAD_SIGNATURE');
    const wrongChain = tx(`0x${'11'.repeat(32)}`, 1, { type: 'faucet' });
    expect((await rpcRaw(url, 'tx_submit', { tx: wrongChain })).error?.data?.code).toBe('E_WRONG_CHAIN');
    const poor = await rpcRaw(url, 'tx_submit', {
      tx: tx(info.genesis_hash, 1, { type: 'transfer', dest, amount: String(10n ** 18n) }),
    });
    expect(poor.error?.data?.code).toBe('E_INSUFFICIENT_BALANCE');
    expect((await rpc(url, 'chain_head')).number).toBeGreaterThan(0);
  });

  it('tx_submitBatch checks a large batch in worker threads with the same verdicts, in order', async () => {
    const h = home();
    node = await startNode(h, await freePort(), ['--instant']);
    const info = await rpc(node.url, 'system_info');
    const f = await rpc(node.url, 'tx_submit', { tx: tx(info.genesis_hash, 0, { type: 'faucet' }) });
    expect((await waitFinal(node.url, f.tx_hash)).status).toBe('included');
    const txs: unknown[] = [];
    for (let n = 1; n <= 100; n++)
      txs.push(tx(info.genesis_hash, n, { type: 'transfer', dest, amount: String(n) }));
    txs[10] = { ...(txs[10] as object), nonce: 999 }; // signature no longer matches
    txs[20] = tx(`0x${'22'.repeat(32)}`, 21, { type: 'faucet' });
    txs[30] = { nonsense: true };
    const { results } = await rpc(node.url, 'tx_submitBatch', { txs });
    expect(results).toHaveLength(100);
    expect(results[10].error.code).toBe('E_BAD_SIGNATURE');
    expect(results[20].error.code).toBe('E_WRONG_CHAIN');
    expect(results[30].error.code).toBe('E_MALFORMED_TX');
    const ok = results.filter((r: Json) => r.tx_hash);
    expect(ok).toHaveLength(97);
    // nonces 1..10 are included; 12.. wait behind the gap at 11 (rejected), as with tx_submit
    expect((await waitFinal(node.url, results[9].tx_hash)).status).toBe('included');
    expect((await rpc(node.url, 'tx_status', { tx_hash: results[11].tx_hash })).status).toBe('pending');
  });

  it('refuses a second node on the same data dir with a clear message', async () => {
    const h = home();
    node = await startNode(h, await freePort());
    const second = await runTao(
      ['node', 'start', '--dev', '--rpc-port', String(await freePort()), '--json'],
      {
        home: h,
        timeoutMs: 20_000,
      },
    );
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('E_NODE_LOCKED');
    expect(second.stderr).toMatch(/in use by another node/);
    expect((await rpc(node.url, 'system_info')).dev).toBe(true);
  });

  it('dev_mine, dev_snapshot and dev_revert move the head and restore the state', async () => {
    const h = home();
    node = await startNode(h, await freePort(), ['--instant']);
    const { id } = await rpc(node.url, 'dev_snapshot');
    const before = await rpc(node.url, 'chain_head');
    const mined = await rpc(node.url, 'dev_mine', { blocks: 25 });
    expect(mined.head.number).toBe(before.number + 25);
    const reverted = await rpc(node.url, 'dev_revert', { id });
    expect(reverted.head.number).toBe(before.number);
    expect(reverted.head.hash).toBe(before.hash);
    expect((await rpc(node.url, 'chain_head')).state_root).toBe(before.state_root);
  });
});
