/**
 * The ledger's subnet epoch: gathers a subnet's stored state into the Yuma epoch's inputs (docs/yuma.md §2),
 * runs the bit-exact epoch of src/consensus (chain semantics), and turns its outputs into exact rao payouts
 * (`distributeExactly`: Σ payouts = pool, never more, never less) plus the values persisted per neuron.
 *
 * Permit bootstrap (a tao rule, not subtensor's): while no neuron of a subnet holds a validator permit, the
 * permits the epoch reads (and set_weights checks) are the top-`max_allowed_validators` neurons by stake
 * (stake ≥ stake_threshold; the subnet owner's hotkey always). A fresh subnet's staked validator can thus
 * set weights before the first epoch, and that epoch counts them. Once any neuron holds a permit, permits
 * come from the previous epoch only, as on the chain.
 *
 * `rank` and `trust` were removed from the chain's epoch (subtensor 8fb5c368); the metagraph keeps them:
 * rank = the incentive u16 (the miner's share of the stake-weighted, consensus-clipped weight it received,
 * which is what Rank normalised to); trust = the fraction of that stake-weighted weight that survived
 * consensus clipping (Σ_i A_i·min(W_ij, C_j) ⊘ Σ_i A_i·W_ij, the former Trust), computed in I32F32 from the
 * same masked weights, active stake and consensus the epoch used.
 */
import {
  type EpochInputs,
  type EpochOutputs,
  NEW_SUBNET_PARAMS,
  runEpoch,
  sparseToRows,
  type YumaParams,
} from '../../consensus/index.js';
import { distributeExactly } from '../../consensus/payout.js';
import { div, mul, ONE, propToU16 } from '../../consensus/fixed.js';
import type { LedgerState, Neuron, SparseRow, Subnet } from './state.js';

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

/** The subnet's hyperparameters as the epoch's parameters (new-subnet defaults for anything not stored). */
export function yumaParams(sn: Subnet, ownerUid: number | null, pool: bigint): YumaParams {
  const p = sn.params;
  return {
    ...NEW_SUBNET_PARAMS,
    kappa: p.kappa,
    bondsPenalty: p.bonds_penalty,
    bondsMovingAverage: p.bonds_moving_average,
    liquidAlphaEnabled: p.liquid_alpha_enabled,
    alphaLow: p.alpha_low,
    alphaHigh: p.alpha_high,
    alphaSigmoidSteepness: p.alpha_sigmoid_steepness,
    yuma3Enabled: p.yuma3_enabled,
    maxAllowedValidators: p.max_allowed_validators,
    stakeThreshold: p.stake_threshold,
    tempo: p.tempo,
    activityCutoff: p.activity_cutoff,
    lastMechanismStepBlock: sn.last_epoch,
    ownerUid,
    raoEmission: pool,
  };
}

/** The owner's uid on the subnet (SubnetOwnerHotkey), or null. */
export function ownerUidOf(state: LedgerState, sn: Subnet): number | null {
  return sn.owner_hotkey === null ? null : (state.uidOf(sn.netuid, sn.owner_hotkey) ?? null);
}

/** The bootstrap permits (see the module note): top-k by stake above the threshold, the owner always. */
export function bootstrapPermits(
  stakes: readonly bigint[],
  threshold: bigint,
  k: number,
  ownerUid: number | null,
): boolean[] {
  const eligible = stakes.map((s, i) => (s < threshold && i !== ownerUid ? 0n : s));
  const permits = topkNonzero(eligible, k);
  if (ownerUid !== null && ownerUid < permits.length) permits[ownerUid] = true;
  return permits;
}

/** The permits the epoch and set_weights use now: stored ones, or the bootstrap ones if nobody has one. */
export function effectivePermits(state: LedgerState, sn: Subnet, neurons: readonly Neuron[]): boolean[] {
  if (neurons.some((n) => n.validator_permit)) return neurons.map((n) => n.validator_permit);
  return bootstrapPermits(
    neurons.map((n) => state.stakeWeight(n.hotkey, sn.netuid)),
    sn.params.stake_threshold,
    sn.params.max_allowed_validators,
    ownerUidOf(state, sn),
  );
}

/** The epoch's inputs for subnet `netuid` at `block` (pool = the subnet's pending α emission; stake = stake weight). */
export function subnetEpochInputs(
  state: LedgerState,
  netuid: number,
  block: number,
): { inputs: EpochInputs; neurons: Neuron[]; params: YumaParams } {
  const sn = state.subnet(netuid)!;
  const neurons = state.neuronsOf(netuid);
  const params = yumaParams(sn, ownerUidOf(state, sn), state.pool(netuid)?.pendingEmission ?? 0n);
  return {
    neurons,
    params,
    inputs: {
      n: neurons.length,
      currentBlock: block,
      stake: neurons.map((n) => state.stakeWeight(n.hotkey, netuid)),
      weights: neurons.map((n) => n.weights),
      bonds: neurons.map((n) => n.bonds),
      validatorPermits: effectivePermits(state, sn, neurons),
      lastUpdate: neurons.map((n) => n.last_update),
      blockAtRegistration: neurons.map((n) => n.registered_at),
      params,
    },
  };
}

export interface LedgerEpochResult {
  out: EpochOutputs;
  /** Exact rao paid per uid: Σ server + Σ validator = pool, or all zero when nobody can be paid. */
  server: bigint[];
  validator: bigint[];
  rank: number[];
  trust: number[];
  bonds: SparseRow[];
}

/** Runs the epoch and pays `pool` exactly in proportion to the I32F32 server and validator emissions. */
export function runLedgerEpoch(inputs: EpochInputs, pool: bigint): LedgerEpochResult {
  const out = runEpoch(inputs, { semantics: 'chain' });
  const n = inputs.n;
  const shares: number[] = [...out.fixed.normalizedServerEmission, ...out.fixed.normalizedValidatorEmission];
  const paid = distributeExactly(pool, shares);
  return {
    out,
    server: paid.slice(0, n),
    validator: paid.slice(n),
    rank: out.incentiveU16.slice(),
    trust: clippedTrust(inputs, out),
    bonds: sparseToRows(out.bonds),
  };
}

/**
 * Former Trust: per miner j, Σ_i A_i ⊗ min(W_ij, C_j) ⊘ Σ_i A_i ⊗ W_ij over the weights as the epoch masked
 * and row-normalised them (docs/yuma.md §3.5: permitted rows, no self-weight except the owner's, no weight
 * set before j (re)registered), as u16. 0 where nobody with active stake weights j.
 */
function clippedTrust(inputs: EpochInputs, out: EpochOutputs): number[] {
  const n = inputs.n;
  const owner = inputs.params?.ownerUid ?? null;
  const permits = inputs.validatorPermits.slice();
  if (owner !== null && owner < permits.length) permits[owner] = true;
  const A = out.fixed.activeStake;
  const C = out.fixed.consensus;
  const pre = new Float64Array(n);
  const kept = new Float64Array(n);
  const rows = inputs.weights as readonly (readonly (readonly [number, number])[])[];
  for (let i = 0; i < n; i++) {
    const a = A[i]!;
    if (permits[i] !== true || a === 0) continue;
    const lu = inputs.lastUpdate[i] ?? 0;
    const row = (rows[i] ?? []).filter(
      ([j]) => j < n && (j !== i || owner === i) && lu > (inputs.blockAtRegistration[j] ?? 0),
    );
    const total = row.reduce((s, [, w]) => s + w, 0);
    if (total === 0) continue;
    for (const [j, w] of row) {
      const wn = Math.floor((w * ONE) / total);
      const c = C[j]!;
      pre[j] = pre[j]! + mul(a, wn);
      kept[j] = kept[j]! + mul(a, wn > c ? Math.max(c, 0) : wn);
    }
  }
  return Array.from(pre, (p, j) => (p === 0 ? 0 : propToU16(div(kept[j]!, p))));
}
