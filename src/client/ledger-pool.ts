/**
 * A ledger pool (as `subnet_list` sends it) in the shape the swap estimate reads (swap-estimate.ts): the
 * ledger's pools hold only the protocol's liquidity, so one swap step is the whole swap and the estimate is
 * exact. Shared by the CLI's previews and the console's reviews.
 */
import type { PoolState } from '../chain/subtensor/swap-estimate.js';
import type { LedgerPool } from './types.js';

export const ledgerPoolState = (netuid: number, p: LedgerPool): PoolState => ({
  netuid,
  mechanism: 1,
  sqrtPrice: p.sqrtPrice,
  liquidity: p.liquidity,
  feeRate: p.feeRate,
  protocolOnly: true,
  initialized: p.initialized,
  reserves: { tao: p.taoIn, alpha: p.alphaIn },
});
