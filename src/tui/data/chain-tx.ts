/**
 * A DataSource that prices and signs its own transactions (Subtensor): the dialog asks it for a plan read
 * from the chain right before the review, then has it sign exactly that plan and follow it into a block.
 * Sources without it (tao's ledger) plan from the snapshot and sign through transfer/addStake/removeStake.
 */
import type { ChainTxPlan, ChainTxRequest } from '../dialogs/chain-plan.js';
import type { DataSource, PasswordSource } from './types.js';

/** What the chain did with a signed plan: its block and the outcome's lines (actual fee, alpha moved). */
export interface ChainTxOutcome {
  txHash: string;
  block: number;
  lines: [string, string][];
}

export interface ChainSigning {
  /** The plan for `request` at the chain's current state, or why it cannot go through. */
  quoteTx(request: Omit<ChainTxRequest, 'from'>): Promise<{ plan: ChainTxPlan } | { problem: string }>;
  /** Unlocks, signs, submits and waits for the block; throws a TaoError (decoded chain error) on refusal. */
  signPlan(plan: ChainTxPlan, auth: PasswordSource): Promise<ChainTxOutcome>;
}

export function chainSigningOf(source: DataSource): ChainSigning | null {
  const s = source as DataSource & Partial<ChainSigning>;
  return typeof s.quoteTx === 'function' && typeof s.signPlan === 'function'
    ? (s as DataSource & ChainSigning)
    : null;
}
