/**
 * The ledger's hook for the subnet epoch: the inputs it gathers per subnet (yuma.md §2) and the outputs it
 * persists per neuron (§3.10). `epochImplementation` is what the ledger calls; until the bit-exact Yuma epoch
 * (src/consensus) is wired in, it is `placeholderEpoch`, which is NOT consensus: it pays the whole pool to
 * the neurons' hotkeys in proportion to their stake and ignores weights and bonds.
 */
import type { SparseRow } from './state.js';

export interface EpochParams {
  kappa: number;
  bonds_penalty: number;
  bonds_moving_average: number;
  liquid_alpha_enabled: boolean;
  alpha_low: number;
  alpha_high: number;
  alpha_sigmoid_steepness: number;
  yuma3_enabled: boolean;
  max_allowed_validators: number;
  stake_threshold: bigint;
  tempo: number;
  activity_cutoff: number;
  last_mechanism_step_block: number;
  owner_uid: number | null;
  rao_emission: bigint;
}

export interface EpochInputs {
  n: number;
  current_block: number;
  params: EpochParams;
  stake: bigint[]; // rao per uid: the hotkey's total stake
  validator_permits: boolean[]; // from the previous epoch
  weights: SparseRow[]; // as stored by set_weights
  bonds: SparseRow[]; // as stored by the previous epoch
  last_update: number[];
  block_at_registration: number[];
}

export interface EpochOutputs {
  active: boolean[];
  new_validator_permits: boolean[];
  stake_weight_u16: number[];
  consensus_u16: number[];
  incentive_u16: number[];
  dividends_u16: number[];
  validator_trust_u16: number[];
  rank_u16?: number[];
  trust_u16?: number[];
  server_emission: bigint[]; // rao, paid to the neuron's own coldkey as stake
  validator_emission: bigint[]; // rao, paid through the hotkey to its nominators (minus take)
  emission: bigint[]; // rao, stored as the neuron's Emission (bookkeeping, pruning)
  bonds: SparseRow[]; // stored as the new bond rows
}

export type EpochFn = (inputs: EpochInputs) => EpochOutputs;

/** subtensor `is_topk_nonzero`: the k largest non-zero values; ties: the lower uid loses. */
export function topkNonzero(values: readonly bigint[], k: number): boolean[] {
  const out = values.map((v) => v !== 0n);
  if (values.length < k) return out;
  const order = values
    .map((_, i) => i)
    .sort((a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : a - b));
  for (let i = 0; i < values.length - k; i++) out[order[i]!] = false;
  return out;
}

/** NOT consensus: a stand-in that pays the pool in proportion to stake (floor; the rest stays pending). */
export const placeholderEpoch: EpochFn = (inp) => {
  const total = inp.stake.reduce((s, v) => s + v, 0n);
  const pool = inp.params.rao_emission;
  const share = inp.stake.map((s) => (total === 0n ? 0n : (pool * s) / total));
  const u16 = inp.stake.map((s) => (total === 0n ? 0 : Number((s * 65535n) / total)));
  const zeros = inp.stake.map(() => 0);
  return {
    active: inp.last_update.map((lu) => lu + inp.params.activity_cutoff >= inp.current_block),
    new_validator_permits: topkNonzero(inp.stake, inp.params.max_allowed_validators),
    stake_weight_u16: u16,
    consensus_u16: zeros,
    incentive_u16: zeros,
    dividends_u16: u16,
    validator_trust_u16: zeros,
    server_emission: inp.stake.map(() => 0n),
    validator_emission: share,
    emission: share,
    bonds: inp.bonds,
  };
};

/** What the ledger runs at each subnet's epoch. Swap in the real Yuma epoch here. */
export const epochImplementation: EpochFn = placeholderEpoch;
