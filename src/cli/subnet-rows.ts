/**
 * The JSON that `tao subnet list | metagraph | hyperparameters` print for tao's ledger (docs/cli.md): amounts
 * as τ strings with 9 decimals, ranking fields as floats. The Subtensor rows (./subtensor/subnet.ts) keep
 * these field names where they overlap.
 */
import type { LedgerPool, Metagraph, SubnetInfo } from '../client/types.js';
import { formatTao, parseRao } from '../core/amount.js';

export interface SubnetRow {
  netuid: number;
  owner: string;
  n: number;
  max_uids: number;
  tempo: number;
  burn: string;
  /** α waiting for the next epoch. */
  pending_emission: string;
  last_epoch: number;
  /** The pool fields, named as the Subtensor rows (./subtensor/subnet.ts) name them; absent from nodes without pools. */
  owner_hotkey?: string;
  registered_at?: number;
  /** τ per α at the pool's spot price. */
  price?: string;
  tao_in?: string;
  alpha_in?: string;
  alpha_out?: string;
  /** This subnet's fraction of the τ the next block puts into all pools (0 before any emission). */
  emission_share?: number;
  tao_in_emission?: string;
  started?: boolean;
  first_emission_block?: number | null;
}

/** `part / total` as a float with 9 decimals (0 when the total is 0): one subnet's share of the τ emission. */
export const emissionShare = (part: bigint, total: bigint): number =>
  total === 0n ? 0 : Number((part * 1_000_000_000n) / total) / 1e9;

/** The pool's fields of a ledger subnet row (Subtensor's names), given Σ tao_emission over every subnet. */
export type PoolFields = ReturnType<typeof poolFields>;

export const poolFields = (p: LedgerPool, totalEmission: bigint) => ({
  price: formatTao(p.price),
  tao_in: formatTao(p.taoIn),
  alpha_in: formatTao(p.alphaIn),
  alpha_out: formatTao(p.alphaOut),
  emission_share: emissionShare(p.taoEmission, totalEmission),
  tao_in_emission: formatTao(p.taoEmission),
  started: p.started,
  first_emission_block: p.firstEmissionBlock,
});

const subnetRow = (s: SubnetInfo, totalEmission = 0n): SubnetRow => ({
  netuid: s.netuid,
  owner: s.owner,
  n: s.n,
  max_uids: s.maxUids,
  tempo: s.tempo,
  burn: formatTao(s.burn),
  pending_emission: formatTao(s.pendingEmission),
  last_epoch: s.lastEpoch,
  ...(s.ownerHotkey !== undefined ? { owner_hotkey: s.ownerHotkey } : {}),
  ...(s.createdAt !== undefined ? { registered_at: s.createdAt } : {}),
  ...(s.pool ? poolFields(s.pool, totalEmission) : {}),
});

/** Every subnet's row, each pool's emission share taken over the whole list. */
export function subnetRows(subnets: SubnetInfo[]): SubnetRow[] {
  const total = subnets.reduce((sum, s) => sum + (s.pool?.taoEmission ?? 0n), 0n);
  return subnets.map((s) => subnetRow(s, total));
}

const ratio = (u16: number) => u16 / 65535;

export interface NeuronRow {
  uid: number;
  hotkey: string;
  coldkey: string;
  stake: string;
  /** The part of the stake held as α on this subnet (Subtensor's field); absent from nodes without pools. */
  alpha_stake?: string;
  rank: number;
  trust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  emission: string;
  validator_trust: number;
  validator_permit: boolean;
  active: boolean;
  last_update: number;
  registered_at: number;
  axon: { ip: string; port: number; protocol?: number | string } | null;
}

/**
 * The metagraph as docs/cli.md's JSON: ranking fields as floats (u16 / 65535), stake/emission as TAO strings.
 */
export function metagraphJson(m: Metagraph): { netuid: number; block: number; neurons: NeuronRow[] } {
  return {
    netuid: m.netuid,
    block: m.block,
    neurons: m.neurons.map((n) => ({
      uid: n.uid,
      hotkey: n.hotkey,
      coldkey: n.coldkey,
      stake: formatTao(n.stake),
      ...(n.alphaStake === undefined ? {} : { alpha_stake: formatTao(n.alphaStake) }),
      rank: ratio(n.rank),
      trust: ratio(n.trust),
      consensus: ratio(n.consensus),
      incentive: ratio(n.incentive),
      dividends: ratio(n.dividends),
      emission: formatTao(n.emission),
      validator_trust: ratio(n.validatorTrust),
      validator_permit: n.validatorPermit,
      active: n.active,
      last_update: n.lastUpdate,
      registered_at: n.registeredAt,
      axon: n.axon,
    })),
  };
}

/** Hyperparameters that are amounts (the ledger has burn and stake_threshold; Subtensor adds min/max burn). */
export const HYPER_AMOUNTS = new Set(['burn', 'min_burn', 'max_burn', 'stake_threshold']);

/** The RPC carries amounts as rao strings; people and scripts read τ strings (docs/cli.md), as on Subtensor. */
export function hyperparametersJson(netuid: number, params: object): Record<string, unknown> {
  const out: Record<string, unknown> = { netuid };
  for (const [k, v] of Object.entries(params))
    out[k] = HYPER_AMOUNTS.has(k) && typeof v === 'string' ? formatTao(parseRao(v)) : v;
  return out;
}
