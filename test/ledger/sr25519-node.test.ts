/**
 * sr25519 through a real node process over HTTP (`tao node start`, the built dist/, so the signatures are
 * checked in its verify workers, with the wasm backend): a well-signed transfer is included; a badly signed
 * one is refused with the same code and message as checking in this thread with the pure-JS backend, both
 * through tx_submit and inside a tx_submitBatch.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/crypto/hex.js';
import { keyPairFromUri, sign } from '../../src/crypto/keys.js';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { signTx } from '../../src/crypto/tx.js';
import { signingPayload } from '../../src/crypto/tx-payload.js';
import type { LedgerError } from '../../src/ledger/state/errors.js';
import { checkTxStateless } from '../../src/ledger/state/tx-check.js';
import { freePort, type Json, kill, type NodeProc, rpc, rpcRaw, startNode } from '../e2e/node-helpers.js';
import { tempHome } from '../helpers/tao.js';

const h = tempHome('tao-sr25519-node-');
let node: NodeProc | undefined;
afterAll(async () => {
  await kill(node);
  h.cleanup();
});

const signer = keyPairFromUri('//sr-node-sender', 'sr25519');
const other = keyPairFromUri('//sr-node-other', 'sr25519');
const dest = encodeAddress(keyPairFromUri('//sr-node-dest', 'ed25519').publicKey);

async function waitFinal(url: string, hash: string): Promise<Json> {
  for (;;) {
    const s = await rpc(url, 'tx_status', { tx_hash: hash });
    if (s.status !== 'pending') return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The in-thread verdict (pure-JS sr25519 in this test process) as the RPC error data would carry it. */
function inThread(raw: unknown, genesis: string): { code: string; message: string } | string {
  try {
    return checkTxStateless(raw, genesis).hash;
  } catch (e) {
    return { code: (e as LedgerError).code, message: (e as LedgerError).message };
  }
}

describe('sr25519 transactions through a node over HTTP', () => {
  it('includes a good one and refuses badly signed ones with the in-thread error, singly and in a batch', async () => {
    node = await startNode(h.home, await freePort(), ['--instant']);
    const genesis = (await rpc(node.url, 'system_info')).genesis_hash as string;
    const tx = (nonce: number, call: Record<string, unknown>) =>
      signTx(signer, {
        genesisHash: fromHex(genesis),
        nonce,
        expiry: 1_000_000,
        call: call as { type: string },
      });
    const f = await rpc(node.url, 'tx_submit', { tx: tx(0, { type: 'faucet', amount: '1000000000000' }) });
    expect((await waitFinal(node.url, f.tx_hash)).status).toBe('included');

    const good = tx(1, { type: 'transfer', dest, amount: '1000' });
    const flipped = {
      ...good,
      signature: `${good.signature.slice(0, 20)}${good.signature[20] === '0' ? '1' : '0'}${good.signature.slice(21)}`,
    };
    const wrongMessage = { ...good, call: { ...good.call, amount: '1001' } };
    // signed by another key over the very same payload
    const payload = signingPayload({
      genesisHash: fromHex(genesis),
      signer: signer.publicKey,
      scheme: 'sr25519',
      nonce: 1,
      expiry: 1_000_000,
      call: good.call,
    });
    const wrongKey = { ...good, signature: `0x${Buffer.from(sign(other, payload)).toString('hex')}` };
    const unmarked = {
      ...good,
      signature: `${good.signature.slice(0, 128)}${(Number.parseInt(good.signature.slice(128), 16) & 0x7f).toString(16).padStart(2, '0')}`,
    };
    const bad = [flipped, wrongMessage, wrongKey, unmarked];

    for (const b of bad) {
      const expected = inThread(b, genesis);
      expect(expected).toEqual({
        code: 'E_BAD_SIGNATURE',
        message: `the signature does not match the transaction for signer ${good.signer} (sr25519)`,
      });
      const r = await rpcRaw(node.url, 'tx_submit', { tx: b });
      expect(r.error?.data?.code).toBe('E_BAD_SIGNATURE');
      expect(r.error?.message).toContain((expected as { message: string }).message);
    }
    const { results } = await rpc(node.url, 'tx_submitBatch', { txs: [...bad, good] });
    expect(results).toHaveLength(5);
    for (const [i, b] of bad.entries()) {
      expect(results[i].error.code).toBe('E_BAD_SIGNATURE');
      expect(results[i].error.message).toBe((inThread(b, genesis) as { message: string }).message);
    }
    expect(results[4].tx_hash).toBe(inThread(good, genesis));
    expect((await waitFinal(node.url, results[4].tx_hash)).status).toBe('included');
    expect((await rpc(node.url, 'account_info', { address: good.signer })).nonce).toBe(2);
  });
});
