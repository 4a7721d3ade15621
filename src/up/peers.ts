/**
 * Starting the market's peers under the supervisor and waiting until they answer: a peer that already
 * runs keeps its port (its spec is re-applied, a no-op when unchanged); the others get their recorded port
 * or the next free one from the base. A peer whose child crash-loops fails `up` with its exit reason.
 */
import { fileURLToPath } from 'node:url';
import { TaoError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';
import { peerChildSpec } from '../peer/runtime/commands.js';
import { type PeerFlags, parsePeerFlags } from '../peer/runtime/config.js';
import type { SupervisorClient } from '../supervisor/client.js';
import type { ChildSpec, ChildStatus, MemberSpec } from '../supervisor/types.js';
import { exitStory, isActive } from './node.js';
import { assignPorts, NEIGHBOURS_CHILD, type PeerPlan, supervisorName, UP_NETUID } from './plan.js';
import { httpOk, portBusy } from './probe.js';

export interface PeerSpecInput {
  home: string;
  nodeUrl: string;
  port: number;
  hotkeyAddress: string;
  /** `--password-file` (absolute) for an encrypted own hotkey. */
  passwordFile?: string;
  /** The child's extra environment: TAO_PASSWORD when the own hotkey's password came from env or stdin. */
  env?: Record<string, string>;
  device?: string;
}

/** The `tao peer run` flags of one peer of the market. */
function upPeerFlags(plan: PeerPlan, input: PeerSpecInput): PeerFlags {
  return {
    netuid: String(UP_NETUID),
    flavour: plan.flavour,
    port: String(input.port),
    host: '127.0.0.1',
    name: plan.name,
    ...plan.flags,
    ...(input.device ? { device: input.device } : {}),
  };
}

/**
 * The supervisor spec of one peer: exactly what `tao peer start` would register (the peer runtime's own
 * spec builder), with only the environment this peer needs and `started_by: 'tao up'` in its meta.
 */
export function upPeerSpec(plan: PeerPlan, input: PeerSpecInput): ChildSpec {
  const config = parsePeerFlags(upPeerFlags(plan, input));
  const spec = peerChildSpec(
    {
      home: input.home,
      node: input.nodeUrl,
      wallet: plan.wallet,
      hotkey: plan.hotkey,
      ...(input.passwordFile ? { passwordFile: input.passwordFile } : {}),
    },
    config,
    input.hotkeyAddress,
  );
  return { ...spec, env: { NO_COLOR: '1', ...input.env }, meta: { ...spec.meta, started_by: 'tao up' } };
}

/** The neighbour host's entry, in dist/ (bin/tao.js runs dist/ too). */
export const NEIGHBOURS_MAIN = fileURLToPath(
  new URL('../../dist/peer/runtime/neighbours-main.js', import.meta.url),
);

/**
 * One supervisor child that hosts every neighbour (src/peer/runtime/neighbours.ts): each neighbour is a
 * member with exactly the name, kind, meta and health its own child would have, so `tao peer list`, the
 * console and `tao down` see the same peers; the process, its memory and its restarts are shared.
 */
export function neighboursHostSpec(
  plans: readonly PeerPlan[],
  input: (plan: PeerPlan) => PeerSpecInput,
  node: { home: string; nodeUrl: string },
): ChildSpec {
  const members: MemberSpec[] = [];
  const hosted = plans.map((plan) => {
    const one = input(plan);
    const spec = upPeerSpec(plan, one);
    members.push({
      name: spec.name,
      kind: spec.kind,
      meta: spec.meta ?? {},
      ...(spec.health ? { health: spec.health } : {}),
    });
    return {
      child: spec.name,
      wallet: plan.wallet,
      hotkey: plan.hotkey,
      flags: upPeerFlags(plan, one),
    };
  });
  return {
    name: NEIGHBOURS_CHILD,
    kind: 'peer-host',
    command: process.execPath,
    args: [NEIGHBOURS_MAIN, '--home', node.home, '--node', node.nodeUrl, '--members', JSON.stringify(hosted)],
    env: { NO_COLOR: '1' },
    restart: { policy: 'on-failure' },
    stopGraceMs: 10_000,
    meta: { started_by: 'tao up', neighbours: plans.length },
    members,
  };
}

/** Ports for `plans`: running peers keep theirs; the rest get recorded or free ports from `base`. */
export async function portsFor(
  client: SupervisorClient,
  plans: readonly PeerPlan[],
  recorded: ReadonlyMap<string, number>,
  base: number,
  reservedExtra: readonly number[] = [],
): Promise<Map<string, number>> {
  const children = (await client.status()).children;
  const running = new Map<string, number>();
  for (const plan of plans) {
    const child = children.find((c) => c.name === supervisorName(plan.name));
    if (isActive(child) && typeof child.meta.port === 'number') running.set(plan.name, child.meta.port);
  }
  const rest = plans.filter((p) => !running.has(p.name)).map((p) => p.name);
  const assigned = await assignPorts(
    rest,
    recorded,
    base,
    portBusy,
    new Set([...running.values(), ...reservedExtra]),
  );
  return new Map([...running, ...assigned]);
}

/**
 * Removes the children whose names (their own or their members') `specs` will use, unless they are those
 * specs' own children: a host replacing separate neighbour processes, or separate ones replacing a host.
 * Returns the names of the children removed.
 */
export async function removeClashing(
  client: SupervisorClient,
  specs: readonly ChildSpec[],
): Promise<string[]> {
  const own = new Set(specs.map((s) => s.name));
  const wanted = new Set(specs.flatMap((s) => [s.name, ...(s.members ?? []).map((m) => m.name)]));
  const children = (await client.status()).children;
  const owner = (c: ChildStatus) => (typeof c.meta.hosted_by === 'string' ? c.meta.hosted_by : c.name);
  const clashing = new Set(children.filter((c) => wanted.has(c.name) && !own.has(owner(c))).map(owner));
  for (const name of clashing) await client.remove(name);
  return [...clashing];
}

/** Starts (or keeps) every spec; returns the names whose process was (re)started. */
export async function startPeers(client: SupervisorClient, specs: readonly ChildSpec[]): Promise<string[]> {
  const started: string[] = [];
  for (const spec of specs) {
    const r = await client.start(spec, { replace: true });
    if (r.started) started.push(spec.name);
  }
  return started;
}

/**
 * Waits until every peer answers `GET /health`, reporting the count as it grows. Throws when a peer's
 * child crash-loops or exits, or when the deadline passes (naming the peers that never answered).
 */
export async function waitPeersHealthy(
  client: SupervisorClient,
  peers: readonly { name: string; port: number }[],
  onCount: (ready: number, total: number) => void,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ready = new Set<string>();
  let reported = -1;
  while (ready.size < peers.length) {
    await Promise.all(
      peers
        .filter((p) => !ready.has(p.name))
        .map(async (p) => {
          if (await httpOk(`http://127.0.0.1:${p.port}/health`, 1000)) ready.add(p.name);
        }),
    );
    if (ready.size !== reported) {
      reported = ready.size;
      onCount(ready.size, peers.length);
    }
    if (ready.size === peers.length) return;
    const children = (await client.status()).children;
    for (const p of peers) {
      if (ready.has(p.name)) continue;
      const child = children.find((c) => c.name === supervisorName(p.name));
      if (!child) continue;
      if (child.state === 'crash-looping' || child.state === 'exited' || child.state === 'stopped')
        throw new TaoError(
          'E_PEER_START_FAILED',
          `peer '${p.name}' did not start: ${exitStory(child)}`,
          1,
          `see ${child.logFile} (tao peer logs --name ${p.name})`,
        );
    }
    if (Date.now() > deadline) {
      const missing = peers.filter((p) => !ready.has(p.name)).map((p) => p.name);
      throw new TaoError(
        'E_PEER_START_FAILED',
        `peers did not answer within ${Math.round(timeoutMs / 1000)} s: ${missing.join(', ')}`,
        1,
        'see their logs with tao peer logs --name NAME',
      );
    }
    await sleep(500);
  }
}
