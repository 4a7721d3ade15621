/**
 * Worker thread for the node's stateless transaction checks (envelope, chain, signature, call shape): the
 * CPU-heavy part of accepting a transaction. Receives `{id, genesisHash, txs}`, answers `{id, results}` with,
 * per tx in order, the checked fields (everything but `raw`, which the main thread keeps) or the rejection.
 * On Linux the worker lowers its own thread's priority (nice +WORKER_NICE): when cores are scarce the node's
 * main thread, which builds and commits blocks, runs first and signature checks take the rest.
 * A worker checks sr25519 with the fastest backend that loads (sr25519-schnorrkel.ts over sr25519-wasm.ts,
 * then the pure-JS one: same verdicts, each slower), loaded once before its first answer, and hashes
 * transactions with wasm-crypto's blake2b (tx-payload.ts setTxHashBlake2b).
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { isMainThread, parentPort } from 'node:worker_threads';
import { enableFastSr25519 } from '../../crypto/sr25519-schnorrkel.js';
import { loadWasmCrypto } from '../../crypto/sr25519-wasm.js';
import { setTxHashBlake2b } from '../../crypto/tx-payload.js';
import { isLedgerError } from '../state/errors.js';
import { checkTxStateless } from '../state/tx-check.js';

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

const NO_KEY = new Uint8Array(0);
const WORKER_NICE = Number(process.env.TAO_VERIFY_NICE ?? 10);

if (!isMainThread && process.platform === 'linux') {
  try {
    // `/proc/thread-self` → `<pid>/task/<tid>`; on Linux the nice value is per thread
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, WORKER_NICE);
  } catch {
    // not permitted or no procfs: run at the normal priority
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  // wasm-crypto's blake2b for the tx hash: the same digest as noble's, ~5x faster on a tx's few hundred bytes
  const ready = Promise.all([
    enableFastSr25519(),
    loadWasmCrypto().then((w) => w && setTxHashBlake2b((data) => w.blake2b(data, NO_KEY, 32))),
  ]);
  // answers stay in message order: every message waits for the same promise, settled once
  port.on('message', (m: { id: number; genesisHash: string; txs: unknown[] }) => {
    void ready.then(() => port.postMessage({ id: m.id, results: checkMany(m.txs, m.genesisHash) }));
  });
}
