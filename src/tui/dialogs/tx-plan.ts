/**
 * What a transfer / stake / unstake dialog will sign, computed before anything is signed: from, to,
 * amount, fee and the resulting balances, or the reason it cannot go through. Pure, exact (bigint rao).
 */
import { parseTao } from '../../core/amount.js';
import { isTaoError } from '../../core/errors.js';
import type { MarketSnapshot } from '../data/types.js';

export type TxKind = 'transfer' | 'stake-add' | 'stake-remove';

export interface TxPlan {
  kind: TxKind;
  from: string;
  /** Destination account (transfer) or hotkey (stake). */
  to: string;
  amount: bigint;
  fee: bigint;
  freeBefore: bigint;
  freeAfter: bigint;
  stakeBefore: bigint | null;
  stakeAfter: bigint | null;
}

export function checkAmount(text: string): { amount: bigint } | { problem: string } {
  try {
    return { amount: parseTao(text.trim()) };
  } catch (error) {
    if (isTaoError(error)) return { problem: error.message };
    throw error;
  }
}

/** The plan, or a problem that stops the dialog before review (insufficient balance, no key…). */
export function planTx(
  kind: TxKind,
  to: string,
  amount: bigint,
  snapshot: Pick<MarketSnapshot, 'own' | 'node'>,
): { plan: TxPlan } | { problem: string } {
  const { own, node } = snapshot;
  if (!own.coldkey) return { problem: 'no coldkey in this wallet' };
  if (!own.balance) return { problem: 'balance not known yet (is the node reachable?)' };
  if (node.txFee === null) return { problem: 'transaction fee not known yet (is the node reachable?)' };
  const fee = node.txFee;
  const free = own.balance.free;
  const stakeBefore =
    kind === 'transfer' ? null : own.stakes.filter((s) => s.hotkey === to).reduce((a, s) => a + s.amount, 0n);
  let freeAfter: bigint;
  let stakeAfter: bigint | null = null;
  if (kind === 'stake-remove') {
    if (amount > (stakeBefore ?? 0n)) {
      return {
        problem: `cannot unstake ${fmt(amount)}: only ${fmt(stakeBefore ?? 0n)} staked to that hotkey`,
      };
    }
    freeAfter = free + amount - fee;
    stakeAfter = (stakeBefore ?? 0n) - amount;
    if (freeAfter < 0n) return { problem: `the fee ${fmt(fee)} exceeds the free balance` };
  } else {
    freeAfter = free - amount - fee;
    if (freeAfter < 0n) {
      return { problem: `insufficient balance: ${fmt(amount)} + fee ${fmt(fee)} > free ${fmt(free)}` };
    }
    if (kind === 'stake-add') stakeAfter = (stakeBefore ?? 0n) + amount;
  }
  return {
    plan: { kind, from: own.coldkey, to, amount, fee, freeBefore: free, freeAfter, stakeBefore, stakeAfter },
  };
}

/**
 * The review's warning when an unstake takes stake from a running validator of this home (`validators` as
 * runningValidatorsOn describes them), worded as `tao stake remove` says it.
 */
export const unstakeValidatorWarning = (plan: TxPlan, validators: string): [string, string] => [
  'warning',
  `this removes ${fmt(plan.amount)} of stake from the running validator ${validators} on hotkey ${plan.to}: its weights count less in consensus and it earns less`,
];

const fmt = (rao: bigint) => {
  const s = rao.toString().padStart(10, '0');
  return `${s.slice(0, -9)}.${s.slice(-9)} τ`;
};
