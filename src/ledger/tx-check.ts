/**
 * Stateless transaction checks: the envelope, the chain (genesis hash), the signature and the call's shape.
 * A transaction that passes becomes a CheckedTx; the stateful checks (nonce, expiry, funds) happen in apply.ts.
 */
import { verifyTx } from '../crypto/tx.js';
import type { CheckedTx } from './apply.js';
import { parseCall } from './calls.js';
import { LedgerError } from './errors.js';

export function checkTxStateless(raw: unknown, genesisHash: string): CheckedTx {
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
