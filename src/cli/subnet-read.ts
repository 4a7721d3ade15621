/** The reads of `tao subnet list | metagraph | hyperparameters`, through the chain seam (either backend). */
import { withChain } from '../chain/chain.js';
import { hyperparametersJson, metagraphJson, type SubnetJsonRow, subnetsJson } from './chain-json.js';
import type { GlobalOptions } from './context.js';
import { requireNetuid } from './subnet-flags.js';

export async function handleSubnetList(globals: GlobalOptions): Promise<{ subnets: SubnetJsonRow[] }> {
  return withChain(globals, async (chain) => ({ subnets: subnetsJson(await chain.subnets()) }));
}

export async function handleMetagraph(globals: GlobalOptions, netuidText: string | undefined) {
  const netuid = await requireNetuid(globals, netuidText);
  return withChain(globals, async (chain) => metagraphJson(await chain.metagraph(netuid)));
}

export async function handleHyperparameters(globals: GlobalOptions, netuidText: string | undefined) {
  const netuid = await requireNetuid(globals, netuidText);
  return withChain(globals, async (chain) =>
    hyperparametersJson(netuid, await chain.hyperparameters(netuid)),
  );
}
