/**
 * Reads from a Subtensor chain in tao's terms: balances, alpha stake per (hotkey, netuid) with its value in
 * τ, subnets with their pools, hyperparameters and the metagraph. Amounts are bigint rao (alpha in its own
 * 10^-9 units); prices are rao of τ per whole alpha (1 τ = 10^9).
 */
import type { ApiPromise } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import { runtimeCall, storage } from './access.js';
import { big, bigField, bytesText, field, numField, textField } from './codec.js';

export interface AccountBalance {
  address: string;
  free: bigint;
  reserved: bigint;
  nonce: number;
}

export async function accountBalance(api: ApiPromise, address: string): Promise<AccountBalance> {
  const account = await storage(api, 'system', 'account')(address);
  const data = field(account, 'data');
  return {
    address,
    free: bigField(data, 'free'),
    reserved: bigField(data, 'reserved'),
    nonce: numField(account, 'nonce'),
  };
}

/**
 * The coldkey owning `address` when it is a registered hotkey on this chain (`tao wallet transfer` and the
 * console warn before sending τ to one); an unregistered address reads the all-zero account: undefined.
 */
export async function hotkeyOwner(api: ApiPromise, address: string): Promise<string | undefined> {
  const owner = (await storage(api, 'subtensorModule', 'owner')(address)).toString();
  const zero = '5C4hrfjw9DjXZTzV3MwzrrAr9P1MJhSrvWGWqi1eSuyUpnhM';
  return owner && owner !== zero ? owner : undefined;
}

export interface AlphaStake {
  coldkey: string;
  hotkey: string;
  netuid: number;
  alpha: bigint;
}

export async function stakesOfColdkey(api: ApiPromise, coldkey: string): Promise<AlphaStake[]> {
  const list = (await runtimeCall(
    api,
    'stakeInfoRuntimeApi',
    'getStakeInfoForColdkey',
  )(coldkey)) as unknown as Codec[];
  return Array.from(list, (info) => ({
    coldkey: textField(info, 'coldkey'),
    hotkey: textField(info, 'hotkey'),
    netuid: numField(info, 'netuid'),
    alpha: bigField(info, 'stake'),
  })).filter((s) => s.alpha > 0n);
}

/** Rao of τ per 1 alpha (10^9 = price 1.0); root (netuid 0) is always 10^9. */
export async function alphaPrice(api: ApiPromise, netuid: number): Promise<bigint> {
  return big((await runtimeCall(api, 'swapRuntimeApi', 'currentAlphaPrice')(netuid)) as unknown as Codec);
}

export interface SubnetPool {
  netuid: number;
  name: string;
  symbol: string;
  ownerColdkey: string;
  ownerHotkey: string;
  tempo: number;
  taoIn: bigint;
  alphaIn: bigint;
  alphaOut: bigint;
  /** τ injected per block into this subnet's pool (its share of emission), rao. */
  taoInEmission: bigint;
  registeredAt: number;
}

function poolOf(info: Codec): SubnetPool {
  return {
    netuid: numField(info, 'netuid'),
    name: bytesText(field(info, 'subnetName')),
    symbol: bytesText(field(info, 'tokenSymbol')),
    ownerColdkey: textField(info, 'ownerColdkey'),
    ownerHotkey: textField(info, 'ownerHotkey'),
    tempo: numField(info, 'tempo'),
    taoIn: bigField(info, 'taoIn'),
    alphaIn: bigField(info, 'alphaIn'),
    alphaOut: bigField(info, 'alphaOut'),
    taoInEmission: bigField(info, 'taoInEmission'),
    registeredAt: numField(info, 'networkRegisteredAt'),
  };
}

export async function subnetPools(api: ApiPromise): Promise<SubnetPool[]> {
  const all = (await runtimeCall(api, 'subnetInfoRuntimeApi', 'getAllDynamicInfo')()) as unknown as Codec[];
  const pools: SubnetPool[] = [];
  for (const option of all) {
    const opt = option as unknown as { isSome: boolean; unwrap(): Codec };
    if (opt.isSome) pools.push(poolOf(opt.unwrap()));
  }
  return pools;
}

export async function subnetPool(api: ApiPromise, netuid: number): Promise<SubnetPool | undefined> {
  const opt = (await runtimeCall(api, 'subnetInfoRuntimeApi', 'getDynamicInfo')(netuid)) as unknown as {
    isSome: boolean;
    unwrap(): Codec;
  };
  return opt.isSome ? poolOf(opt.unwrap()) : undefined;
}

/** The subnet's hyperparameters as the runtime reports them (JSON numbers; big ones as strings). */
export async function hyperparameters(
  api: ApiPromise,
  netuid: number,
): Promise<Record<string, unknown> | undefined> {
  const opt = (await runtimeCall(
    api,
    'subnetInfoRuntimeApi',
    'getSubnetHyperparamsV2',
  )(netuid)) as unknown as {
    isSome: boolean;
    unwrap(): Codec;
  };
  if (!opt.isSome) return undefined;
  const struct = opt.unwrap() as unknown as Map<string, Codec>;
  const out: Record<string, unknown> = {};
  for (const [name, value] of struct.entries()) {
    const text = value.toString();
    out[name] = /^\d+$/.test(text)
      ? Number.isSafeInteger(Number(text))
        ? Number(text)
        : text
      : value.toJSON();
  }
  return out;
}

export const subnetExists = async (api: ApiPromise, netuid: number): Promise<boolean> =>
  ((await storage(api, 'subtensorModule', 'networksAdded')(netuid)) as unknown as { isTrue: boolean }).isTrue;

export async function networkRegistrationCost(api: ApiPromise): Promise<bigint> {
  return big(
    (await runtimeCall(
      api,
      'subnetRegistrationRuntimeApi',
      'getNetworkRegistrationCost',
    )()) as unknown as Codec,
  );
}
