/**
 * End of block under dynamic TAO (docs/dtao.md): the block's emission through src/dtao's run_coinbase (τ into
 * started subnets' pools by moving price, α into each pool and to its pending emission and owner cut), then
 * each due subnet's epoch, paid as α stake on that subnet: server emission to the neuron's own (hotkey,
 * coldkey) except the subnet owner's hotkey (spec 300 skips it); validator emission through the hotkey: the owner's take first (floor(v · take / 65535)), the
 * rest to every α nominator of the hotkey pro rata (its share pool's value grows), all of it to the owner
 * when the hotkey has no α nominators there; the owner cut to the subnet owner's hotkey. The epoch is
 * src/consensus's bit-exact Yuma epoch (epoch-hook.ts) over stake weights (α + root τ × tao_weight); its
 * pool is paid with `distributeExactly`, so an epoch pays exactly the pending α (or nothing, when no neuron
 * has stake or incentive: then it carries over to the next epoch).
 * Epoch schedule as subtensor: subnet `netuid` runs when (block + netuid + 1) % (tempo + 1) == 0.
 */
import { runBlock } from '../../dtao/emission.js';
import { addToAll, credit as creditShares, type SharePool } from '../../dtao/shares.js';
import { storeSharePool, toSharePool, withDtao } from './dtao-view.js';
import { type LedgerEpochResult, runLedgerEpoch, subnetEpochInputs } from './epoch-hook.js';
import { isEpochBlock } from './epoch-schedule.js';
import type { LedgerState, Neuron } from './state.js';
import { alphaKey, neuronKey } from './state.js';

export { isEpochBlock };

/** This block's emission (τ into pools by moving price, α pending); returns the τ minted. */
export function mintBlockEmission(state: LedgerState, block: number): bigint {
  const before = state.totalsRecord().issuance;
  withDtao(state, block, (s) => runBlock(s));
  return state.totalsRecord().issuance - before;
}

/**
 * The epoch's α share pools, each read from the `alpha` table once and written back once (`store`), however
 * many credits it takes: a pool's credits still apply in the payout's order, and no other pool depends on
 * them, so the stored pools equal those of a read-credit-write per credit, to the share bit.
 */
class EpochPools {
  private readonly pools = new Map<string, SharePool>();
  constructor(
    private readonly state: LedgerState,
    private readonly netuid: number,
  ) {}

  of(hotkey: string): SharePool {
    let pool = this.pools.get(hotkey);
    if (pool === undefined) {
      pool = toSharePool(this.state.alpha.get(alphaKey(hotkey, this.netuid)));
      this.pools.set(hotkey, pool);
    }
    return pool;
  }

  /** α to one (hotkey, coldkey) stake on the subnet. */
  credit(hotkey: string, coldkey: string, amount: bigint): void {
    creditShares(this.of(hotkey), coldkey, amount);
  }

  /** A validator's α dividend: take to the owner, the rest to all its α nominators pro rata (via the pool value). */
  dividend(hotkey: string, amount: bigint): void {
    const owner = this.state.owners.get(hotkey)!;
    const take = (amount * BigInt(this.state.takeOf(hotkey))) / 65535n;
    const pool = this.of(hotkey);
    if (pool.denominator === 0n) {
      creditShares(pool, owner, amount);
    } else {
      if (take > 0n) creditShares(pool, owner, take);
      addToAll(pool, amount - take);
    }
  }

  store(): void {
    for (const [hotkey, pool] of this.pools) storeSharePool(this.state, alphaKey(hotkey, this.netuid), pool);
  }
}

/** A neuron's record after the epoch (a literal, not a spread of the old one: V8 copies the spread slowly). */
function epochNeuron(n: Neuron, r: LedgerEpochResult, i: number): Neuron {
  const out = r.out;
  return {
    uid: n.uid,
    hotkey: n.hotkey,
    coldkey: n.coldkey,
    registered_at: n.registered_at,
    last_update: n.last_update,
    axon: n.axon,
    weights: n.weights,
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
  };
}

/**
 * Runs subnet `netuid`'s epoch at `block` and pays it out as α stake. Returns the α paid: the whole pending
 * emission, or 0 when the epoch has nobody to pay (no neurons, no stake); then it carries to the next one.
 */
export function runSubnetEpoch(state: LedgerState, netuid: number, block: number): bigint {
  const { inputs, neurons } = subnetEpochInputs(state, netuid, block);
  const sn = state.subnet(netuid)!;
  const p = state.pool(netuid)!;
  const pending = p.pendingEmission;
  const r = runLedgerEpoch(inputs, pending);
  let paid = 0n;
  for (let i = 0; i < neurons.length; i++) paid += r.server[i]! + r.validator[i]!;
  if (paid !== pending && paid !== 0n) throw new Error(`epoch paid ${paid} α from a pending ${pending} α`);
  const pools = new EpochPools(state, netuid);
  for (let i = 0; i < neurons.length; i++) {
    const n = neurons[i]!;
    const s = r.server[i]!;
    // spec 300 does not pay the subnet owner's hotkey its miner emission (it is left unpaid, burned)
    if (s > 0n && n.hotkey !== sn.owner_hotkey) pools.credit(n.hotkey, n.coldkey, s);
    const v = r.validator[i]!;
    if (v > 0n) pools.dividend(n.hotkey, v);
  }
  let ownerCut = p.pendingOwnerCut;
  if (ownerCut > 0n && sn.owner_hotkey !== null) {
    pools.credit(sn.owner_hotkey, sn.owner, ownerCut);
    ownerCut = 0n;
  }
  pools.store();
  for (let i = 0; i < neurons.length; i++) {
    const n = neurons[i]!;
    state.neurons.set(neuronKey(netuid, n.uid), epochNeuron(n, r, i));
  }
  state.pools.set(String(netuid), {
    ...state.pool(netuid)!,
    pendingEmission: pending - paid,
    pendingOwnerCut: ownerCut,
  });
  state.subnets.set(String(netuid), { ...sn, last_epoch: block });
  return paid;
}

/** Emission, then every due epoch. Returns the netuids whose epoch ran. */
export function endBlock(state: LedgerState, block: number): number[] {
  mintBlockEmission(state, block);
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
