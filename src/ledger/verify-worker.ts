/**
 * Worker thread for the node's stateless transaction checks (envelope, chain, signature, call shape): the
 * CPU-heavy part of accepting a transaction. Receives `{id, genesisHash, txs}`, answers `{id, results}` with,
 * per tx in order, the checked fields (everything but `raw`, which the main thread keeps) or the rejection.
 */
import { parentPort } from 'node:worker_threads';
import { isLedgerError } from './errors.js';
import { checkTxStateless } from './tx-check.js';

export type WorkerResult =
  | { ok: true; hash: string; signer: string; nonce: number; expiry: number; call: unknown }
  | { ok: false; code: string; message: string };

export function checkMany(txs: readonly unknown[], genesisHash: string): WorkerResult[] {
  return txs.map((raw) => {
    try {
      const t = checkTxStateless(raw, genesisHash);
      return { ok: true, hash: t.hash, signer: t.signer, nonce: t.nonce, expiry: t.expiry, call: t.call };
    } catch (e) {
      if (isLedgerError(e)) return { ok: false, code: e.code, message: e.message };
      return { ok: false, code: 'E_MALFORMED_TX', message: (e as Error).message };
    }
  });
}

parentPort?.on('message', (m: { id: number; genesisHash: string; txs: unknown[] }) => {
  parentPort!.postMessage({ id: m.id, results: checkMany(m.txs, m.genesisHash) });
});
