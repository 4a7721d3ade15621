/**
 * Chain and subnet parameters with subtensor's defaults (docs/yuma.md §2), scaled for a dev chain where
 * noted. Amounts are bigint rao; ratios are u16 (65535 = 1.0) as on the chain.
 */

export const RAO = 1_000_000_000n;

/** Per-subnet hyperparameters (snake_case, as `subnet_hyperparameters` reports them). */
export interface Hyperparameters {
  tempo: number;
  max_uids: number;
  immunity_period: number;
  burn: bigint; // registration cost, burned
  min_allowed_weights: number;
  max_weight_limit: number; // u16
  weights_rate_limit: number; // blocks between set_weights of one neuron
  weights_version_key: number;
  activity_cutoff: number; // blocks
  kappa: number; // u16
  bonds_penalty: number; // u16
  bonds_moving_average: number; // /1e6
  yuma3_enabled: boolean;
  liquid_alpha_enabled: boolean;
  alpha_low: number; // u16
  alpha_high: number; // u16
  alpha_sigmoid_steepness: number; // i16
  max_allowed_validators: number;
  stake_threshold: bigint; // rao; below it a neuron cannot set weights and gets no stake weight
}

/** subtensor: ActivityCutoffFactorMilli 13889 → activity_cutoff = max(1, 13889 * tempo / 1000). */
export const activityCutoffFor = (tempo: number): number => Math.max(1, Math.floor((13889 * tempo) / 1000));

export function defaultHyperparameters(tempo: number, dev: boolean): Hyperparameters {
  return {
    tempo,
    max_uids: dev ? 64 : 256,
    immunity_period: dev ? Math.max(1, tempo * 10) : 4096,
    burn: dev ? RAO / 10n : RAO,
    min_allowed_weights: 1,
    max_weight_limit: 65535,
    weights_rate_limit: dev ? Math.max(1, Math.floor(tempo / 2)) : 100,
    weights_version_key: 0,
    activity_cutoff: activityCutoffFor(tempo),
    kappa: 32767,
    bonds_penalty: 65535,
    bonds_moving_average: 900_000,
    yuma3_enabled: true,
    liquid_alpha_enabled: false,
    alpha_low: 45875,
    alpha_high: 58982,
    alpha_sigmoid_steepness: 1000,
    max_allowed_validators: 64,
    stake_threshold: 0n,
  };
}

/** Chain-wide constants, fixed at genesis (part of the genesis hash). */
export interface ChainParams {
  dev: boolean;
  tx_fee: bigint; // flat fee per paying transaction, burned
  block_emission: bigint; // before halvings
  max_supply: bigint;
  subnet_lock_cost: bigint; // locked by create_subnet on non-dev chains
  max_subnets: number;
  default_take: number; // u16 delegate take of a new hotkey (11796 = 18 %)
  max_take: number; // u16
  faucet_amount: bigint; // dev faucet: default per call
  faucet_cap: bigint; // dev faucet: most per call
  default_tempo: number;
  max_txs_per_block: number;
}

export function defaultChainParams(dev: boolean, tempo?: number): ChainParams {
  return {
    dev,
    tx_fee: 100_000n, // 0.0001 TAO
    block_emission: RAO,
    max_supply: 21_000_000n * RAO,
    subnet_lock_cost: 100n * RAO,
    max_subnets: 32,
    default_take: 11796,
    max_take: 11796,
    faucet_amount: 100n * RAO,
    faucet_cap: 1000n * RAO,
    default_tempo: tempo ?? (dev ? 10 : 360),
    max_txs_per_block: 10_000,
  };
}
