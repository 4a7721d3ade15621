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
  /** Names the economics the chain was created with; a chain without it predates dynamic TAO (refused). */
  economics: typeof ECONOMICS;
  // Dynamic TAO (docs/dtao.md), as Subtensor spec 300 unless noted:
  pool_seed: bigint; // NetworkMinLock: τ of the lock that seeds a new pool, with as much α (price 1)
  min_stake: bigint; // DefaultMinStake: the least τ a stake swap moves
  start_call_delay: number; // blocks after creation before start_call (DurationOfStartCall)
  subnet_owner_cut: number; // u16 share of each block's α emission for the subnet owner (11796 ≈ 18 %)
  alpha_emission: bigint; // α emitted per block into each started subnet
  pool_fee_rate: number; // u16 swap fee of a new pool (33 ≈ 0.05 %)
  moving_alpha: bigint; // SubnetMovingAlpha, U96F32 bits
  ema_halving_blocks: number; // EMAPriceHalvingBlocks of a new subnet
  tao_weight: bigint; // TaoWeight: root τ counts tao_weight / (2^64 − 1) of itself in a subnet's stake weight
}

/** The economics of chains this tao creates and opens (dynamic TAO, first version). */
export const ECONOMICS = 'dtao-1' as const;

/** Spec 300's InitialTaoWeight (≈ 5.27 %): root τ's weight beside α in a validator's stake weight. */
export const SPEC300_TAO_WEIGHT = 971_718_665_099_567_868n;

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
    economics: ECONOMICS,
    pool_seed: 1000n * RAO,
    min_stake: 2_000_000n,
    start_call_delay: dev ? 10 : 50_400,
    subnet_owner_cut: 11796,
    alpha_emission: RAO,
    pool_fee_rate: 33,
    moving_alpha: 12_885n, // 0.000003 in U96F32 (0.000003 · 2^32, rounded)
    ema_halving_blocks: 201_600,
    tao_weight: SPEC300_TAO_WEIGHT,
  };
}
