/**
 * What the read commands print for the chain seam's answers (src/chain/chain.ts), once for both backends:
 * amounts as τ (or α) strings with 9 decimals, ranking fields as floats (u16 / 65535), field names as
 * docs/cli.md gives them. A field a backend does not report is left out rather than faked.
 */
import type {
  ChainBalance,
  ChainHyperparameters,
  ChainMetagraph,
  ChainPool,
  ChainStake,
  ChainSubnet,
} from '../chain/chain.js';
import { formatTao } from '../core/amount.js';

export interface BalanceRow {
  address: string;
  wallet?: string;
  free: string;
  /** Where the chain has one (Subtensor). */
  reserved?: string;
  staked: string;
  total: string;
}

export function balanceRow(b: ChainBalance, wallet?: string): BalanceRow {
  return {
    address: b.address,
    ...(wallet ? { wallet } : {}),
    free: formatTao(b.free),
    ...(b.reserved !== undefined ? { reserved: formatTao(b.reserved) } : {}),
    staked: formatTao(b.staked),
    total: formatTao(b.free + (b.reserved ?? 0n) + b.staked),
  };
}

/** u16 take → "18.00 %" for people. */
export const takePercentText = (u16: number) => `${((u16 * 100) / 65535).toFixed(2)} %`;

/** A root stake on a chain with a root stake table (tao's ledger): τ and the hotkey's take. */
export interface StakeRow {
  coldkey: string;
  hotkey: string;
  amount: string;
  /** The hotkey's delegate take: u16 and percent. */
  take: number;
  take_percent: string;
}

/** One coldkey's α on a (hotkey, subnet) of tao's ledger, valued at the pool's spot price. */
export interface AlphaStakeRow {
  coldkey: string;
  hotkey: string;
  netuid: number;
  alpha: string;
  value: string;
  take: number;
  take_percent: string;
}

/** A stake per (hotkey, netuid) on a chain that keeps every stake as α (Subtensor; root is netuid 0). */
export interface SubnetStakeRow {
  coldkey: string;
  hotkey: string;
  netuid: number;
  /** The stake's value in τ at the spot price (= value), so the ledger's field keeps its meaning. */
  amount: string;
  alpha: string;
  price: string;
  value: string;
}

export type StakeListJson =
  | { stakes: StakeRow[]; alpha_stakes: AlphaStakeRow[] }
  | { stakes: SubnetStakeRow[]; total_value: string };

/** `tao stake list`: the JSON each backend's stake model has always printed (chain.capabilities.rootStakeTable). */
export function stakeListJson(stakes: ChainStake[], rootStakeTable: boolean): StakeListJson {
  if (rootStakeTable) {
    const take = (s: ChainStake) => ({ take: s.take ?? 0, take_percent: takePercentText(s.take ?? 0) });
    return {
      stakes: stakes
        .filter((s) => s.netuid === 0)
        .map((s) => ({ coldkey: s.coldkey, hotkey: s.hotkey, amount: formatTao(s.amount), ...take(s) })),
      alpha_stakes: stakes
        .filter((s) => s.netuid !== 0)
        .map((s) => ({
          coldkey: s.coldkey,
          hotkey: s.hotkey,
          netuid: s.netuid,
          alpha: formatTao(s.amount),
          value: formatTao(s.value),
          ...take(s),
        })),
    };
  }
  return {
    stakes: stakes.map((s) => ({
      coldkey: s.coldkey,
      hotkey: s.hotkey,
      netuid: s.netuid,
      amount: formatTao(s.value),
      alpha: formatTao(s.amount),
      price: formatTao(s.price ?? 0n),
      value: formatTao(s.value),
    })),
    total_value: formatTao(stakes.reduce((sum, s) => sum + s.value, 0n)),
  };
}

/** `part / total` as a float with 9 decimals (0 when the total is 0): one subnet's share of the τ emission. */
export const emissionShare = (part: bigint, total: bigint): number =>
  total === 0n ? 0 : Number((part * 1_000_000_000n) / total) / 1e9;

/** A subnet's pool fields (Subtensor's names), given Σ tao_emission over every subnet. */
export const poolJson = (p: ChainPool, totalEmission: bigint) => ({
  price: formatTao(p.price),
  tao_in: formatTao(p.taoIn),
  alpha_in: formatTao(p.alphaIn),
  alpha_out: formatTao(p.alphaOut),
  emission_share: emissionShare(p.taoEmission, totalEmission),
  tao_in_emission: formatTao(p.taoEmission),
  started: p.started,
  first_emission_block: p.firstEmissionBlock,
});

export interface SubnetJsonRow extends Partial<ReturnType<typeof poolJson>> {
  netuid: number;
  /** Where the chain keeps names (Subtensor). */
  name?: string;
  symbol?: string;
  owner: string;
  owner_hotkey?: string;
  n: number;
  max_uids: number;
  tempo: number;
  burn: string;
  /** α waiting for the next epoch (tao's ledger). */
  pending_emission?: string;
  last_epoch: number;
  registered_at?: number;
}

/** Every subnet's row, each pool's emission share taken over the whole list. */
export function subnetsJson(subnets: ChainSubnet[]): SubnetJsonRow[] {
  const total = subnets.reduce((sum, s) => sum + (s.pool?.taoEmission ?? 0n), 0n);
  return subnets.map((s) => ({
    netuid: s.netuid,
    ...(s.name !== undefined ? { name: s.name, symbol: s.symbol ?? '' } : {}),
    owner: s.owner,
    ...(s.ownerHotkey !== undefined ? { owner_hotkey: s.ownerHotkey } : {}),
    n: s.n,
    max_uids: s.maxUids,
    tempo: s.tempo,
    burn: formatTao(s.burn),
    ...(s.pendingEmission !== undefined ? { pending_emission: formatTao(s.pendingEmission) } : {}),
    last_epoch: s.lastEpoch,
    ...(s.registeredAt !== undefined ? { registered_at: s.registeredAt } : {}),
    ...(s.pool ? poolJson(s.pool, total) : {}),
  }));
}

export type PoolFields = ReturnType<typeof poolJson>;

/** A metagraph row (docs/cli.md); alpha_stake / tao_stake where the backend reports the stake's two parts. */
export interface NeuronJsonRow {
  uid: number;
  hotkey: string;
  coldkey: string;
  stake: string;
  alpha_stake?: string;
  tao_stake?: string;
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

const ratio = (u16: number) => u16 / 65535;

export function metagraphJson(m: ChainMetagraph): {
  netuid: number;
  block: number;
  neurons: NeuronJsonRow[];
} {
  return {
    netuid: m.netuid,
    block: m.block,
    neurons: m.neurons.map((n) => ({
      uid: n.uid,
      hotkey: n.hotkey,
      coldkey: n.coldkey,
      stake: formatTao(n.stake),
      ...(n.alphaStake !== undefined ? { alpha_stake: formatTao(n.alphaStake) } : {}),
      ...(n.taoStake !== undefined ? { tao_stake: formatTao(n.taoStake) } : {}),
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
export const HYPER_AMOUNTS: ReadonlySet<string> = new Set([
  'burn',
  'min_burn',
  'max_burn',
  'stake_threshold',
]);

/** Amounts as τ strings; other integers as JSON numbers where exact, else decimal strings. */
export function hyperparametersJson(netuid: number, h: ChainHyperparameters): Record<string, unknown> {
  const out: Record<string, unknown> = { netuid };
  for (const [name, value] of Object.entries(h.values)) {
    if (typeof value === 'bigint')
      out[name] = h.amounts.has(name)
        ? formatTao(value)
        : Number.isSafeInteger(Number(value))
          ? Number(value)
          : value.toString();
    else out[name] = value;
  }
  return out;
}
