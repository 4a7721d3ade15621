/** The reads of `tao subnet list | metagraph | hyperparameters`, on tao's ledger or a Subtensor chain. */
import type { GlobalOptions } from './context.js';
import { onSubtensor, subtensorUrl } from './subnet-backend.js';
import { requireNetuid } from './subnet-flags.js';
import { hyperparametersJson, metagraphJson, type SubnetRow, subnetRows } from './subnet-rows.js';
import type { SubtensorSubnetRow } from './subtensor/subnet.js';
import { connect } from './tx-flow.js';

export async function handleSubnetList(
  globals: GlobalOptions,
): Promise<{ subnets: (SubnetRow | SubtensorSubnetRow)[] }> {
  const url = await subtensorUrl(globals);
  if (url) {
    const { subtensorSubnetList } = await import('./subtensor/subnet.js');
    return onSubtensor(url, subtensorSubnetList);
  }
  const client = await connect(globals);
  return { subnets: subnetRows(await client.subnetList()) };
}

export async function handleMetagraph(globals: GlobalOptions, netuidText: string | undefined) {
  const netuid = await requireNetuid(globals, netuidText);
  const url = await subtensorUrl(globals);
  if (url) {
    const { subtensorMetagraphJson } = await import('./subtensor/subnet.js');
    return onSubtensor(url, (chain) => subtensorMetagraphJson(chain, netuid));
  }
  const client = await connect(globals);
  return metagraphJson(await client.metagraph(netuid));
}

export async function handleHyperparameters(globals: GlobalOptions, netuidText: string | undefined) {
  const netuid = await requireNetuid(globals, netuidText);
  const url = await subtensorUrl(globals);
  if (url) {
    const { subtensorHyperparameters } = await import('./subtensor/subnet.js');
    return onSubtensor(url, (chain) => subtensorHyperparameters(chain, netuid));
  }
  const client = await connect(globals);
  return hyperparametersJson(netuid, await client.hyperparameters(netuid));
}
