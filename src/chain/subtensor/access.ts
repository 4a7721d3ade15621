/**
 * Runtime calls, storage items and extrinsics looked up by name in the connected chain's metadata. Anything
 * this runtime lacks is E_UNSUPPORTED (exit 2) naming it, instead of a TypeError deep in a command.
 */
import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import { ExitCode, TaoError } from '../../core/errors.js';

const unsupported = (what: string, api: ApiPromise) =>
  new TaoError(
    'E_UNSUPPORTED',
    `this Subtensor runtime (${api.runtimeVersion.specName.toString()} spec ${api.runtimeVersion.specVersion.toString()}) has no ${what}`,
    ExitCode.usage,
  );

type Fn = (...args: unknown[]) => Promise<Codec>;

export function runtimeCall(api: ApiPromise, section: string, method: string): Fn {
  const fn = (api.call as Record<string, Record<string, Fn> | undefined>)[section]?.[method];
  if (!fn) throw unsupported(`runtime API ${section}.${method}`, api);
  return fn;
}

export function storage(api: ApiPromise, pallet: string, item: string): Fn {
  const fn = (api.query as Record<string, Record<string, Fn> | undefined>)[pallet]?.[item];
  if (!fn) throw unsupported(`storage ${pallet}.${item}`, api);
  return fn;
}

export type ExtrinsicBuilder = (...args: unknown[]) => SubmittableExtrinsic<'promise'>;

export function extrinsic(api: ApiPromise, pallet: string, call: string): ExtrinsicBuilder {
  const fn = (api.tx as Record<string, Record<string, ExtrinsicBuilder> | undefined>)[pallet]?.[call];
  if (!fn) throw unsupported(`call ${pallet}.${call}`, api);
  return fn;
}

export const hasExtrinsic = (api: ApiPromise, pallet: string, call: string): boolean =>
  Boolean((api.tx as Record<string, Record<string, unknown> | undefined>)[pallet]?.[call]);
