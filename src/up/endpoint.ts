/**
 * Where this home's market answers, from what runs here and without touching the network: the supervisor's
 * live `node` child (its registry `run/children.json`), else a foreground `tao node start` (`run/node.json`),
 * else the node the last `tao up` recorded (`up/state.json`). Commands dial it when neither --node,
 * TAO_NODE nor the config names a node, so `tao up --rpc-port 9955` is found by `tao wallet balance` and
 * `tao console` as it is by `tao node status`.
 */
import { join } from 'node:path';
import { readRunInfo } from '../node-process/run-info.js';
import { runFiles } from '../supervisor/instance.js';
import { liveOrphans } from '../supervisor/orphans.js';
import { NODE_CHILD } from './plan.js';
import { readUpState } from './state.js';

/** The supervised node's RPC URL while its process lives (the daemon keeps the registry current). */
function supervisedNodeUrl(home: string): string | undefined {
  const node = liveOrphans(join(runFiles(home).runDir, 'children.json')).find((c) => c.name === NODE_CHILD);
  const url = node?.spec?.meta?.rpc_url;
  return typeof url === 'string' ? url : undefined;
}

export function recordedNodeUrl(home: string): string | undefined {
  return supervisedNodeUrl(home) ?? readRunInfo(home)?.rpc ?? readUpState(home)?.rpc_url;
}
