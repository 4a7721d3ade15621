/**
 * The JSON that `tao subnet list | metagraph | hyperparameters` print for tao's ledger (docs/cli.md): amounts
 * as τ strings with 9 decimals, ranking fields as floats. The Subtensor rows (./subtensor/subnet.ts) keep
 * these field names where they overlap.
 */
import type { Metagraph, SubnetInfo } from '../client/types.js';
import { formatTao, parseRao } from '../core/amount.js';

export interface SubnetRow {
  netuid: number;
  owner: string;
  n: number;
  max_uids: number;
  tempo: number;
  burn: string;
  pending_emission: string;
  last_epoch: number;
}

export const subnetRow = (s: SubnetInfo): SubnetRow => ({
  netuid: s.netuid,
  owner: s.owner,
  n: s.n,
  max_uids: s.maxUids,
  tempo: s.tempo,
  burn: formatTao(s.burn),
  pending_emission: formatTao(s.pendingEmission),
  last_epoch: s.lastEpoch,
});

const ratio = (u16: number) => u16 / 65535;

export interface NeuronRow {
  uid: number;
  hotkey: string;
  coldkey: string;
  stake: string;
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
