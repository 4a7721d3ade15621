/**
 * What `tao up` brings up, as pure data: the default set of neighbour peers (one of every flavour, good×N),
 * the operator's own validator, their wallet names and stake targets, and the supervisor specs of the dev
 * ledger node and of each peer (`tao peer run …` per the pinned peer contract). No I/O here.
 */
import { join } from 'node:path';
import type { Flavour } from '../peer/runtime/config.js';
import type { ChildSpec } from '../supervisor/types.js';

export const UP_NETUID = 1;
export const NODE_CHILD = 'node';
/** The one process hosting every neighbour (`tao up`'s default; `--neighbours-as-processes` opts out). */
export const NEIGHBOURS_CHILD = 'neighbours';
/** The operator's own peer: named `default` so `tao peer status|logs` find it without --name. */
export const OWN_PEER_NAME = 'default';
export const NEIGHBOUR_WALLET_PREFIX = 'up-';
export const DEFAULT_RPC_PORT = 9944;
export const DEFAULT_PEER_PORT_BASE = 9950;
/** Dev chain pace: a block a second, an epoch every tempo+1 blocks (6 s). */
export const DEFAULT_BLOCK_TIME_MS = 1000;
export const DEFAULT_TEMPO = 5;
export const DEFAULT_GOOD = 4;

/** One peer of the market: who it is and how it runs. Amounts are rao. */
export interface PeerPlan {
  name: string;
  flavour: Flavour;
  wallet: string;
  hotkey: string;
  /** The `tao peer run` flags that make this peer what it is (block, tau, copy-of). */
  flags: { block?: string; tau?: string; copyOf?: string };
  /** Root stake (τ) the coldkey puts on the hotkey (0 for servers). */
  stakeRao: bigint;
  /** τ the coldkey puts into subnet 1's pool as α on the hotkey (0 for servers). */
  alphaRao: bigint;
  /** Free balance the coldkey keeps after registering and staking (the faucet tops it up). */
  spareRao: bigint;
}

const TAO = 1_000_000_000n;
export const OWN_STAKE = 500n * TAO;
export const VALIDATOR_STAKE = 250n * TAO;
/**
 * The validators' α on subnet 1, bought with τ from its pool (1,000 τ / 1,000 α at genesis: 150 τ in all
 * moves the price by ~32 %). Their stake weight is α + root τ × 0.0527: ~90 + 26 for the own validator and
 * ~40 + 13 for the neighbour validator, well above the α the miners earn (~2.5 α an epoch among them all),
 * so the validators' weights keep deciding the ranking as the miners' α grows.
 */
export const OWN_ALPHA = 100n * TAO;
export const VALIDATOR_ALPHA = 50n * TAO;
/** A neighbour's spare balance after its burn (0.1 TAO) and fees. */
export const SERVER_SPARE = 10n * TAO;
/** The operator's spare balance, for transfers and stake in the console. */
export const OWN_SPARE = 100n * TAO;

export const supervisorName = (peerName: string) => `peer:${peerName}`;
export const neighbourWallet = (peerName: string) => `${NEIGHBOUR_WALLET_PREFIX}${peerName}`;

/** The neighbours: good×`good` (blocks 0…), noisy (τ=2), copycat of good-0, adversarial, lazy, random, validator. */
export function neighbourPlans(good = DEFAULT_GOOD): PeerPlan[] {
  const server = (name: string, flavour: Flavour, flags: PeerPlan['flags'] = {}): PeerPlan => ({
    name,
    flavour,
    wallet: neighbourWallet(name),
    hotkey: 'default',
    flags,
    stakeRao: 0n,
    alphaRao: 0n,
    spareRao: SERVER_SPARE,
  });
  const plans: PeerPlan[] = [];
  for (let i = 0; i < good; i++) plans.push(server(`good-${i}`, 'good', { block: String(i % 4) }));
  plans.push(server('noisy', 'noisy', { tau: '2' }));
  if (good > 0) plans.push(server('copycat', 'copycat', { copyOf: 'good-0' }));
  plans.push(server('adversarial', 'adversarial'));
  plans.push(server('lazy', 'lazy'));
  plans.push(server('random', 'random'));
  plans.push({
    ...server('validator', 'validator'),
    stakeRao: VALIDATOR_STAKE,
    alphaRao: VALIDATOR_ALPHA,
  });
  return plans;
}

export function ownPlan(wallet: string, hotkey: string): PeerPlan {
  return {
    name: OWN_PEER_NAME,
    flavour: 'own',
    wallet,
    hotkey,
    flags: {},
    stakeRao: OWN_STAKE,
    alphaRao: OWN_ALPHA,
    spareRao: OWN_SPARE,
  };
}

export interface NodeSpecInput {
  bin: string;
  home: string;
  rpcPort: number;
  /** 0 = `--instant` (a block as soon as transactions arrive). */
  blockTimeMs: number;
  /** Omitted: the node's default for its chain. */
  tempo?: number;
  /** Omitted: the node's default, `$TAO_HOME/node/data`. */
  dataDir?: string;
  /** Default true: `tao up` always runs a dev chain. */
  dev?: boolean;
  /** Default 127.0.0.1. */
  rpcHost?: string;
  /** `meta.started_by` (default 'tao up'; `tao down` stops only a node that `tao up` started). */
  startedBy?: string;
}

export const rpcUrl = (port: number, host = '127.0.0.1') =>
  `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * The ledger node as the supervisor's child `node` (kind `node`, meta `{rpc_url, started_by}`): shared by
 * `tao up` and `tao node start --detach`.
 */
export function nodeSpec(input: NodeSpecInput): ChildSpec {
  const host = input.rpcHost ?? '127.0.0.1';
  const url = rpcUrl(input.rpcPort, host);
  const args = [input.bin, '--home', input.home, 'node', 'start'];
  if (input.dev ?? true) args.push('--dev');
  if (input.blockTimeMs === 0) args.push('--instant');
  else args.push('--block-time', String(input.blockTimeMs));
  if (input.tempo !== undefined) args.push('--tempo', String(input.tempo));
  args.push('--rpc-port', String(input.rpcPort), '--rpc-host', host);
  if (input.dataDir !== undefined) args.push('--data', input.dataDir);
  return {
    name: NODE_CHILD,
    kind: 'node',
    command: process.execPath,
    args,
    env: { NO_COLOR: '1' },
    health: { url: `${url}/health`, intervalMs: 5000, graceMs: 30_000 },
    stopGraceMs: 10_000,
    meta: { rpc_url: url, started_by: input.startedBy ?? 'tao up' },
  };
}

/** Where `tao up` keeps its record and its chain: `$TAO_HOME/up/`. */
export const upPaths = (home: string) => ({
  dir: join(home, 'up'),
  state: join(home, 'up', 'state.json'),
  chain: join(home, 'up', 'chain'),
});

/**
 * Port assignment: keep a peer's recorded port when it is still usable, otherwise the lowest port from
 * `base` that is neither `reserved` (ports of peers that keep running), nor given to another peer here,
 * nor `busy`. The caller supplies the probe.
 */
export async function assignPorts(
  names: readonly string[],
  recorded: ReadonlyMap<string, number>,
  base: number,
  busy: (port: number) => Promise<boolean>,
  reserved: ReadonlySet<number> = new Set(),
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const used = new Set<number>(reserved);
  for (const name of names) {
    const port = recorded.get(name);
    if (port !== undefined && !used.has(port) && !(await busy(port))) {
      out.set(name, port);
      used.add(port);
    }
  }
  let next = base;
  for (const name of names) {
    if (out.has(name)) continue;
    while (used.has(next) || (await busy(next))) {
      next++;
      if (next > 65535) throw new Error(`no free port left above ${base}`);
    }
    out.set(name, next);
    used.add(next);
  }
  return out;
}
