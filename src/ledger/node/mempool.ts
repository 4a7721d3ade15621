/**
 * The pool of accepted, not yet included transactions: bounded (E_POOL_FULL), one tx per (signer, nonce),
 * no duplicates. A block takes, per signer in arrival order, the run of consecutive nonces starting at the
 * account's next nonce, plus any tx that can no longer be included (stale nonce, expired) so it gets a
 * rejected receipt instead of lingering.
 */
import type { CheckedTx } from '../state/apply.js';
import { reject } from '../state/errors.js';
import type { LedgerState } from '../state/state.js';

export class Mempool {
  private readonly bySigner = new Map<string, Map<number, CheckedTx>>();
  private readonly byHash = new Map<string, CheckedTx>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.byHash.size;
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  pendingCount(signer: string): number {
    return this.bySigner.get(signer)?.size ?? 0;
  }

  add(tx: CheckedTx): void {
    if (this.byHash.has(tx.hash)) reject('E_DUPLICATE_TX', `transaction ${tx.hash} is already pending`);
    const queue = this.bySigner.get(tx.signer);
    if (queue?.has(tx.nonce))
      reject('E_NONCE_IN_POOL', `a transaction with nonce ${tx.nonce} from this signer is already pending`);
    if (this.byHash.size >= this.capacity)
      reject('E_POOL_FULL', `the transaction pool is full (${this.capacity} pending); retry shortly`);
    if (queue) queue.set(tx.nonce, tx);
    else this.bySigner.set(tx.signer, new Map([[tx.nonce, tx]]));
    this.byHash.set(tx.hash, tx);
  }

  /** Candidates for the next block (at most `max`), removed from the pool. */
  take(state: LedgerState, block: number, max: number): CheckedTx[] {
    const out: CheckedTx[] = [];
    for (const [signer, queue] of this.bySigner) {
      if (out.length >= max) break;
      let next = state.account(signer).nonce;
      for (const [nonce, tx] of queue) {
        if (nonce < next || tx.expiry < block) {
          out.push(tx);
          this.remove(tx);
        }
      }
      while (out.length < max) {
        const tx = queue.get(next);
        if (!tx) break;
        out.push(tx);
        this.remove(tx);
        next++;
      }
    }
    return out;
  }

  private remove(tx: CheckedTx): void {
    this.byHash.delete(tx.hash);
    const queue = this.bySigner.get(tx.signer);
    if (!queue) return;
    queue.delete(tx.nonce);
    if (queue.size === 0) this.bySigner.delete(tx.signer);
  }

  clear(): CheckedTx[] {
    const all = [...this.byHash.values()];
    this.byHash.clear();
    this.bySigner.clear();
    return all;
  }
}
