/**
 * Staking under dynamic TAO, chain side: the tolerance and limit-price arithmetic (exact integers), one
 * (coldkey, hotkey, netuid) stake read, and the StakeAdded / StakeRemoved events of an inclusion.
 *
 * Limit prices are rao of τ per whole alpha (price × 10^9), as `addStakeLimit`, `removeStakeLimit`,
 * `removeStakeFullLimit` and `swapStakeLimit` take them. For a buy the limit is a ceiling on the pool's
 * price after the trade, for a sell a floor.
 */
import type { ApiPromise } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import { usageError } from '../../core/errors.js';
import { runtimeCall } from './access.js';
import { bigField } from './codec.js';
import type { Inclusion } from './submit.js';

/** A tolerance as an exact fraction num/den (0.005 → 5/1000). */
export interface Tolerance {
  num: bigint;
  den: bigint;
  text: string;
}

export const DEFAULT_TOLERANCE = '0.005';

/** `--tolerance`: a decimal fraction 0 < t < 1 with at most 9 decimals (0.005 = 0.5 %); else exit 2. */
export function parseTolerance(text: string): Tolerance {
  const m = /^(0?)\.(\d{1,9})$|^0$/.exec(text.trim());
  const bad = () =>
    usageError(
      'E_BAD_TOLERANCE',
      `--tolerance must be a decimal fraction between 0 and 1 (0.005 = 0.5 %), at most 9 decimals, got '${text}'`,
      'e.g. --tolerance 0.005, --tolerance 0.05; --unsafe turns price protection off',
    );
  if (!m || m[2] === undefined) throw bad();
  const digits = m[2];
  const num = BigInt(digits);
  if (num === 0n) throw bad();
  return { num, den: 10n ** BigInt(digits.length), text: `0.${digits}` };
}

/** Tolerance as a percentage for people: 0.005 → "0.5 %". */
export function tolerancePercent(t: Tolerance): string {
  const scaled = (t.num * 100n * 10n ** 9n) / t.den;
  const whole = scaled / 10n ** 9n;
  const frac = (scaled % 10n ** 9n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} %`;
}

export interface Protection {
  /** undefined = --unsafe (no limit). */
  tolerance?: Tolerance;
  partial: boolean;
}

/** --tolerance / --partial / --unsafe → what protects the trade (exit 2 on contradictions). */
export function protectionOf(opts: { tolerance?: string; partial?: boolean; unsafe?: boolean }): Protection {
  if (opts.unsafe && (opts.tolerance !== undefined || opts.partial))
    throw usageError(
      'E_USAGE',
      '--unsafe turns price protection off: do not combine it with --tolerance or --partial',
    );
  if (opts.unsafe) return { partial: false };
  return { tolerance: parseTolerance(opts.tolerance ?? '0.005'), partial: Boolean(opts.partial) };
}

/** Buy ceiling: ⌊price × (1 + t)⌋. */
export const limitUp = (price: bigint, t: Tolerance): bigint => (price * (t.den + t.num)) / t.den;
/** Sell floor: ⌊price × (1 − t)⌋. */
export const limitDown = (price: bigint, t: Tolerance): bigint => (price * (t.den - t.num)) / t.den;

/** Alpha the coldkey holds on (hotkey, netuid): the runtime's own stake info (0 when none). */
export async function stakeOf(
  api: ApiPromise,
  hotkey: string,
  coldkey: string,
  netuid: number,
): Promise<bigint> {
  const opt = (await runtimeCall(api, 'stakeInfoRuntimeApi', 'getStakeInfoForHotkeyColdkeyNetuid')(
    hotkey,
    coldkey,
    netuid,
  )) as unknown as { isSome: boolean; unwrap(): Codec };
  return opt.isSome ? bigField(opt.unwrap(), 'stake') : 0n;
}

/** StakeAdded / StakeRemoved: (coldkey, hotkey, tao, alpha, netuid, fee), per the runtime's source. */
export interface StakeEvent {
  kind: 'StakeAdded' | 'StakeRemoved';
  coldkey: string;
  hotkey: string;
  tao: bigint;
  alpha: bigint;
  netuid: number;
  /** The pool's swap fee: τ for StakeAdded, alpha for StakeRemoved. */
  fee: bigint;
}

export function stakeEvents(inclusion: Inclusion): StakeEvent[] {
  const out: StakeEvent[] = [];
  for (const e of inclusion.events) {
    if (e.section !== 'subtensorModule') continue;
    if (e.method !== 'StakeAdded' && e.method !== 'StakeRemoved') continue;
    const [coldkey, hotkey, tao, alpha, netuid, fee] = e.data;
    out.push({
      kind: e.method,
      coldkey: String(coldkey),
      hotkey: String(hotkey),
      tao: BigInt(String(tao)),
      alpha: BigInt(String(alpha)),
      netuid: Number(netuid),
      fee: BigInt(String(fee ?? 0)),
    });
  }
  return out;
}
