/**
 * Answers of the ledger node that no other test reached, asked over real HTTP (a real LedgerNode behind
 * createRpcServer on a loopback port): -32600 for what is not a JSON-RPC request, E_UNKNOWN_BLOCK,
 * system_metrics, dev_setTime's effect on the next block, subnet_bonds after an epoch, E_BAD_AXON, and
 * the pool and state limits E_NONCE_IN_POOL, E_POOL_FULL, E_TOO_MANY_SUBNETS and E_OVERFLOW. Blocks are produced only by dev_mine (the block timer is
 * set far out), and the node's clock is injected, so every timestamp is exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/crypto/hex.js';
import { signTx } from '../../src/crypto/tx.js';
import { devGenesis } from '../../src/ledger/state/genesis.js';
import { LedgerNode } from '../../src/ledger/node/node.js';
import { createRpcServer } from '../../src/ledger/node/server.js';
import { key } from './helpers.js';

const MAX_U64 = 2n ** 64n - 1n;
const GENESIS_TIME = 1_700_000_000_000;
const POOL = 3;

const dir = mkdtempSync(join(tmpdir(), 'tao-untested-rpc-'));
let clock = GENESIS_TIME + 1000;
let node: LedgerNode;
let server: Server;
let url: string;
let genesisHash: string;

const alice = key('//Alice', 'sr25519');
const bob = key('//Bob', 'sr25519');
const charlie = key('//Charlie', 'sr25519');
const dave = key('//Dave', 'sr25519');

beforeAll(async () => {
  node = await LedgerNode.open({
    dataDir: join(dir, 'data'),
    genesis: () => {
      const g = devGenesis(GENESIS_TIME, 4);
      // Room for one more subnet (dev has subnet 1); Dave holds all but 5 rao of what a balance can hold.
      g.params = { ...g.params, max_subnets: 2, max_supply: MAX_U64 };
      g.balances = g.balances.map((b) => (b.address === dave.address ? { ...b, free: MAX_U64 - 5n } : b));
      return g;
    },
    blockTimeMs: 2_000_000_000,
    poolCapacity: POOL,
    now: () => clock,
  });
  node.start();
  server = createRpcServer(node, {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  genesisHash = (await call('system_info')).result.genesis_hash;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: untyped JSON from the wire, checked field by field
type Reply = { result?: any; error?: { code: number; message: string; data?: { code: string } } };

async function post(body: string): Promise<Reply> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return (await res.json()) as Reply;
}

const call = (method: string, params?: unknown) =>
  post(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));

const signed = (signer: typeof alice, nonce: number, c: Record<string, unknown>) =>
  signTx(signer.pair, {
    genesisHash: fromHex(genesisHash),
    nonce,
    expiry: 1_000_000,
    call: c as { type: string },
  });

const submit = (signer: typeof alice, nonce: number, c: Record<string, unknown>) =>
  call('tx_submit', { tx: signed(signer, nonce, c) });

const transfer = (to: typeof alice, amount: bigint) => ({
  type: 'transfer',
  dest: to.address,
  amount: amount.toString(),
});

describe('the ledger node over HTTP', () => {
  it('answers -32600 to a body that is JSON but not a JSON-RPC request', async () => {
    for (const body of ['5', '"x"', 'null', '{"jsonrpc":"1.0","id":1,"method":"system_info"}', '[]']) {
      const r = await post(body);
      expect(r.error?.code, body).toBe(-32600);
      expect(r.result, body).toBeUndefined();
    }
    expect((await post('{"jsonrpc":"2.0","id":1,"method":"system_info"}')).result.chain).toBe('tao-dev');
  });

  it('answers E_UNKNOWN_BLOCK for a block past the head, and serves the head itself', async () => {
    const head = (await call('chain_head')).result.number as number;
    const r = await call('chain_block', { number: head + 1 });
    expect(r.error?.data?.code).toBe('E_UNKNOWN_BLOCK');
    expect(r.error?.message).toContain(`head is ${head}`);
    expect((await call('chain_block', { number: head })).error).toBeUndefined();
  });

  it('dev_setTime moves the next block to that instant, and refuses a time before the head', async () => {
    const target = GENESIS_TIME + 10 * 86_400_000;
    expect((await call('dev_setTime', { timestamp: target })).result.timestamp).toBe(target);
    const mined = (await call('dev_mine', { blocks: 1 })).result.head;
    expect(mined.timestamp).toBe(target);
    clock += 1500;
    expect((await call('dev_mine', { blocks: 1 })).result.head.timestamp).toBe(target + 1500);
    const back = await call('dev_setTime', { timestamp: target - 1 });
    expect(back.error?.data?.code).toBe('E_BAD_CALL');
  });

  it('refuses a second transaction with a nonce already pending (E_NONCE_IN_POOL), then a full pool (E_POOL_FULL)', async () => {
    const nonce = (await call('account_info', { address: alice.address })).result.nonce as number;
    expect((await submit(alice, nonce, transfer(bob, 1n))).result.tx_hash).toMatch(/^0x/);
    const again = await submit(alice, nonce, transfer(bob, 2n));
    expect(again.error?.data?.code).toBe('E_NONCE_IN_POOL');
    for (let i = 1; i < POOL; i++)
      expect((await submit(alice, nonce + i, transfer(bob, 1n))).error).toBeUndefined();
    const metrics = (await call('system_metrics')).result;
    expect(metrics.pool_pending).toBe(POOL);
    const full = await submit(alice, nonce + POOL, transfer(bob, 1n));
    expect(full.error?.data?.code).toBe('E_POOL_FULL');
    await call('dev_mine', { blocks: 1 });
    expect((await call('system_metrics')).result.pool_pending).toBe(0);
    expect((await call('account_info', { address: alice.address })).result.nonce).toBe(nonce + POOL);
  });

  it('system_metrics counts the blocks it committed and starts over after reset', async () => {
    await call('system_metrics', { reset: true });
    await call('dev_mine', { blocks: 3 });
    const m = (await call('system_metrics')).result;
    expect(m.commit_ms.count).toBe(3);
    expect(m.build_ms.count).toBe(3);
    expect(m.rss_bytes).toBeGreaterThan(0);
    await call('system_metrics', { reset: true });
    expect((await call('system_metrics')).result.commit_ms.count).toBe(0);
  });

  it('refuses a subnet past max_subnets with E_TOO_MANY_SUBNETS', async () => {
    const status = async (hash: string) => (await call('tx_status', { tx_hash: hash })).result;
    const outcome = async (signer: typeof alice) => {
      const nonce = (await call('account_info', { address: signer.address })).result.nonce as number;
      const r = await submit(signer, nonce, { type: 'create_subnet' });
      if (r.error) return r.error.data?.code;
      await call('dev_mine', { blocks: 1 });
      const s = await status(r.result.tx_hash);
      return s.error?.code ?? s.status;
    };
    expect(await outcome(bob)).toBe('included');
    expect(await outcome(charlie)).toBe('E_TOO_MANY_SUBNETS');
    expect((await call('subnet_list')).result.subnets.map((s: { netuid: number }) => s.netuid)).toEqual([
      1, 2,
    ]);
  });

  it('refuses a transfer that would take a balance past 2^64 - 1 rao (E_OVERFLOW)', async () => {
    const nonce = (await call('account_info', { address: bob.address })).result.nonce as number;
    const r = await submit(bob, nonce, transfer(dave, 6n));
    let code = r.error?.data?.code;
    if (!r.error) {
      await call('dev_mine', { blocks: 1 });
      code = (await call('tx_status', { tx_hash: r.result.tx_hash })).result.error?.code;
    }
    expect(code).toBe('E_OVERFLOW');
    expect((await call('account_info', { address: dave.address })).result.free).toBe(
      (MAX_U64 - 5n).toString(),
    );
  });

  it('subnet_bonds: none without weights; after weights and an epoch, the validator bonds its miners', async () => {
    const v = key('//untested-v');
    const miners = [key('//untested-m1'), key('//untested-m2')];
    const nonce = (await call('account_info', { address: alice.address })).result.nonce as number;
    const registrations = [v, ...miners].map((k) => ({
      type: 'burned_register',
      netuid: 1,
      hotkey: k.address,
    }));
    for (const [i, c] of registrations.entries())
      expect((await submit(alice, nonce + i, c)).error).toBeUndefined();
    await call('dev_mine', { blocks: 1 });
    const stake = { type: 'add_stake', hotkey: v.address, amount: (100n * 10n ** 9n).toString() };
    expect((await submit(alice, nonce + 3, stake)).error).toBeUndefined();
    const meta = (await call('subnet_metagraph', { netuid: 1 })).result;
    const uidOf = (k: typeof alice) =>
      (meta.neurons as { uid: number; hotkey: string }[]).find((n) => n.hotkey === k.address)!.uid;
    const [vu, m1, m2] = [uidOf(v), uidOf(miners[0]!), uidOf(miners[1]!)];
    // Registration counts as a weights update: wait out weights_rate_limit (tempo 4 on dev: 2 blocks).
    const { weights_rate_limit: limit } = (await call('subnet_hyperparameters', { netuid: 1 })).result;
    expect(limit).toBeGreaterThan(0);
    await call('dev_mine', { blocks: limit });
    expect((await call('subnet_bonds', { netuid: 1 })).result.rows).toEqual([]); // no weights, no bonds
    const weights = { type: 'set_weights', netuid: 1, uids: [m1, m2], weights: [40000, 20000] };
    expect((await submit(v, 0, weights)).error).toBeUndefined();
    // The axon rule holds over the wire too: an address node:net would not accept is E_BAD_AXON.
    const axon = await submit(v, 1, { type: 'serve_axon', netuid: 1, ip: ':::::', port: 8091 });
    expect(axon.error?.data?.code).toBe('E_BAD_AXON');
    await call('dev_mine', { blocks: 5 }); // tempo 4: an epoch in any 5 blocks
    const rows = (await call('subnet_bonds', { netuid: 1 })).result.rows as {
      uid: number;
      bonds: number[][];
    }[];
    expect(rows.map((r) => r.uid)).toEqual([vu]);
    expect(rows[0]!.bonds.map(([j]) => j).sort()).toEqual([m1, m2].sort());
    expect(rows[0]!.bonds.every(([, b]) => b! > 0)).toBe(true);
  });
});
