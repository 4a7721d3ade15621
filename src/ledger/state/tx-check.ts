/**
 * Stateless transaction checks: the envelope, the chain (genesis hash), the signature and the call's shape.
 * A transaction that passes becomes a CheckedTx; the stateful checks (nonce, expiry, funds) happen in apply.ts.
 * A value nested deeper than any transaction can be is refused first, before anything walks it recursively
 * (canonical JSON, a worker thread's structured clone) and overflows the stack.
 */
import { verifyTx } from '../../crypto/tx.js';
import type { CheckedTx } from './apply.js';
import { parseCall } from './calls.js';
import { LedgerError } from './errors.js';

/** Deepest nesting of a valid transaction is 3 (`{call: {uids: [...]}}`); this leaves room and no more. */
export const MAX_TX_DEPTH = 8;

/** Whether `value` nests objects/arrays more than `max` levels deep (stops at max + 1: never deep itself). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (max <= 0) return true;
  for (const v of Array.isArray(value) ? value : Object.values(value))
    if (nestsDeeperThan(v, max - 1)) return true;
  return false;
}

export const tooDeepMessage = `a transaction nests at most ${MAX_TX_DEPTH} levels of objects and arrays`;

export function checkTxStateless(raw: unknown, genesisHash: string): CheckedTx {
  if (nestsDeeperThan(raw, MAX_TX_DEPTH)) throw new LedgerError('E_MALFORMED_TX', tooDeepMessage);
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const g = (raw as Record<string, unknown>).genesis_hash;
    if (typeof g === 'string' && /^0x[0-9a-fA-F]{64}$/.test(g) && g.toLowerCase() !== genesisHash)
      throw new LedgerError(
        'E_WRONG_CHAIN',
        `the transaction is for chain ${g}, this chain is ${genesisHash}`,
      );
  }
  const v = verifyTx(raw);
  if (!v.ok) throw new LedgerError(v.code, v.message);
  const tx = raw as { call: unknown; signer: string; nonce: number; expiry: number };
  return {
    hash: v.hash,
    signer: tx.signer,
    nonce: tx.nonce,
    expiry: tx.expiry,
    call: parseCall(tx.call),
    raw,
  };
}
