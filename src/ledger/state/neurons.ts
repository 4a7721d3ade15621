/**
 * Registration into a subnet (burned_register): append a uid while there is room; when the subnet is full,
 * replace the neuron with the lowest emission outside its immunity period (docs/yuma.md §8 `replace_neuron`
 * effects: fresh block_at_registration/last_update, its weight and bond rows removed, every other row's
 * weight on it set to 0 keeping the entry, its permit cleared).
 */
import { reject } from './errors.js';
import type { LedgerState, Neuron, Subnet } from './state.js';
import { neuronKey, uidKey } from './state.js';

export function freshNeuron(uid: number, hotkey: string, coldkey: string, block: number): Neuron {
  return {
    uid,
    hotkey,
    coldkey,
    registered_at: block,
    last_update: block,
    axon: null,
    weights: [],
    bonds: [],
    validator_permit: false,
    active: true,
    rank: 0,
    trust: 0,
    consensus: 0,
    incentive: 0,
    dividends: 0,
    validator_trust: 0,
    stake_weight: 0,
    emission: 0n,
  };
}

/**
 * The uid to replace in a full subnet: the lowest emission among neurons out of immunity
 * (block − registered_at ≥ immunity_period), ties to the oldest registration, then the lowest uid.
 * If every neuron is immune, the same rule among all of them. The owner's hotkey is never chosen
 * while another candidate exists.
 */
export function neuronToPrune(neurons: readonly Neuron[], sn: Subnet, block: number): number {
  const better = (a: Neuron, b: Neuron) =>
    a.emission !== b.emission
      ? a.emission < b.emission
      : a.registered_at !== b.registered_at
        ? a.registered_at < b.registered_at
        : a.uid < b.uid;
  const pick = (pool: readonly Neuron[]) => {
    let best: Neuron | undefined;
    for (const n of pool) if (!best || better(n, best)) best = n;
    return best;
  };
  const notOwner = neurons.filter((n) => n.hotkey !== sn.owner_hotkey);
  const candidates = notOwner.length > 0 ? notOwner : neurons;
  const mortal = candidates.filter((n) => block - n.registered_at >= sn.params.immunity_period);
  return (pick(mortal) ?? pick(candidates))!.uid;
}

/** Registers `hotkey` (owned by `coldkey`) on the subnet; returns its uid. The burn is charged by the caller. */
export function registerNeuron(
  state: LedgerState,
  netuid: number,
  hotkey: string,
  coldkey: string,
  block: number,
): number {
  const sn = state.subnet(netuid) ?? reject('E_UNKNOWN_SUBNET', `subnet ${netuid} does not exist`);
  if (state.uidOf(netuid, hotkey) !== undefined)
    reject('E_ALREADY_REGISTERED', `hotkey ${hotkey} is already registered on subnet ${netuid}`);
  const owner = state.owners.get(hotkey);
  if (owner !== undefined && owner !== coldkey)
    reject('E_NOT_HOTKEY_OWNER', `hotkey ${hotkey} belongs to another coldkey`);
  if (owner === undefined) state.owners.set(hotkey, coldkey);

  let uid: number;
  let next: Subnet = sn;
  if (sn.n < sn.params.max_uids) {
    uid = sn.n;
    next = { ...sn, n: sn.n + 1 };
  } else {
    const neurons = state.neuronsOf(netuid);
    uid = neuronToPrune(neurons, sn, block);
    const old = neurons[uid]!;
    state.uids.delete(uidKey(netuid, old.hotkey));
    if (old.hotkey === sn.owner_hotkey) next = { ...next, owner_hotkey: null };
    for (const n of neurons) {
      if (n.uid === uid || !n.weights.some(([u]) => u === uid)) continue;
      state.neurons.set(neuronKey(netuid, n.uid), {
        ...n,
        weights: n.weights.map(([u, w]) => [u, u === uid ? 0 : w]),
      });
    }
  }
  if (next.owner_hotkey === null && coldkey === sn.owner) next = { ...next, owner_hotkey: hotkey };
  if (next !== sn) state.subnets.set(String(netuid), next);
  state.neurons.set(neuronKey(netuid, uid), freshNeuron(uid, hotkey, coldkey, block));
  state.uids.set(uidKey(netuid, hotkey), uid);
  return uid;
}
