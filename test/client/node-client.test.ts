/** The client against a real ledger node (in-process LedgerNode + its real HTTP server, instant blocks). */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/client/node-client.js';
import type { NodeEvent } from '../../src/client/types.js';
import { feeOf, prepareTx, sendTx, signCall } from '../../src/client/send.js';
import { RpcTransport } from '../../src/client/transport.js';
import { TaoError } from '../../src/core/errors.js';
import type { Axon, NeuronJson } from '../../src/core/wire.js';
import { fromHex } from '../../src/crypto/hex.js';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { signTx } from '../../src/crypto/tx.js';
import { devGenesis } from '../../src/ledger/state/genesis.js';
import { LedgerNode } from '../../src/ledger/node/node.js';
import { createRpcServer, listen } from '../../src/ledger/node/server.js';

const TAO = 1_000_000_000n;
const alice = keyPairFromUri('//Alice');
const bob = keyPairFromUri('//Bob');
const nobody = keyPairFromUri('//NobodyHasFunds');
const addr = (p: { publicKey: Uint8Array }) => encodeAddress(p.publicKey);

let dir: string;
let node: LedgerNode;
let server: Server;
let client: NodeClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tao-client-node-'));
  node = await LedgerNode.open({ dataDir: dir, genesis: () => devGenesis(Date.now()), blockTimeMs: 0 });
  node.start();
  server = createRpcServer(node);
  const { port } = await listen(server, 0, '127.0.0.1');
  client = new NodeClient(`http://127.0.0.1:${port}`);
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function signed(pair: typeof alice, call: Record<string, unknown> & { type: string }, nonce?: number) {
  const [info, account, head] = await Promise.all([
    client.systemInfo(),
    client.accountInfo(addr(pair)),
    client.head(),
  ]);
  return signTx(pair, {
    genesisHash: fromHex(info.genesisHash),
    nonce: nonce ?? account.nonce + account.pending,
    expiry: head.number + 64,
    call,
  });
}

async function failure(p: Promise<unknown>): Promise<TaoError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TaoError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('NodeClient against a real dev node', () => {
  it('reads system info of a dev chain with its fee and dev accounts', async () => {
    const info = await client.systemInfo();
    expect(info.dev).toBe(true);
    expect(info.genesisHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(typeof info.txFee).toBe('bigint');
    expect(info.devAccounts?.map((a) => a.address)).toContain(addr(alice));
  });

  it('transfers exactly: the sender pays amount + fee, the receiver gets the amount', async () => {
    const info = await client.systemInfo();
    const [a0, b0] = await Promise.all([client.accountInfo(addr(alice)), client.accountInfo(addr(bob))]);
    const amount = 12n * TAO + 345n;
    const tx = await signed(alice, { type: 'transfer', dest: addr(bob), amount: amount.toString() });
    const outcome = await client.submitAndWait(tx, { timeoutMs: 20_000 });
    expect(outcome.status).toBe('included');
    const [a1, b1] = await Promise.all([client.accountInfo(addr(alice)), client.accountInfo(addr(bob))]);
    expect(a1.free).toBe(a0.free - amount - info.txFee);
    expect(b1.free).toBe(b0.free + amount);
    expect(a1.nonce).toBe(a0.nonce + 1);
    if (outcome.status === 'included') {
      const block = await client.block(outcome.block);
      expect(block.txs.map((t) => t.txHash)).toContain(outcome.txHash);
    }
  });

  it('maps a replayed nonce to exit 5 with E_STALE_NONCE', async () => {
    const tx = await signed(alice, { type: 'transfer', dest: addr(bob), amount: '1' }, 0);
    const err = await failure(client.submitAndWait(tx, { timeoutMs: 20_000 }));
    expect(err.exitCode).toBe(5);
    expect(err.code).toBe('E_STALE_NONCE');
  });

  it('reports a transfer from an empty account as rejected for insufficient balance', async () => {
    const tx = await signed(nobody, { type: 'transfer', dest: addr(bob), amount: '1' });
    let code: string | undefined;
    try {
      const outcome = await client.submitAndWait(tx, { timeoutMs: 20_000 });
      code = outcome.status === 'rejected' ? outcome.error.code : 'included';
    } catch (e) {
      expect((e as TaoError).exitCode).toBe(5);
      code = (e as TaoError).code;
    }
    expect(code).toBe('E_INSUFFICIENT_BALANCE');
  });

  it('streams a head event for every mined block', async () => {
    const ac = new AbortController();
    const heads: number[] = [];
    let target = 0;
    const done = () => target > 0 && heads.includes(target);
    let opened: () => void = () => undefined;
    const open = new Promise<void>((r) => (opened = r));
    const reader = (async () => {
      for await (const ev of client.events(ac.signal, { onConnection: (s) => s === 'open' && opened() })) {
        if (ev.type === 'head') heads.push(ev.number);
        if (done()) ac.abort();
      }
    })();
    await open;
    target = await client.devMine(2);
    if (done()) ac.abort();
    await reader;
    expect(heads.slice(-2)).toEqual([target - 1, target]);
  });

  it('streams a swap event for a stake through a pool, equal to the α it bought; chain_block keeps it', async () => {
    const hot = keyPairFromUri('//SwapEventHotkey');
    const reg = await signed(bob, { type: 'burned_register', netuid: 1, hotkey: addr(hot) });
    expect((await client.submitAndWait(reg, { timeoutMs: 20_000 })).status).toBe('included');
    const ac = new AbortController();
    const swaps: Extract<NodeEvent, { type: 'swap' }>[] = [];
    let opened: () => void = () => undefined;
    const open = new Promise<void>((r) => (opened = r));
    const reader = (async () => {
      for await (const ev of client.events(ac.signal, { onConnection: (s) => s === 'open' && opened() })) {
        if (ev.type === 'swap') {
          swaps.push(ev);
          ac.abort();
        }
      }
    })();
    await open;
    const stake = await signed(bob, {
      type: 'add_stake',
      hotkey: addr(hot),
      netuid: 1,
      amount: String(3n * TAO),
    });
    const outcome = await client.submitAndWait(stake, { timeoutMs: 20_000 });
    expect(outcome.status).toBe('included');
    await reader;
    const alpha = (await client.alphaStakes({ coldkey: addr(bob), hotkey: addr(hot) }))[0]!.alpha;
    const [w] = swaps;
    expect(w).toMatchObject({ netuid: 1, hotkey: addr(hot), coldkey: addr(bob), side: 'buy', tao: 3n * TAO });
    expect(w!.alpha).toBe(alpha);
    expect(w!.fee).toBe((3n * TAO * 33n) / 65535n); // the pool's fee rate, 33/65535 of the input
    const block = (await new RpcTransport(client.url).call('chain_block', { number: w!.block })) as {
      txs: { tx_hash: string; swaps?: { alpha: string }[] }[];
    };
    expect(block.txs.find((t) => t.tx_hash === w!.txHash)?.swaps?.[0]?.alpha).toBe(String(alpha));
  });

  it('decodes subnet 1 of the dev genesis, its metagraph and hyperparameters', async () => {
    const subnets = await client.subnetList();
    const one = subnets.find((s) => s.netuid === 1);
    expect(one?.owner).toBe(addr(alice));
    const m = await client.metagraph(1);
    expect(m.netuid).toBe(1);
    expect(m.neurons).toHaveLength(one!.n);
    const hp = await client.hyperparameters(1);
    expect(hp.tempo).toBe(one!.tempo);
    expect(await client.weights(1)).toEqual([]);
  });

  it('speaks core/wire.ts: a metagraph neuron carries exactly the NeuronJson fields and its axon decodes as served', async () => {
    const hot = keyPairFromUri('//WireHotkey');
    const reg = await signed(alice, { type: 'burned_register', netuid: 1, hotkey: addr(hot) });
    expect((await client.submitAndWait(reg, { timeoutMs: 20_000 })).status).toBe('included');
    const serve = { type: 'serve_axon', netuid: 1, ip: '203.0.113.9', port: 8123, protocol: 6 };
    expect((await client.submitAndWait(await signed(hot, serve), { timeoutMs: 20_000 })).status).toBe(
      'included',
    );
    const fields = {
      ...{ uid: 0, hotkey: 0, coldkey: 0, registered_at: 0, last_update: 0, axon: 0, validator_permit: 0 },
      ...{ active: 0, rank: 0, trust: 0, consensus: 0, incentive: 0, dividends: 0, validator_trust: 0 },
      ...{ stake_weight: 0, stake: 0, alpha_stake: 0, emission: 0 },
    } satisfies Record<keyof NeuronJson, 0>;
    const raw = (await new RpcTransport(client.url).call('subnet_metagraph', { netuid: 1 })) as {
      neurons: NeuronJson[];
    };
    const sent = raw.neurons.find((n) => n.hotkey === addr(hot))!;
    expect(Object.keys(sent).sort()).toEqual(Object.keys(fields).sort());
    expect(sent.axon).toEqual({ ip: '203.0.113.9', port: 8123, protocol: 6 } satisfies Axon);
    const decoded = (await client.metagraph(1)).neurons.find((n) => n.hotkey === addr(hot))!;
    expect(decoded.axon).toEqual(sent.axon);
    expect([decoded.uid, decoded.registeredAt, decoded.stake]).toEqual([
      sent.uid,
      sent.registered_at,
      BigInt(sent.stake),
    ]);
  });

  it('answers an unknown subnet with exit 5 E_UNKNOWN_SUBNET', async () => {
    const err = await failure(client.metagraph(4242));
    expect(err.exitCode).toBe(5);
    expect(err.code).toBe('E_UNKNOWN_SUBNET');
  });
});

describe('prepareTx and sendTx', () => {
  it('takes the next nonce even while an earlier tx of the signer may still be pending', async () => {
    const { prepareTx, sendTx } = await import('../../src/client/send.js');
    const before = await client.accountInfo(addr(bob));
    const first = await prepareTx(client, bob, { type: 'transfer', dest: addr(alice), amount: '5' });
    const hash = await client.submitTx(first);
    const second = await prepareTx(client, bob, { type: 'transfer', dest: addr(alice), amount: '7' });
    expect(second.nonce).toBe(first.nonce + 1);
    const outcomes = await Promise.all([
      client.waitForTx(hash, { timeoutMs: 20_000 }),
      client.submitAndWait(second, { timeoutMs: 20_000 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['included', 'included']);
    const third = await sendTx(
      client,
      bob,
      { type: 'transfer', dest: addr(alice), amount: '1' },
      { timeoutMs: 20_000 },
    );
    expect(third.status).toBe('included');
    expect((await client.accountInfo(addr(bob))).nonce).toBe(before.nonce + 3);
  });
});

/** The one sign-and-submit pipeline (src/client/send.ts): the fee comes from the node (`tx_fee`). */
describe('sign and submit', () => {
  it('the node quotes the fee per call type: the flat fee for paying calls, 0 for feeless ones', async () => {
    const { txFee } = await client.systemInfo();
    expect(txFee).toBe(100_000n);
    expect(await feeOf(client, 'transfer')).toBe(txFee);
    expect(await feeOf(client, 'add_stake')).toBe(txFee);
    expect(await feeOf(client, 'set_weights')).toBe(0n);
    expect(await feeOf(client, 'serve_axon')).toBe(0n);
    expect(await feeOf(client, 'faucet')).toBe(0n);
    await expect(feeOf(client, 'no_such_call')).rejects.toMatchObject({ code: 'E_INVALID_PARAMS' });
  });

  it('a transfer signed by the pipeline costs exactly amount + the quoted fee', async () => {
    const from = addr(alice);
    const before = await client.accountInfo(from);
    const call = { type: 'transfer', dest: addr(bob), amount: '1000000000' };
    const fee = await feeOf(client, call.type);
    const outcome = await sendTx(client, alice, call, { timeoutMs: 30_000 });
    expect(outcome.status).toBe('included');
    const after = await client.accountInfo(from);
    expect(before.free - after.free).toBe(1_000_000_000n + fee);
    expect(after.nonce).toBe(before.nonce + 1);
  });

  it('prepareTx and signCall sign the same transaction from the same state (sr25519: but the signature)', async () => {
    const from = addr(alice);
    const call = { type: 'transfer', dest: addr(bob), amount: '1' };
    const [info, account, head] = await Promise.all([
      client.systemInfo(),
      client.accountInfo(from),
      client.head(),
    ]);
    const tx = await prepareTx(client, alice, call, { expiryBlocks: 10 });
    // sr25519 signatures are randomised: everything but the signature is equal.
    const unsigned = ({ signature: _, ...rest }: { signature: string }) => rest;
    expect(unsigned(tx)).toEqual(
      unsigned(signCall(alice, call, { info, account, expiry: head.number + 10 })),
    );
    expect(tx.nonce).toBe(account.nonce + account.pending);
  });
});
