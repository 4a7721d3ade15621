/**
 * What a transfer / stake / unstake dialog will sign on tao's ledger, computed before anything is signed:
 * the ledger's plan (src/client/tx-plan.ts, the one `tao wallet transfer` and `tao stake add|remove` sign)
 * with the snapshot's figures the review shows around it (fee, balances before and after), or the reason it
 * cannot go through. Pure, exact (bigint rao).
 */
import { freeAfter, stakePlan, transferPlan, type TxPlan } from '../../client/tx-plan.js';
import { parseTao } from '../../core/amount.js';
import { isTaoError } from '../../core/errors.js';
import { unstakingValidatorMessage } from '../../up/running-peers.js';
import type { MarketSnapshot } from '../data/types.js';
import { taoFull } from '../format.js';

export type TxKind = 'transfer' | 'stake-add' | 'stake-remove';

/** What a dialog asked for. `amount` is τ rao (on Subtensor an unstake's is alpha). */
export interface TxRequest {
  kind: TxKind;
  from: string;
  /** Destination account (transfer) or hotkey (stake). */
  to: string;
  amount: bigint;
}

/** A request planned on tao's ledger: the plan to sign and the figures of its review. */
export interface LedgerTx {
  request: TxRequest;
  plan: TxPlan;
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
): { tx: LedgerTx } | { problem: string } {
  const { own, node } = snapshot;
  if (!own.coldkey) return { problem: 'no coldkey in this wallet' };
  if (!own.balance) return { problem: 'balance not known yet (is the node reachable?)' };
  if (node.txFee === null) return { problem: 'transaction fee not known yet (is the node reachable?)' };
  const fee = node.txFee;
  const free = own.balance.free;
  // Root stake (netuid 0, or stake not per subnet): α stakes in pools are the pools' dialog's.
  const stakeBefore =
    kind === 'transfer'
      ? null
      : own.stakes.filter((s) => s.hotkey === to && (s.netuid ?? 0) === 0).reduce((a, s) => a + s.amount, 0n);
  if (kind === 'stake-remove' && amount > (stakeBefore ?? 0n)) {
    return {
      problem: `cannot unstake ${taoFull(amount)}: only ${taoFull(stakeBefore ?? 0n)} staked to that hotkey`,
    };
  }
  const plan =
    kind === 'transfer'
      ? transferPlan(to, amount)
      : stakePlan(kind === 'stake-add' ? 'add' : 'remove', to, amount);
  const after = freeAfter(plan, free, fee);
  if (after < 0n) {
    return {
      problem:
        kind === 'stake-remove'
          ? `the fee ${taoFull(fee)} exceeds the free balance`
          : `insufficient balance: ${taoFull(amount)} + fee ${taoFull(fee)} > free ${taoFull(free)}`,
    };
  }
  const stakeAfter =
    stakeBefore === null ? null : kind === 'stake-add' ? stakeBefore + amount : stakeBefore - amount;
  return {
    tx: {
      request: { kind, from: own.coldkey, to, amount },
      plan,
      fee,
      freeBefore: free,
      freeAfter: after,
      stakeBefore,
      stakeAfter,
    },
  };
}

/**
 * The review's warning when an unstake takes stake from a running validator of this home (`validators` as
 * runningValidatorsOn describes them), in the words of `tao stake remove`.
 */
export const unstakeValidatorWarning = (request: TxRequest, validators: string): [string, string] =>
  validatorWarning(`${taoFull(request.amount)} of stake`, validators, request.to);

/** The review's warning line for unstaking `what` from `validators` on `hotkey` (root or a subnet's α). */
export const validatorWarning = (what: string, validators: string, hotkey: string): [string, string] => [
  'warning',
  unstakingValidatorMessage(what, validators, hotkey),
];
