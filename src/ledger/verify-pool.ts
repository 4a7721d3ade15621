/**
 * A small pool of worker threads that run the stateless transaction checks (verify-worker.ts) of large
 * `tx_submitBatch` requests in parallel, off the event loop: a batch is split into one contiguous slice per
 * worker and the verdicts come back in order. Results are identical to checking in this thread; when the
 * worker script is not available (running from TypeScript sources) the pool checks in this thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckedTx } from './apply.js';
import type { Call } from './calls.js';
import { LedgerError, type LedgerErrorCode } from './errors.js';
import { checkMany, type WorkerResult } from './verify-worker.js';

const SCRIPT = new URL('./verify-worker.js', import.meta.url);

interface Pending {
  resolve: (r: WorkerResult[]) => void;
  reject: (e: Error) => void;
}

export class VerifyPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(size: number) {
    if (size <= 0 || !existsSync(fileURLToPath(SCRIPT))) return;
    for (let i = 0; i < size; i++) {
      const w = new Worker(SCRIPT);
      w.unref();
      w.on('message', (m: { id: number; results: WorkerResult[] }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve(m.results);
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private run(w: Worker, txs: unknown[], genesisHash: string): Promise<WorkerResult[]> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, genesisHash, txs });
    });
  }

  /** Checks every tx; per tx a CheckedTx or the LedgerError it fails with, in order. */
  async check(txs: readonly unknown[], genesisHash: string): Promise<(CheckedTx | LedgerError)[]> {
    let results: WorkerResult[];
    if (this.workers.length === 0) results = checkMany(txs, genesisHash);
    else {
      const per = Math.ceil(txs.length / this.workers.length);
      const parts = this.workers.map((w, i) => this.run(w, txs.slice(i * per, (i + 1) * per), genesisHash));
      results = (await Promise.all(parts)).flat();
    }
    return results.map((r, i) =>
      r.ok
        ? {
            hash: r.hash,
            signer: r.signer,
            nonce: r.nonce,
            expiry: r.expiry,
            call: r.call as Call,
            raw: txs[i],
          }
        : new LedgerError(r.code as LedgerErrorCode, r.message),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
