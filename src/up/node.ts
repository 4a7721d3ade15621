/**
 * The dev ledger node for `tao up`: reuse the supervisor's `node` child when it runs, or a dev node that
 * already answers on the RPC port; otherwise start it as the supervisor child `node` and wait until it
 * serves RPC, failing with the child's own exit reason when it crashes on the way.
 */
import { TaoError, usageError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';
import type { SupervisorClient } from '../supervisor/client.js';
import type { ChildStatus } from '../supervisor/types.js';
import { NODE_CHILD, type NodeSpecInput, nodeSpec, rpcUrl } from './plan.js';
import { portBusy, probeNode } from './probe.js';

export interface NodeUp {
  url: string;
  /** True when this node is the supervisor child that `tao up` started (now or on an earlier run). */
  owned: boolean;
  reused: boolean;
}

const ACTIVE = new Set(['starting', 'running', 'restarting']);
export const isActive = (child: ChildStatus | undefined): child is ChildStatus =>
  child !== undefined && ACTIVE.has(child.state);

async function childNamed(client: SupervisorClient, name: string): Promise<ChildStatus | undefined> {
  return (await client.status()).children.find((c) => c.name === name);
}

/** Why a child stopped, with its last output lines, for an error message. */
export function exitStory(child: ChildStatus): string {
  const exit = child.lastExit;
  if (!exit) return `state ${child.state}`;
  const tail = exit.tail.slice(-8).join('\n    ');
  return `${exit.reason}${tail ? `; last output:\n    ${tail}` : ''}`;
}

/** Waits until the node at `url` answers, or its supervisor child gives up. */
async function waitServing(client: SupervisorClient, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probeNode(url, 1000)) return;
    const child = await childNamed(client, NODE_CHILD);
    if (child && (child.state === 'crash-looping' || child.state === 'exited' || child.state === 'stopped'))
      throw new TaoError(
        'E_NODE_START_FAILED',
        `the ledger node did not start: ${exitStory(child)}`,
        1,
        `see ${child.logFile}`,
      );
    await sleep(200);
  }
  throw new TaoError(
    'E_NODE_START_FAILED',
    `the ledger node did not answer at ${url} within ${timeoutMs / 1000} s`,
    1,
  );
}

export async function ensureNode(
  client: SupervisorClient,
  input: NodeSpecInput,
  note: (text: string) => void,
  options: { ownedBefore: boolean; timeoutMs?: number },
): Promise<NodeUp> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = await childNamed(client, NODE_CHILD);
  if (isActive(child)) {
    const url = typeof child.meta.rpc_url === 'string' ? child.meta.rpc_url : rpcUrl(input.rpcPort);
    const owned = child.meta.started_by === 'tao up' || options.ownedBefore;
    if (url !== rpcUrl(input.rpcPort))
      note(`the supervised node serves ${url}; using it (not port ${input.rpcPort})`);
    await waitServing(client, url, timeoutMs);
    note(`reusing the running node at ${url} (pid ${child.pid ?? '?'})`);
    return { url, owned, reused: true };
  }
  const url = rpcUrl(input.rpcPort);
  if (await probeNode(url)) {
    note(`reusing the node that already answers at ${url} (not supervised: tao down leaves it running)`);
    return { url, owned: false, reused: true };
  }
  if (await portBusy(input.rpcPort))
    throw usageError(
      'E_PORT_IN_USE',
      `port ${input.rpcPort} is in use by something that is not a tao ledger node`,
      'pick another port with --rpc-port',
    );
  await client.start(nodeSpec(input), { replace: true });
  await waitServing(client, url, timeoutMs);
  const started = await childNamed(client, NODE_CHILD);
  note(`dev node serving ${url} (pid ${started?.pid ?? '?'}, data ${input.dataDir})`);
  return { url, owned: true, reused: false };
}
