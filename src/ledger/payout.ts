/**
 * End of block: mint the block emission into the subnets' pending pools (split evenly, netuid order, the
 * first ones get the remainder rao), then run each due subnet's epoch and pay it out as stake:
 * server emission to the neuron's own (coldkey, hotkey) stake; validator emission through the hotkey:
 * the owner's take first (floor(v · take / 65535)), the rest to the hotkey's nominators pro rata to their
 * stake (floor), the integer remainder to the owner. Whatever the epoch does not pay stays pending.
 * Epoch schedule as subtensor: subnet `netuid` runs when (block + netuid + 1) % (tempo + 1) == 0.
 */
import { blockEmission, splitEvenly } from './emission.js';
import { type EpochInputs, type EpochOutputs, epochImplementation } from './epoch-hook.js';
import type { LedgerState, Neuron } from './state.js';
import { neuronKey } from './state.js';

export const isEpochBlock = (block: number, netuid: number, tempo: number): boolean =>
  (block + netuid + 1) % (tempo + 1) === 0;

export function mintBlockEmission(state: LedgerState): bigint {
  const netuids = state.netuids();
  if (netuids.length === 0) return 0n;
  const t = state.totalsRecord();
  const emission = blockEmission(t.issuance, state.chain.block_emission, state.chain.max_supply);
  if (emission === 0n) return 0n;
  const shares = splitEvenly(emission, netuids.length);
  netuids.forEach((netuid, i) => {
    const sn = state.subnet(netuid)!;
    state.subnets.set(String(netuid), { ...sn, pending_emission: sn.pending_emission + shares[i]! });
  });
  state.setTotals({ ...t, issuance: t.issuance + emission });
  return emission;
}

export function epochInputs(
  state: LedgerState,
  netuid: number,
  block: number,
): { inputs: EpochInputs; neurons: Neuron[] } {
  const sn = state.subnet(netuid)!;
  const neurons = state.neuronsOf(netuid);
  const p = sn.params;
  const ownerUid = sn.owner_hotkey === null ? undefined : state.uidOf(netuid, sn.owner_hotkey);
  return {
    neurons,
    inputs: {
      n: neurons.length,
      current_block: block,
      params: {
        kappa: p.kappa,
        bonds_penalty: p.bonds_penalty,
        bonds_moving_average: p.bonds_moving_average,
        liquid_alpha_enabled: p.liquid_alpha_enabled,
        alpha_low: p.alpha_low,
        alpha_high: p.alpha_high,
        alpha_sigmoid_steepness: p.alpha_sigmoid_steepness,
        yuma3_enabled: p.yuma3_enabled,
        max_allowed_validators: p.max_allowed_validators,
        stake_threshold: p.stake_threshold,
        tempo: p.tempo,
        activity_cutoff: p.activity_cutoff,
        last_mechanism_step_block: sn.last_epoch,
        owner_uid: ownerUid ?? null,
        rao_emission: sn.pending_emission,
      },
      stake: neurons.map((n) => state.totalStakeOfHotkey(n.hotkey)),
      validator_permits: neurons.map((n) => n.validator_permit),
      weights: neurons.map((n) => n.weights),
      bonds: neurons.map((n) => n.bonds),
      last_update: neurons.map((n) => n.last_update),
      block_at_registration: neurons.map((n) => n.registered_at),
    },
  };
}

interface Credit {
  hotkey: string;
  coldkey: string;
  amount: bigint;
}

/** Splits one validator's emission: take to the owner, the rest pro rata to nominators, remainder to the owner. */
export function splitDividends(state: LedgerState, hotkey: string, amount: bigint): Credit[] {
  const owner = state.owners.get(hotkey)!;
  const take = (amount * BigInt(state.takeOf(hotkey))) / 65535n;
  const rest = amount - take;
  const noms = [...(state.nominators.get(hotkey) ?? new Map<string, bigint>()).entries()].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const total = noms.reduce((s, [, v]) => s + v, 0n);
  const credits: Credit[] = [];
  let paid = 0n;
  if (total > 0n) {
    for (const [coldkey, staked] of noms) {
      const share = (rest * staked) / total;
      if (share > 0n) credits.push({ hotkey, coldkey, amount: share });
      paid += share;
    }
  }
  const ownerCut = take + rest - paid;
  if (ownerCut > 0n) credits.push({ hotkey, coldkey: owner, amount: ownerCut });
  return credits;
}

function checkOutputs(out: EpochOutputs, n: number, pool: bigint): bigint {
  let paid = 0n;
  for (let i = 0; i < n; i++) {
    const s = out.server_emission[i] ?? 0n;
    const v = out.validator_emission[i] ?? 0n;
    if (s < 0n || v < 0n) throw new Error('epoch produced a negative emission');
    paid += s + v;
  }
  if (paid > pool) throw new Error(`epoch paid ${paid} rao from a pool of ${pool} rao`);
  return paid;
}

/** Runs subnet `netuid`'s epoch at `block` and pays it out. Returns the rao paid. */
export function runSubnetEpoch(state: LedgerState, netuid: number, block: number): bigint {
  const { inputs, neurons } = epochInputs(state, netuid, block);
  const sn = state.subnet(netuid)!;
  const out = epochImplementation(inputs);
  const paid = checkOutputs(out, neurons.length, sn.pending_emission);
  const credits: Credit[] = [];
  neurons.forEach((n, i) => {
    const s = out.server_emission[i] ?? 0n;
    if (s > 0n) credits.push({ hotkey: n.hotkey, coldkey: n.coldkey, amount: s });
    const v = out.validator_emission[i] ?? 0n;
    if (v > 0n) credits.push(...splitDividends(state, n.hotkey, v));
  });
  for (const c of credits) state.setStake(c.hotkey, c.coldkey, state.stakeOf(c.hotkey, c.coldkey) + c.amount);
  neurons.forEach((n, i) => {
    state.neurons.set(neuronKey(netuid, n.uid), {
      ...n,
      active: out.active[i] ?? false,
      validator_permit: out.new_validator_permits[i] ?? false,
      stake_weight: out.stake_weight_u16[i] ?? 0,
      rank: out.rank_u16?.[i] ?? 0,
      trust: out.trust_u16?.[i] ?? 0,
      consensus: out.consensus_u16[i] ?? 0,
      incentive: out.incentive_u16[i] ?? 0,
      dividends: out.dividends_u16[i] ?? 0,
      validator_trust: out.validator_trust_u16[i] ?? 0,
      emission: out.emission[i] ?? 0n,
      bonds: out.bonds[i] ?? [],
    });
  });
  state.subnets.set(String(netuid), {
    ...state.subnet(netuid)!,
    pending_emission: sn.pending_emission - paid,
    last_epoch: block,
  });
  return paid;
}

/** Mint, then run every due epoch. Returns the netuids whose epoch ran. */
export function endBlock(state: LedgerState, block: number): number[] {
  mintBlockEmission(state);
  const ran: number[] = [];
  for (const netuid of state.netuids()) {
    const sn = state.subnet(netuid)!;
    if (isEpochBlock(block, netuid, sn.params.tempo)) {
      runSubnetEpoch(state, netuid, block);
      ran.push(netuid);
    }
  }
  return ran;
}
