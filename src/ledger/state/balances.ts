/**
 * Balance moves every call shares: credit with the u64 cap, debit with a message naming what the τ was for,
 * and burning (fees, registration). Each writes through the journaled accounts / totals tables.
 */
import { formatTao } from '../../core/amount.js';
import { reject } from './errors.js';
import type { LedgerState } from './state.js';

const MAX_U64 = (1n << 64n) - 1n;

export function credit(free: bigint, amount: bigint): bigint {
  const next = free + amount;
  if (next > MAX_U64) reject('E_OVERFLOW', 'the balance would exceed 2^64 − 1 rao');
  return next;
}

export function debit(state: LedgerState, address: string, amount: bigint, what: string): void {
  const acct = state.account(address);
  if (acct.free < amount)
    reject(
      'E_INSUFFICIENT_BALANCE',
      `free balance ${formatTao(acct.free)} τ is less than ${formatTao(amount)} τ needed for ${what}`,
    );
  state.setAccount(address, { ...acct, free: acct.free - amount });
}

export function addFree(state: LedgerState, address: string, amount: bigint): void {
  const acct = state.account(address);
  state.setAccount(address, { ...acct, free: credit(acct.free, amount) });
}

export function burn(state: LedgerState, amount: bigint): void {
  if (amount === 0n) return;
  const t = state.totalsRecord();
  state.setTotals({ ...t, burned: t.burned + amount });
}
