/**
 * Which chain answers a `tao subnet …` command: the Subtensor endpoint of --network, or tao's ledger. The
 * Subtensor modules load only when --network names one, so the ledger path never pays for @polkadot/api.
 */
import type { SubtensorApi } from '../chain/subtensor/api.js';
import type { GlobalOptions } from './context.js';
import { networkOf } from './network.js';

/** The Subtensor endpoint of --network, or undefined on tao's ledger. */
export async function subtensorUrl(globals: GlobalOptions): Promise<string | undefined> {
  const network = await networkOf(globals);
  return network.backend === 'subtensor' ? network.url : undefined;
}

/** Runs `fn` on a connected Subtensor chain and disconnects. */
export async function onSubtensor<T>(url: string, fn: (chain: SubtensorApi) => Promise<T>): Promise<T> {
  const { withSubtensor } = await import('./subtensor/tx.js');
  return withSubtensor(url, fn);
}
