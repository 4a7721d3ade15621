/**
 * `tao subnet list | hyperparameters | metagraph` on a Subtensor chain: the ledger's JSON field names where
 * they overlap, plus the dynamic-TAO pool (price, τ and α in the pool, emission share) and alpha stake.
 */
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import { formatTao } from '../../core/amount.js';
import { rejectedError } from '../../core/errors.js';
import { emissionShare, type NeuronRow } from '../subnet-rows.js';

export interface SubtensorSubnetRow {
  netuid: number;
  name: string;
  symbol: string;
  owner: string;
  owner_hotkey: string;
  n: number;
  max_uids: number;
  tempo: number;
  burn: string;
  last_epoch: number;
  /** τ per α at the pool's spot price. */
  price: string;
  tao_in: string;
  alpha_in: string;
  alpha_out: string;
  /** This subnet's fraction of the τ injected per block into all pools (0 before any emission). */
  emission_share: number;
  tao_in_emission: string;
  registered_at: number;
  /** Whether start_call has run (the subnet emits from first_emission_block). */
  started: boolean;
  first_emission_block: number | null;
}

export async function subtensorSubnetList(chain: SubtensorApi): Promise<{ subnets: SubtensorSubnetRow[] }> {
  const { subnetSummaries } = await import('../../chain/subtensor/subnets.js');
  const all = await subnetSummaries(chain.api);
  const totalEmission = all.reduce((sum, s) => sum + s.taoInEmission, 0n);
  return {
    subnets: all.map((s) => ({
      netuid: s.netuid,
      name: s.name,
      symbol: s.symbol,
      owner: s.ownerColdkey,
      owner_hotkey: s.ownerHotkey,
      n: s.n,
      max_uids: s.maxUids,
      tempo: s.tempo,
      burn: formatTao(s.burn),
      last_epoch: s.lastStep,
      price: formatTao(s.price),
      tao_in: formatTao(s.taoIn),
      alpha_in: formatTao(s.alphaIn),
      alpha_out: formatTao(s.alphaOut),
      emission_share: emissionShare(s.taoInEmission, totalEmission),
      tao_in_emission: formatTao(s.taoInEmission),
      registered_at: s.registeredAt,
      started: s.firstEmissionBlock !== null,
      first_emission_block: s.firstEmissionBlock,
    })),
  };
}

export const unknownSubnet = (netuid: number) =>
  rejectedError('E_UNKNOWN_SUBNET', `subnet ${netuid} does not exist on this chain`, 'tao subnet list');

export async function subtensorHyperparameters(
  chain: SubtensorApi,
  netuid: number,
): Promise<Record<string, unknown>> {
  const { AMOUNT_FIELDS, subnetHyperparameters } = await import('../../chain/subtensor/subnets.js');
  const params = await subnetHyperparameters(chain.api, netuid);
  if (!params) throw unknownSubnet(netuid);
  const out: Record<string, unknown> = { netuid };
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'bigint')
      out[name] = AMOUNT_FIELDS.has(name)
        ? formatTao(value)
        : Number.isSafeInteger(Number(value))
          ? Number(value)
          : value.toString();
    else out[name] = value;
  }
  return out;
}

const ratio = (u16: number) => u16 / 65535;

/** The ledger's metagraph row (one shape for both backends), plus the chain's two stake parts. */
export interface SubtensorNeuronRow extends NeuronRow {
  /** The epoch's stake weight (alpha + root τ × tao weight); `emission` is alpha paid in the last epoch. */
  alpha_stake: string;
  tao_stake: string;
}

export async function subtensorMetagraphJson(
  chain: SubtensorApi,
  netuid: number,
): Promise<{ netuid: number; block: number; neurons: SubtensorNeuronRow[] }> {
  const { subtensorMetagraph } = await import('../../chain/subtensor/metagraph.js');
  const m = await subtensorMetagraph(chain.api, netuid);
  if (!m) throw unknownSubnet(netuid);
  return {
    netuid: m.netuid,
    block: m.block,
    neurons: m.neurons.map((n) => ({
      uid: n.uid,
      hotkey: n.hotkey,
      coldkey: n.coldkey,
      stake: formatTao(n.totalStake),
      alpha_stake: formatTao(n.alphaStake),
      tao_stake: formatTao(n.taoStake),
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
