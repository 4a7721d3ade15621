/**
 * A small pool of worker threads that run the stateless transaction checks (verify-worker.ts), the CPU-heavy
 * part of accepting a transaction (the signature), off the event loop. Work goes out in chunks, each to the
 * least-loaded worker, and every chunk's verdicts come back as their own promise, so the node can admit the
 * first chunk of a large batch while the workers still check the rest. Results are identical to checking in
 * this thread; when the worker script is not available (running from TypeScript sources) or the pool has
 * no workers, the checks run in this thread. A tx nested too deep to check (tx-check.ts) never goes to a worker:
 * cloning it into the message would overflow the stack. A chunk whose worker dies rejects; every chunk promise
 * has a handler attached, so a caller that stops at the first failed chunk leaves no unhandled rejection.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckedTx } from '../state/apply.js';
import type { Call } from '../state/calls.js';
import { LedgerError, type LedgerErrorCode } from '../state/errors.js';
import { MAX_TX_DEPTH, nestsDeeperThan } from '../state/tx-check.js';
import { checkMany, type WorkerResult } from './verify-worker.js';

const SCRIPT = new URL('./verify-worker.js', import.meta.url);

interface Pending {
  resolve: (r: WorkerResult[]) => void;
  reject: (e: Error) => void;
  worker: Slot;
  size: number;
}

interface Slot {
  worker: Worker;
  queued: number; // txs sent and not answered yet
}

export type Verdict = CheckedTx | LedgerError;

export class VerifyPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(size: number) {
    if (size <= 0 || !existsSync(fileURLToPath(SCRIPT))) return;
    for (let i = 0; i < size; i++) {
      const w = new Worker(SCRIPT);
      w.unref();
      w.on('message', (m: { id: number; results: WorkerResult[] }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        p.worker.queued -= p.size;
        p.resolve(m.results);
      });
      const slot: Slot = { worker: w, queued: 0 };
      // A worker that dies takes its unanswered chunks with it (they fail); later work goes to the others,
      // or to this thread once none is left.
      const lost = (e: Error) => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        for (const [id, p] of this.pending)
          if (p.worker === slot) {
            this.pending.delete(id);
            p.reject(e);
          }
      };
      w.on('error', lost);
      w.on('exit', (code) => lost(new Error(`signature worker exited (${code})`)));
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  private run(txs: readonly unknown[], genesisHash: string): Promise<WorkerResult[]> {
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.queued < slot.queued) slot = s;
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, worker: slot, size: txs.length });
      slot.queued += txs.length;
      try {
        slot.worker.postMessage({ id, genesisHash, txs });
      } catch {
        // not cloneable (the RPC hands over parsed JSON, so this is a caller's bug): check in this thread
        this.pending.delete(id);
        slot.queued -= txs.length;
        resolve(checkMany(txs, genesisHash));
      }
    });
  }

  /** The worker's verdicts for `txs`, except that txs too deep to clone are checked here (and refused). */
  private runShallow(txs: readonly unknown[], genesisHash: string): Promise<WorkerResult[]> {
    const deep = txs.map((t) => nestsDeeperThan(t, MAX_TX_DEPTH));
    if (!deep.includes(true)) return this.run(txs, genesisHash);
    const shallow = txs.filter((_, i) => !deep[i]);
    const sent = shallow.length > 0 ? this.run(shallow, genesisHash) : Promise.resolve([]);
    return sent.then((results) => {
      let next = 0;
      return txs.map((t, i) => (deep[i] ? checkMany([t], genesisHash)[0]! : results[next++]!));
    });
  }

  /**
   * Checks every tx, `chunk` txs per worker message; per chunk (in order) a promise of its verdicts, per tx
   * a CheckedTx or the LedgerError it fails with.
   */
  checkChunks(txs: readonly unknown[], genesisHash: string, chunk: number): Promise<Verdict[]>[] {
    const out: Promise<Verdict[]>[] = [];
    for (let i = 0; i < txs.length; i += chunk) {
      const part = txs.slice(i, i + chunk);
      const results =
        this.slots.length === 0
          ? Promise.resolve(checkMany(part, genesisHash))
          : this.runShallow(part, genesisHash);
      const verdicts = results.then((r) => toVerdicts(r, part));
      verdicts.catch(() => undefined);
      out.push(verdicts);
    }
    return out;
  }

  /** Checks every tx; per tx a CheckedTx or the LedgerError it fails with, in order. */
  async check(txs: readonly unknown[], genesisHash: string): Promise<Verdict[]> {
    const chunk = Math.max(1, Math.ceil(txs.length / Math.max(1, this.slots.length)));
    return (await Promise.all(this.checkChunks(txs, genesisHash, chunk))).flat();
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

function toVerdicts(results: readonly WorkerResult[], raws: readonly unknown[]): Verdict[] {
  return results.map((r, i) =>
    r.ok
      ? {
          hash: r.hash,
          signer: r.signer,
          nonce: r.nonce,
          expiry: r.expiry,
          call: r.call as Call,
          raw: raws[i],
        }
      : new LedgerError(r.code as LedgerErrorCode, r.message),
  );
}
