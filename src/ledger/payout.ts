/**
 * End of block: mint the block emission into the subnets' pending pools (split evenly, netuid order, the
 * first ones get the remainder rao), then run each due subnet's epoch and pay it out as stake:
 * server emission to the neuron's own (coldkey, hotkey) stake; validator emission through the hotkey:
 * the owner's take first (floor(v · take / 65535)), the rest to the hotkey's nominators pro rata to their
 * stake (floor), the integer remainder to the owner. The epoch is src/consensus's bit-exact Yuma epoch
 * (epoch-hook.ts); its pool is paid with `distributeExactly`, so every epoch pays exactly the pending pool
 * (or nothing, when no neuron has stake or incentive: then the pool carries over to the next epoch).
 * Epoch schedule as subtensor: subnet `netuid` runs when (block + netuid + 1) % (tempo + 1) == 0.
 */
import { blockEmission, splitEvenly } from './emission.js';
import { runLedgerEpoch, subnetEpochInputs } from './epoch-hook.js';
import { isEpochBlock } from './epoch-schedule.js';
import type { LedgerState } from './state.js';
import { neuronKey } from './state.js';

export { isEpochBlock };

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

/**
 * Runs subnet `netuid`'s epoch at `block` and pays it out as stake. Returns the rao paid: the whole pending
 * pool, or 0 when the epoch has nobody to pay (no neurons, no stake); then the pool carries to the next one.
 */
export function runSubnetEpoch(state: LedgerState, netuid: number, block: number): bigint {
  const { inputs, neurons } = subnetEpochInputs(state, netuid, block);
  const sn = state.subnet(netuid)!;
  const pool = sn.pending_emission;
  const r = runLedgerEpoch(inputs, pool);
  let paid = 0n;
  for (let i = 0; i < neurons.length; i++) paid += r.server[i]! + r.validator[i]!;
  if (paid !== pool && paid !== 0n) throw new Error(`epoch paid ${paid} rao from a pool of ${pool} rao`);
  const credits: Credit[] = [];
  neurons.forEach((n, i) => {
    const s = r.server[i]!;
    if (s > 0n) credits.push({ hotkey: n.hotkey, coldkey: n.coldkey, amount: s });
    const v = r.validator[i]!;
    if (v > 0n) credits.push(...splitDividends(state, n.hotkey, v));
  });
  for (const c of credits) state.setStake(c.hotkey, c.coldkey, state.stakeOf(c.hotkey, c.coldkey) + c.amount);
  const out = r.out;
  neurons.forEach((n, i) => {
    state.neurons.set(neuronKey(netuid, n.uid), {
      ...n,
      active: out.active[i]!,
      validator_permit: out.newValidatorPermits[i]!,
      stake_weight: out.stakeWeightU16[i]!,
      rank: r.rank[i]!,
      trust: r.trust[i]!,
      consensus: out.consensusU16[i]!,
      incentive: out.incentiveU16[i]!,
      dividends: out.dividendsU16[i]!,
      validator_trust: out.validatorTrustU16[i]!,
      emission: r.server[i]! + r.validator[i]!,
      bonds: r.bonds[i] ?? [],
    });
  });
  state.subnets.set(String(netuid), { ...sn, pending_emission: pool - paid, last_epoch: block });
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
