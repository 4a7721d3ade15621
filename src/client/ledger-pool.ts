/**
 * A ledger pool (as `subnet_list` sends it) in the shape the swap estimate reads (swap-estimate.ts): the
 * ledger's pools hold only the protocol's liquidity, so one swap step is the whole swap and the estimate is
 * exact. Shared by the CLI's previews and the console's reviews.
 */
import type { PoolState } from '../chain/subtensor/swap-estimate.js';
import { rejectedError } from '../core/errors.js';
import type { NodeClient } from './node-client.js';
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

/** Subnet `netuid`'s pool, refused unless it exists and has been started. */
export async function poolOf(client: NodeClient, netuid: number): Promise<LedgerPool> {
  const subnet = (await client.subnetList()).find((s) => s.netuid === netuid);
  if (!subnet) throw rejectedError('E_UNKNOWN_SUBNET', `subnet ${netuid} does not exist on this ledger`);
  if (!subnet.pool)
    throw rejectedError('E_UNKNOWN_SUBNET', `subnet ${netuid} has no pool: this node predates dynamic TAO`);
  if (!subnet.pool.started)
    throw rejectedError(
      'E_SUBNET_NOT_STARTED',
      `subnet ${netuid} has not been started: its owner runs tao subnet start --netuid ${netuid}`,
    );
  return subnet.pool;
}

/** The α `coldkey` holds on `hotkey` in subnet `netuid`. */
export async function alphaHeld(
  client: NodeClient,
  coldkey: string,
  hotkey: string,
  netuid: number,
): Promise<bigint> {
  const stakes = await client.alphaStakes({ coldkey, hotkey });
  return stakes.find((s) => s.netuid === netuid && s.hotkey === hotkey)?.alpha ?? 0n;
}
