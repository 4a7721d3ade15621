/**
 * set_weights as subtensor's `internal_set_weights` (docs/yuma.md §6): every check in the chain's order, then
 * the row stored as `vec_u16_max_upscale_to_u16(values)` in the caller's uid order, and last_update = block.
 * Deviations, by design: any self-weight is rejected with E_SELF_WEIGHT (the chain accepts a lone self-weight);
 * while no neuron of the subnet holds a permit, the bootstrap permits count (epoch-hook.ts).
 */
import { vecU16MaxUpscaleToU16 } from '../../consensus/math.js';
import { effectivePermits } from './epoch-hook.js';
import { reject } from './errors.js';
import type { LedgerState, Neuron, SparseRow, Subnet } from './state.js';
import { neuronKey } from './state.js';

const SHIFT = 32n;

/** subtensor `check_vec_max_limited`: the normalised max weight must not exceed limit/65535. */
export function checkVecMaxLimited(values: readonly number[], limit: number): boolean {
  if (limit === 65535) return true;
  const limitBits = (BigInt(limit) << SHIFT) / 65535n;
  const sum = values.reduce((s, v) => s + BigInt(v), 0n);
  if (sum === 0n) return true;
  const max = BigInt(Math.max(...values));
  return (max << SHIFT) / sum <= limitBits;
}

/** The stored permit, or the bootstrap one while no neuron of the subnet holds a permit (epoch-hook.ts). */
function hasPermit(state: LedgerState, sn: Subnet, neuron: Neuron): boolean {
  if (neuron.validator_permit) return true;
  return effectivePermits(state, sn, state.neuronsOf(sn.netuid))[neuron.uid] === true;
}

export function setWeights(
  state: LedgerState,
  block: number,
  hotkey: string,
  netuid: number,
  uids: readonly number[],
  values: readonly number[],
  versionKey: number,
): void {
  const sn = state.subnet(netuid) ?? reject('E_UNKNOWN_SUBNET', `subnet ${netuid} does not exist`);
  const p = sn.params;
  if (uids.length !== values.length)
    reject('E_WEIGHTS_LENGTH_MISMATCH', `${uids.length} uids but ${values.length} weights`);
  if (uids.length > sn.n)
    reject('E_TOO_MANY_WEIGHTS', `${uids.length} weights but subnet ${netuid} has only ${sn.n} neurons`);
  const uid =
    state.uidOf(netuid, hotkey) ??
    reject('E_NOT_REGISTERED', `hotkey ${hotkey} is not registered on subnet ${netuid}`);
  if (state.stakeWeight(hotkey, netuid) < p.stake_threshold)
    reject('E_NOT_ENOUGH_STAKE_TO_SET_WEIGHTS', `hotkey stake is below the subnet's stake threshold`);
  if (versionKey < p.weights_version_key)
    reject(
      'E_INCORRECT_WEIGHT_VERSION',
      `version_key ${versionKey} is below the subnet's ${p.weights_version_key}`,
    );
  const neuron = state.neuron(netuid, uid)!;
  if (neuron.last_update !== 0 && block - neuron.last_update < p.weights_rate_limit)
    reject(
      'E_WEIGHTS_RATE_LIMIT',
      `weights were set at block ${neuron.last_update}; wait until block ${neuron.last_update + p.weights_rate_limit}`,
    );
  const selfOnly = uids.length === 1 && uids[0] === uid;
  const isOwner = sn.owner_hotkey === hotkey;
  if (!selfOnly && !isOwner && !hasPermit(state, sn, neuron))
    reject(
      'E_NO_VALIDATOR_PERMIT',
      `uid ${uid} has no validator permit on subnet ${netuid} (permits come from the last epoch: stake the hotkey and wait for the next epoch)`,
    );
  if (new Set(uids).size !== uids.length) reject('E_DUPLICATE_UIDS', 'a uid appears more than once');
  for (const u of uids)
    if (u >= sn.n) reject('E_UNKNOWN_UID', `uid ${u} does not exist on subnet ${netuid} (n = ${sn.n})`);
  if (uids.includes(uid)) reject('E_SELF_WEIGHT', `a neuron cannot weight itself (uid ${uid})`);
  const minAllowed = Math.min(p.min_allowed_weights, sn.n);
  if (uids.length < minAllowed) reject('E_TOO_FEW_WEIGHTS', `at least ${minAllowed} weights are required`);
  if (!checkVecMaxLimited(values, p.max_weight_limit))
    reject(
      'E_MAX_WEIGHT_EXCEEDED',
      `a normalised weight exceeds max_weight_limit ${p.max_weight_limit}/65535`,
    );
  const stored = vecU16MaxUpscaleToU16(values);
  const row: SparseRow = uids.map((u, i) => [u, stored[i]!]);
  state.neurons.set(neuronKey(netuid, uid), { ...neuron, weights: row, last_update: block });
}
