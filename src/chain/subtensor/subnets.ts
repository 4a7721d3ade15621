/**
 * Subnet reads on a Subtensor chain in tao's terms: every subnet with its pool, price, tempo, size and share
 * of emission; one subnet's hyperparameters (snake_case, amounts as rao); the neuron state a registration,
 * a start call or an axon needs. Amounts are bigint rao (alpha in its own 10^-9 units).
 */
import type { ApiPromise } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import { runtimeCall, storage } from './access.js';
import { big, num } from './codec.js';
import { alphaPrice, type SubnetPool, subnetPool, subnetPools } from './reads.js';

export interface SubnetSummary extends SubnetPool {
  /** Rao of τ per whole alpha (10^9 = price 1.0). */
  price: bigint;
  n: number;
  maxUids: number;
  burn: bigint;
  /** Block of the last epoch (the runtime's LastMechansimStepBlock via lastStep). */
  lastStep: number;
  /** Block from which the subnet emits (set by start_call), or null before it was started. */
  firstEmissionBlock: number | null;
}

const u = async (api: ApiPromise, item: string, netuid: number): Promise<bigint> =>
  big(await storage(api, 'subtensorModule', item)(netuid));

async function optionalNumber(api: ApiPromise, item: string, netuid: number): Promise<number | null> {
  const opt = (await storage(api, 'subtensorModule', item)(netuid)) as unknown as {
    isSome: boolean;
    unwrap(): Codec;
  };
  return opt.isSome ? num(opt.unwrap()) : null;
}

async function summarize(api: ApiPromise, pool: SubnetPool): Promise<SubnetSummary> {
  const [price, n, maxUids, burn, firstEmissionBlock, lastStep] = await Promise.all([
    alphaPrice(api, pool.netuid),
    u(api, 'subnetworkN', pool.netuid),
    u(api, 'maxAllowedUids', pool.netuid),
    u(api, 'burn', pool.netuid),
    optionalNumber(api, 'firstEmissionBlockNumber', pool.netuid),
    u(api, 'lastMechansimStepBlock', pool.netuid).catch(() => 0n),
  ]);
  return {
    ...pool,
    price,
    n: Number(n),
    maxUids: Number(maxUids),
    burn,
    lastStep: Number(lastStep),
    firstEmissionBlock,
  };
}

export async function subnetSummaries(api: ApiPromise): Promise<SubnetSummary[]> {
  return Promise.all((await subnetPools(api)).map((p) => summarize(api, p)));
}

export async function subnetSummary(api: ApiPromise, netuid: number): Promise<SubnetSummary | undefined> {
  const pool = await subnetPool(api, netuid);
  return pool ? summarize(api, pool) : undefined;
}

/** The runtime's field name → tao's (the ledger's name where the ledger has the parameter). */
const RENAMES: Record<string, string> = {
  weightsVersion: 'weights_version_key',
  maxWeightsLimit: 'max_weight_limit',
  maxValidators: 'max_allowed_validators',
  bondsMovingAvg: 'bonds_moving_average',
  targetRegsPerInterval: 'target_registrations_per_interval',
  maxRegsPerBlock: 'max_registrations_per_block',
};
/** Fields that are τ amounts (rao on chain). */
export const AMOUNT_FIELDS = new Set(['min_burn', 'max_burn', 'burn', 'stake_threshold']);

const snake = (name: string): string => RENAMES[name] ?? name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A hyperparameter value: integers exact (bigint), booleans, fixed-point `{bits}` as a JS number. */
export type HyperValue = bigint | boolean | number | string;

function hyperValue(name: string, codec: Codec): HyperValue {
  const json = codec.toJSON();
  if (typeof json === 'boolean') return json;
  if (json !== null && typeof json === 'object' && 'bits' in json) {
    // I32F32 / U64F64 fixed point (alpha_sigmoid_steepness): 32 fractional bits.
    const bits = BigInt(String((codec as unknown as { get(n: string): Codec }).get('bits')));
    return Number(bits) / 2 ** 32;
  }
  const text = codec.toString();
  if (/^\d+$/.test(text)) return BigInt(text);
  if (/^0x[0-9a-f]+$/i.test(text) && !name.endsWith('Hotkey')) return BigInt(text);
  return text;
}

/**
 * The subnet's hyperparameters in snake_case (getSubnetHyperparamsV2 plus what it leaves out: burn,
 * max_uids, bonds_penalty, stake_threshold, yuma3_enabled), or undefined when the subnet does not exist.
 */
export async function subnetHyperparameters(
  api: ApiPromise,
  netuid: number,
): Promise<Record<string, HyperValue> | undefined> {
  const opt = (await runtimeCall(
    api,
    'subnetInfoRuntimeApi',
    'getSubnetHyperparamsV2',
  )(netuid)) as unknown as { isSome: boolean; unwrap(): Codec };
  if (!opt.isSome) return undefined;
  const out: Record<string, HyperValue> = {};
  for (const [name, value] of (opt.unwrap() as unknown as Map<string, Codec>).entries())
    out[snake(name)] = hyperValue(name, value);
  const [burn, maxUids, bondsPenalty, stakeThreshold] = await Promise.all([
    u(api, 'burn', netuid),
    u(api, 'maxAllowedUids', netuid),
    u(api, 'bondsPenalty', netuid).catch(() => undefined),
    big(await storage(api, 'subtensorModule', 'stakeThreshold')()),
  ]);
  out.burn = burn;
  out.max_uids = maxUids;
  if (bondsPenalty !== undefined) out.bonds_penalty = bondsPenalty;
  out.stake_threshold = stakeThreshold;
  if (typeof out.yuma_version === 'bigint') out.yuma3_enabled = out.yuma_version === 3n;
  return out;
}

export async function commitRevealEnabled(api: ApiPromise, netuid: number): Promise<boolean> {
  const flag = (await storage(api, 'subtensorModule', 'commitRevealWeightsEnabled')(netuid)) as unknown as {
    isTrue: boolean;
  };
  return flag.isTrue;
}

/** The uid of `hotkey` on the subnet, or undefined when it is not registered there. */
export async function uidOf(api: ApiPromise, netuid: number, hotkey: string): Promise<number | undefined> {
  const opt = (await storage(api, 'subtensorModule', 'uids')(netuid, hotkey)) as unknown as {
    isSome: boolean;
    unwrap(): Codec;
  };
  return opt.isSome ? num(opt.unwrap()) : undefined;
}

export interface AxonOnChain {
  block: number;
  ip: string;
  port: number;
  ipType: number;
  protocol: number;
  version: number;
}

/** A u128 from the chain (IPv4 in the low 32 bits when ip_type is 4) as text. */
export function ipText(value: bigint, ipType: number): string {
  if (ipType === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** What `serveAxon` stored for `hotkey` on the subnet (null when it never served). */
export async function axonOf(api: ApiPromise, netuid: number, hotkey: string): Promise<AxonOnChain | null> {
  const opt = (await storage(api, 'subtensorModule', 'axons')(netuid, hotkey)) as unknown as {
    isSome?: boolean;
    unwrap?(): Codec;
  };
  const info = (opt.isSome === undefined ? opt : opt.isSome ? opt.unwrap?.() : undefined) as
    | { get(n: string): Codec }
    | undefined;
  if (!info) return null;
  const get = (n: string) => {
    const v = info.get(n);
    if (!v) throw new Error(`AxonInfo has no '${n}'`);
    return v;
  };
  const ipType = num(get('ipType'));
  const block = num(get('block'));
  if (block === 0 && big(get('ip')) === 0n) return null;
  return {
    block,
    ip: ipText(big(get('ip')), ipType),
    port: num(get('port')),
    ipType,
    protocol: num(get('protocol')),
    version: num(get('version')),
  };
}

/** Blocks a new subnet waits before start_call (the runtime's DurationOfStartCall; 10 on spec 300). */
export function startCallDelay(api: ApiPromise): number {
  const value = (api.consts as Record<string, Record<string, Codec> | undefined>).subtensorModule
    ?.durationOfStartCall;
  return value ? num(value) : 10;
}
