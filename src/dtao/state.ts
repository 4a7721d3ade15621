/**
 * The state the dynamic-TAO model works on: free balances, subnets with their pools, alpha stakes and the
 * supply counters. Small and plain (Maps and bigints), so the ledger can hold it in its state and hash it;
 * the calls in this folder validate first and only then mutate, so a rejected call leaves it untouched.
 *
 * Supply (checked by `supplyHeld`): Σ free + Σ τ reserves (root's = root stake) + Σ τ fees held + burned
 * == issuance. Emission mints τ into the reserves and raises issuance by the same amount.
 */
import { U96F32 } from './fixed.js';
import type { SharePool } from './shares.js';
import type { Curve } from './swap.js';

export const ROOT = 0;

export interface Subnet {
  netuid: number;
  /** The coldkey that created it (receives the owner cut, may start it). */
  owner: string;
  ownerHotkey: string;
  curve: Curve;
  /** τ in the pool (SubnetTAO), rao. On root: the τ staked on root. */
  taoReserve: bigint;
  /** α in the pool (SubnetAlphaIn). */
  alphaReserve: bigint;
  /** α outside the pool (SubnetAlphaOut): stakes, pending emission, owner cut. */
  alphaOutstanding: bigint;
  /** Swap fees held by the pool's fee accumulator (outside both reserves). */
  feesTao: bigint;
  feesAlpha: bigint;
  /** SubnetMovingPrice, U96F32 bits (τ per α). */
  movingPrice: bigint;
  /** EMAPriceHalvingBlocks. */
  emaHalvingBlocks: bigint;
  registeredAt: number;
  /** FirstEmissionBlockNumber: set by start_call (the block after it); null = not started. */
  firstEmissionBlock: number | null;
  /** α emission waiting for the epoch (PendingEmission). */
  pendingEmission: bigint;
  /** The owner's α cut waiting for the epoch (PendingOwnerCut). */
  pendingOwnerCut: bigint;
}

export interface DtaoParams {
  /** DefaultMinStake: the least τ a stake may swap (and leave), 2,000,000 rao. */
  minStake: bigint;
  /** NetworkMinLock: τ that seeds a new pool (with as much α); the rest of the lock is burned. */
  poolSeed: bigint;
  /** DurationOfStartCall: blocks after creation before start_call (10 on fast-blocks runtimes). */
  startCallDelay: number;
  /** SubnetOwnerCut, u16 out of 65535 (11,796 ≈ 18 %). */
  ownerCut: bigint;
  /** τ emitted per block across started subnets (rao). */
  blockEmission: bigint;
  /** α emitted per block into each started subnet (rao). */
  alphaBlockEmission: bigint;
  /** SubnetMovingAlpha, U96F32 bits (0.000003). */
  movingAlpha: bigint;
  /** EMAPriceHalvingBlocks for new subnets (201,600 = 4 weeks of 12 s blocks). */
  emaHalvingBlocks: bigint;
  /** A new pool's fee rate, u16 out of 65535. */
  feeRate: bigint;
}

export const DEFAULT_PARAMS: DtaoParams = {
  minStake: 2_000_000n,
  poolSeed: 1_000_000_000_000n,
  startCallDelay: 10,
  ownerCut: 11_796n,
  blockEmission: 1_000_000_000n,
  alphaBlockEmission: 1_000_000_000n,
  movingAlpha: U96F32.float(0.000003),
  emaHalvingBlocks: 201_600n,
  feeRate: 33n,
};

export interface DtaoState {
  block: number;
  free: Map<string, bigint>;
  subnets: Map<number, Subnet>;
  /** `${hotkey}/${netuid}` → that hotkey's share pool on the subnet. */
  stakes: Map<string, SharePool>;
  /** hotkey → its owning coldkey (hotkey_account_exists). */
  hotkeys: Map<string, string>;
  issuance: bigint;
  burned: bigint;
  params: DtaoParams;
}

export const stakeKey = (hotkey: string, netuid: number): string => `${hotkey}/${netuid}`;

/** Σ free + Σ τ reserves + Σ τ fees + burned; equals `issuance` in every reachable state. */
export function supplyHeld(s: DtaoState): bigint {
  let total = s.burned;
  for (const v of s.free.values()) total += v;
  for (const n of s.subnets.values()) total += n.taoReserve + n.feesTao;
  return total;
}
