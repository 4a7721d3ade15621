/**
 * What a transaction on tao's ledger will sign, known before anything is signed: the one plan that the
 * CLI's tx flow previews (src/cli/tx-flow.ts) and the console's dialog reviews (src/tui/dialogs/tx-plan.ts),
 * with the transfer and stake plans both of them sign. Pure, exact (bigint rao).
 */
import { formatTao } from '../core/amount.js';
import type { Call } from './types.js';

export interface TxPlan {
  title: string;
  call: Call;
  /** The lines after "from" (to, amount, hotkey…), label and value. */
  details: [string, string][];
  /** Change of the signer's free balance apart from the fee (−amount for a transfer). */
  freeDelta: bigint;
}

/** The signer's free balance once `plan` is included and `fee` paid; below zero the ledger rejects it. */
export const freeAfter = (plan: TxPlan, free: bigint, fee: bigint): bigint => free + plan.freeDelta - fee;

const amountLine = (amount: bigint, all: boolean): [string, string] => [
  'amount',
  `${formatTao(amount)} τ${all ? ' (all)' : ''}`,
];

/** Sends `amount` rao to `dest` (`all`: the amount is the whole free balance less the fee). */
export const transferPlan = (dest: string, amount: bigint, all = false): TxPlan => ({
  title: 'Transfer',
  call: { type: 'transfer', dest, amount: amount.toString() },
  details: [['to', dest], amountLine(amount, all)],
  freeDelta: -amount,
});

/** Stakes `amount` rao to `hotkey`, or unstakes it back to the free balance (`all`: every rao it has). */
export const stakePlan = (
  direction: 'add' | 'remove',
  hotkey: string,
  amount: bigint,
  all = false,
): TxPlan => ({
  title: direction === 'add' ? 'Add stake' : 'Remove stake',
  call: { type: direction === 'add' ? 'add_stake' : 'remove_stake', hotkey, amount: amount.toString() },
  details: [['hotkey', hotkey], amountLine(amount, all)],
  freeDelta: direction === 'add' ? -amount : amount,
});
