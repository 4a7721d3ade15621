import { afterEach, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/client/node-client.js';
import { TaoError } from '../../src/core/errors.js';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { signedTxHash, signTx } from '../../src/crypto/tx.js';
import { deadPort, type ScriptedNode, startScriptedNode, sse } from './scripted-node.js';

let node: ScriptedNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

async function failure(p: Promise<unknown>): Promise<TaoError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TaoError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

const aliceTx = (nonce = 0) =>
  signTx(keyPairFromUri('//Alice'), {
    genesisHash: new Uint8Array(32).fill(0x11),
    nonce,
    expiry: 100,
    call: {
      type: 'transfer',
      dest: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
      amount: '1000000000',
    },
  });

describe('NodeClient errors', () => {
  it('maps a ledger rejection (-32000) to exit 5 with the ledger code and message', async () => {
    node = await startScriptedNode({
      tx_submit: () => ({
        error: {
          code: -32000,
          message: 'free balance 1 rao is below 2 rao',
          data: { code: 'E_INSUFFICIENT_BALANCE' },
        },
      }),
    });
    const err = await failure(new NodeClient(node.url).submitTx(aliceTx()));
    expect(err.exitCode).toBe(5);
    expect(err.code).toBe('E_INSUFFICIENT_BALANCE');
    expect(err.message).toBe('free balance 1 rao is below 2 rao');
  });

  it('reports a refused connection as E_NODE_UNREACHABLE (exit 4) with the URL and a hint', async () => {
    const url = `http://127.0.0.1:${await deadPort()}`;
    const err = await failure(new NodeClient(url, { retryDelayMs: 10 }).head());
    expect(err.exitCode).toBe(4);
    expect(err.code).toBe('E_NODE_UNREACHABLE');
    expect(err.message).toContain(url);
    expect(err.message).toContain('refused');
    expect(err.hint).toContain('tao node start --dev');
  });

  it('times out a request that gets no answer, as exit 4', async () => {
    node = await startScriptedNode({ chain_head: () => 'stall' });
    const err = await failure(new NodeClient(node.url, { timeoutMs: 200, retries: 0 }).head());
    expect(err.exitCode).toBe(4);
    expect(err.message).toContain('timed out');
  });

  it('maps unknown methods to exit 5 and bad params to exit 2', async () => {
    node = await startScriptedNode({
      subnet_metagraph: () => ({ error: { code: -32602, message: 'netuid must be an integer' } }),
    });
    const client = new NodeClient(node.url);
    expect((await failure(client.devMine(1))).exitCode).toBe(5);
    expect((await failure(client.metagraph(1))).exitCode).toBe(2);
  });

  it('rejects a malformed result with E_BAD_RESPONSE naming the field', async () => {
    node = await startScriptedNode({
      account_info: () => ({ result: { address: '5x', free: '1.5', staked: '0', nonce: 0 } }),
    });
    const err = await failure(new NodeClient(node.url).accountInfo('5x'));
    expect(err.code).toBe('E_BAD_RESPONSE');
    expect(err.message).toContain('account_info.free');
  });
});

describe('NodeClient retries', () => {
  it('retries a read after a connection reset and returns the answer', async () => {
    node = await startScriptedNode({
      chain_head: (_p, n) =>
        n === 1
          ? 'reset'
          : { result: { number: 5, hash: '0x05', parent_hash: '0x04', state_root: '0x00', timestamp: 9 } },
    });
    const head = await new NodeClient(node.url, { retryDelayMs: 10 }).head();
    expect(head.number).toBe(5);
    expect(node.calls.filter((c) => c.method === 'chain_head')).toHaveLength(2);
  });

  it('does not resend a tx whose submit answer was lost once the node knows it by hash', async () => {
    const tx = aliceTx();
    node = await startScriptedNode({
      tx_submit: () => 'reset',
      tx_status: () => ({ result: { status: 'pending' } }),
    });
    const hash = await new NodeClient(node.url, { retryDelayMs: 10 }).submitTx(tx);
    expect(hash).toBe(signedTxHash(tx));
    expect(node.calls.filter((c) => c.method === 'tx_submit')).toHaveLength(1);
  });

  it('resends once when the node does not know the tx, and takes a duplicate answer as success', async () => {
    const tx = aliceTx(3);
    node = await startScriptedNode({
      tx_submit: (_p, n) =>
        n === 1
          ? 'reset'
          : { error: { code: -32000, message: 'already in the pool', data: { code: 'E_DUPLICATE_TX' } } },
      tx_status: () => ({ result: { status: 'unknown' } }),
    });
    const hash = await new NodeClient(node.url, { retryDelayMs: 10 }).submitTx(tx);
    expect(hash).toBe(signedTxHash(tx));
    expect(node.calls.filter((c) => c.method === 'tx_submit')).toHaveLength(2);
  });
});

describe('events and waiting', () => {
  it('reconnects the event stream after the node drops it', async () => {
    node = await startScriptedNode({});
    const head = (n: number) => ({ number: n, hash: `0x0${n}`, timestamp: n });
    node.events.push(
      (res) => {
        sse(res, 'head', head(1));
        res.end();
      },
      (res) => {
        res.write(': keep-alive\n\n');
        sse(res, 'head', head(2));
      },
    );
    const ac = new AbortController();
    const states: string[] = [];
    const seen: number[] = [];
    for await (const ev of new NodeClient(node.url).events(ac.signal, {
      minBackoffMs: 10,
      onConnection: (s) => states.push(s),
    })) {
      if (ev.type === 'head') seen.push(ev.number);
      if (seen.length === 2) ac.abort();
    }
    expect(seen).toEqual([1, 2]);
    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });

  it('resolves waitForTx from the tx event on the stream', async () => {
    node = await startScriptedNode({ tx_status: () => ({ result: { status: 'pending' } }) });
    node.events.push((res) => {
      setTimeout(() => sse(res, 'tx', { tx_hash: '0xAB', status: 'included', block: 12 }), 50);
    });
    const out = await new NodeClient(node.url).waitForTx('0xab', { timeoutMs: 5000, pollMs: 10_000 });
    expect(out).toEqual({ txHash: '0xab', status: 'included', block: 12 });
  });

  it('falls back to polling tx_status when the event stream is unavailable', async () => {
    node = await startScriptedNode({
      tx_status: (_p, n) =>
        n < 3
          ? { result: { status: 'pending' } }
          : {
              result: {
                status: 'rejected',
                block: 4,
                error: { code: 'E_INSUFFICIENT_BALANCE', message: 'poor' },
              },
            },
    });
    const out = await new NodeClient(node.url).waitForTx('0x01', { timeoutMs: 5000, pollMs: 20 });
    expect(out).toEqual({
      txHash: '0x01',
      status: 'rejected',
      block: 4,
      error: { code: 'E_INSUFFICIENT_BALANCE', message: 'poor' },
    });
  });

  it('calls a tx expired when the head passes its expiry and the node never heard of it', async () => {
    node = await startScriptedNode({
      tx_status: () => ({ result: { status: 'unknown' } }),
      chain_head: () => ({
        result: { number: 101, hash: '0x', parent_hash: '0x', state_root: '0x', timestamp: 0 },
      }),
    });
    const out = await new NodeClient(node.url).waitForTx('0x01', {
      timeoutMs: 5000,
      expiry: 100,
      pollMs: 20,
    });
    expect(out.status).toBe('rejected');
    expect(out.status === 'rejected' && out.error.code).toBe('E_EXPIRED');
  });

  it('gives up at the deadline with E_TX_TIMEOUT', async () => {
    node = await startScriptedNode({ tx_status: () => ({ result: { status: 'pending' } }) });
    const err = await failure(new NodeClient(node.url).waitForTx('0x01', { timeoutMs: 300, pollMs: 20 }));
    expect(err.code).toBe('E_TX_TIMEOUT');
    expect(err.exitCode).toBe(4);
  });
});
