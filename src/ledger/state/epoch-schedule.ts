/**
 * When a ledger subnet runs its epoch, as subtensor schedules it: subnet `netuid` runs at the end of block
 * `block` when (block + netuid + 1) % (tempo + 1) == 0. The node (payout.ts) and the console's countdown
 * (tui/data/chain-feed.ts) both use these two functions, so they cannot disagree. No imports: the console
 * loads this without the rest of the ledger.
 */
export const isEpochBlock = (block: number, netuid: number, tempo: number): boolean =>
  (block + netuid + 1) % (tempo + 1) === 0;

/**
 * Blocks from `head` (whose end-of-block already ran) to the next block whose end runs the subnet's epoch:
 * 1 … tempo + 1 (tempo 0 runs every block: 1).
 */
export function blocksToEpoch(head: number, netuid: number, tempo: number): number {
  const period = tempo + 1;
  return period - ((((head + netuid + 1) % period) + period) % period);
}
