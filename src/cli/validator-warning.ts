/**
 * Unstaking from a validator peer this home runs weakens (with --all: ends) its say in consensus and its
 * dividends. Said before the preview, for root τ (every subnet's validator on the hotkey) and for a subnet's α
 * (that subnet's validator); it needs the confirmation every signing needs, and with --json (which never
 * prompts) an explicit --yes.
 */
import { usageError } from '../core/errors.js';
import type { GlobalOptions } from './context.js';

export interface UnstakeTarget {
  hotkey: string;
  /** The subnet whose α is sold; undefined for root stake, which weighs in every subnet. */
  netuid?: number;
  /** "2.000000000 τ of stake", "all your stake", "1.500000000 α on subnet 1". */
  what: string;
  /** --all: the validator may be left with nothing. */
  all: boolean;
}

/** Adds the warning to `warnings` (and stderr) when `target` unstakes a running validator; refuses --json without --yes. */
export async function warnUnstakingValidator(
  globals: GlobalOptions,
  target: UnstakeTarget,
  warnings: string[],
): Promise<void> {
  const { describePeers, runningValidatorsOn, unstakingValidatorMessage } = await import(
    '../up/running-peers.js'
  );
  const peers = await runningValidatorsOn(globals.home, target.hotkey, target.netuid);
  if (peers.length === 0) return;
  const message = `${unstakingValidatorMessage(target.what, describePeers(peers), target.hotkey)}${target.all ? ' (nothing, if this was its only stake)' : ''}`;
  if (globals.json && !globals.yes)
    throw usageError('E_CONFIRMATION_REQUIRED', message, 'pass --yes to unstake it anyway');
  warnings.push(message);
  if (!globals.json) process.stderr.write(`warning: ${message}\n`);
}
