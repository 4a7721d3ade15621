/**
 * Blocks: building one from the current state and a list of candidate transactions (pure, deterministic),
 * and committing it: the dirty records are encoded once, folded into the state root and handed to storage
 * as one change set. A tx that fails any rule is recorded as rejected with its code and has no effect.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../crypto/canonical.js';
import { applyTx, type CheckedTx } from './apply.js';
import { encodeRecord } from './codec.js';
import { isLedgerError } from './errors.js';
import { endBlock } from './payout.js';
import type { StateHasher } from './state-root.js';
import type { LedgerState } from './state.js';

export interface BlockHeader {
  number: number;
  hash: string;
  parent_hash: string;
  state_root: string;
  txs_root: string;
  timestamp: number;
}

export interface TxReceipt {
  tx_hash: string;
  status: 'included' | 'rejected';
  error?: { code: string; message: string };
}

/** A pool swap an included tx made, as stored with its block and sent as a `swap` event (rao strings). */
export interface SwapJson {
  netuid: number;
  hotkey: string;
  coldkey: string;
  side: 'buy' | 'sell';
  tao: string;
  alpha: string;
  fee: string;
}

export interface Block {
  header: BlockHeader;
  /** `swaps`: the pool swaps of an included staking tx (not part of txs_root: they follow from the state). */
  txs: (TxReceipt & { tx: unknown; swaps?: SwapJson[] })[];
  epochs: number[];
}

/** One state record to persist: `id` = `table\0key`, value the canonical encoding (undefined = deleted). */
export interface RecordChange {
  id: string;
  value: string | undefined;
}

export const ZERO_HASH = `0x${'0'.repeat(64)}`;

export const sha256hex = (text: string) => `0x${createHash('sha256').update(text).digest('hex')}`;

/**
 * sha256 of the canonical JSON of [tx_hash, status, error code or null] per receipt. Those are arrays of
 * strings and nulls, for which JSON.stringify writes exactly the canonical bytes (no keys to sort), and
 * several times faster than the generic canonicalJson walk on a block of thousands of receipts.
 */
export function txsRoot(receipts: readonly TxReceipt[]): string {
  return sha256hex(JSON.stringify(receipts.map((r) => [r.tx_hash, r.status, r.error?.code ?? null])));
}

export function headerHash(h: Omit<BlockHeader, 'hash'>): string {
  return sha256hex(
    canonicalJson({
      number: h.number,
      parent_hash: h.parent_hash,
      state_root: h.state_root,
      txs_root: h.txs_root,
      timestamp: h.timestamp,
    }),
  );
}

/** Encodes every dirty record, updates the hasher, clears dirty sets and the undo journal. */
export function commitState(state: LedgerState, hasher: StateHasher): RecordChange[] {
  const changes: RecordChange[] = [];
  for (const table of state.tables) {
    for (const key of table.dirty) {
      const id = `${table.name}\0${key}`;
      const v = table.get(key);
      const value = v === undefined ? undefined : encodeRecord(v);
      hasher.update(id, value);
      changes.push({ id, value });
    }
    table.dirty.clear();
  }
  state.journal.clear();
  return changes;
}

/** Applies the candidates in order, then mints and runs due epochs. Throws only on a bug (state rolled back). */
export function buildBlock(
  state: LedgerState,
  hasher: StateHasher,
  parent: BlockHeader,
  candidates: readonly CheckedTx[],
  timestamp: number,
): { block: Block; changes: RecordChange[] } {
  const number = parent.number + 1;
  const start = state.journal.mark();
  const txs: Block['txs'] = [];
  let epochs: number[];
  try {
    for (const tx of candidates) {
      try {
        const swaps = applyTx(state, tx, { block: number });
        txs.push({
          tx: tx.raw,
          tx_hash: tx.hash,
          status: 'included',
          ...(swaps.length > 0
            ? {
                swaps: swaps.map((w) => ({
                  ...w,
                  tao: w.tao.toString(),
                  alpha: w.alpha.toString(),
                  fee: w.fee.toString(),
                })),
              }
            : {}),
        });
      } catch (e) {
        if (!isLedgerError(e)) throw e;
        txs.push({
          tx: tx.raw,
          tx_hash: tx.hash,
          status: 'rejected',
          error: { code: e.code, message: e.message },
        });
      }
    }
    epochs = endBlock(state, number);
  } catch (e) {
    state.journal.rollback(start);
    throw e;
  }
  const changes = commitState(state, hasher);
  const partial = {
    number,
    parent_hash: parent.hash,
    state_root: hasher.root(),
    txs_root: txsRoot(txs),
    timestamp,
  };
  return { block: { header: { ...partial, hash: headerHash(partial) }, txs, epochs }, changes };
}
