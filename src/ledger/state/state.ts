/**
 * The ledger's state: journaled tables of immutable records (accounts, stake, hotkey owners, delegate
 * takes, subnets, neurons, uid index, totals) plus derived in-memory indexes. Pure data and accessors;
 * the rules live in apply.ts, block.ts and payout.ts.
 */
import type { NeuronFields } from '../../core/wire.js';
import type { Subnet as DtaoSubnet } from '../../dtao/state.js';
import type { ChainParams, Hyperparameters } from './params.js';
import { Journal, Table } from './journal.js';

export interface Account {
  free: bigint;
  nonce: number;
}

export type SparseRow = [number, number][]; // (uid, u16)

export interface Subnet {
  netuid: number;
  owner: string; // coldkey
  owner_hotkey: string | null; // the owner's first hotkey registered here (SubnetOwnerHotkey)
  created_at: number;
  n: number;
  params: Hyperparameters;
  locked: bigint;
  last_epoch: number; // LastMechansimStepBlock (0 = never)
}

/** A neuron's record: the fields the node sends (core/wire.ts), its weight and bond rows, its emission. */
export interface Neuron extends NeuronFields {
  weights: SparseRow;
  bonds: SparseRow;
  emission: bigint; // rao paid at the last epoch
}

export interface Totals {
  issuance: bigint; // everything ever minted (genesis, block emission, faucet)
  burned: bigint; // fees and registration burns
  locked: bigint; // subnet lock costs
}

/** A subnet's pool and emission state (dynamic TAO, src/dtao): the model's Subnet minus what `subnet` holds. */
export type Pool = Omit<DtaoSubnet, 'owner' | 'ownerHotkey'>;

/** One (hotkey, netuid) alpha share pool: the hotkey's α, Σ shares and each coldkey's share (U64F64 bits). */
export interface AlphaStake {
  value: bigint;
  denominator: bigint;
  shares: Record<string, bigint>;
}

const U64_MAX = (1n << 64n) - 1n;

export const stakeKey = (hotkey: string, coldkey: string) => `${hotkey}/${coldkey}`;
export const neuronKey = (netuid: number, uid: number) => `${netuid}/${uid}`;
export const uidKey = (netuid: number, hotkey: string) => `${netuid}/${hotkey}`;
export const alphaKey = (hotkey: string, netuid: number) => `${hotkey}/${netuid}`;

export class LedgerState {
  readonly journal = new Journal();
  readonly accounts = new Table<Account>('acct', this.journal);
  readonly stake = new Table<bigint>('stake', this.journal); // hotkey/coldkey → rao
  readonly owners = new Table<string>('owner', this.journal); // hotkey → coldkey
  readonly takes = new Table<number>('take', this.journal); // hotkey → u16
  readonly subnets = new Table<Subnet>('subnet', this.journal); // netuid → subnet
  readonly neurons = new Table<Neuron>('neuron', this.journal); // netuid/uid → neuron
  readonly uids = new Table<number>('uid', this.journal); // netuid/hotkey → uid
  readonly totals = new Table<Totals>('totals', this.journal); // 'all'
  readonly pools = new Table<Pool>('pool', this.journal); // netuid → pool (subnets ≥ 1)
  readonly alpha = new Table<AlphaStake>('alpha', this.journal); // hotkey/netuid → alpha share pool

  /** Derived: hotkey → coldkey → stake, and hotkey → total (kept in step with `stake`, rollback included). */
  readonly nominators = new Map<string, Map<string, bigint>>();
  readonly hotkeyTotal = new Map<string, bigint>();
  /** Derived: coldkey → total staked. */
  readonly coldkeyTotal = new Map<string, bigint>();

  constructor(readonly chain: ChainParams) {
    this.stake.onChange((key, value, old) => {
      const slash = key.indexOf('/');
      const hotkey = key.slice(0, slash);
      const coldkey = key.slice(slash + 1);
      const delta = (value ?? 0n) - (old ?? 0n);
      let noms = this.nominators.get(hotkey);
      if (!noms) {
        noms = new Map();
        this.nominators.set(hotkey, noms);
      }
      if (value === undefined) noms.delete(coldkey);
      else noms.set(coldkey, value);
      if (noms.size === 0) this.nominators.delete(hotkey);
      const ht = (this.hotkeyTotal.get(hotkey) ?? 0n) + delta;
      if (ht === 0n) this.hotkeyTotal.delete(hotkey);
      else this.hotkeyTotal.set(hotkey, ht);
      const ct = (this.coldkeyTotal.get(coldkey) ?? 0n) + delta;
      if (ct === 0n) this.coldkeyTotal.delete(coldkey);
      else this.coldkeyTotal.set(coldkey, ct);
    });
  }

  get tables(): Table<unknown>[] {
    return this.journal.tables;
  }

  account(address: string): Account {
    return this.accounts.get(address) ?? { free: 0n, nonce: 0 };
  }

  setAccount(address: string, account: Account): void {
    if (account.free === 0n && account.nonce === 0) this.accounts.delete(address);
    else this.accounts.set(address, account);
  }

  totalsRecord(): Totals {
    return this.totals.get('all') ?? { issuance: 0n, burned: 0n, locked: 0n };
  }

  setTotals(t: Totals): void {
    this.totals.set('all', t);
  }

  stakeOf(hotkey: string, coldkey: string): bigint {
    return this.stake.get(stakeKey(hotkey, coldkey)) ?? 0n;
  }

  setStake(hotkey: string, coldkey: string, amount: bigint): void {
    const key = stakeKey(hotkey, coldkey);
    if (amount === 0n) this.stake.delete(key);
    else this.stake.set(key, amount);
  }

  totalStakeOfHotkey(hotkey: string): bigint {
    return this.hotkeyTotal.get(hotkey) ?? 0n;
  }

  /** The hotkey's α on the subnet (TotalHotkeyAlpha: every nominator's included). */
  alphaOfHotkey(hotkey: string, netuid: number): bigint {
    return this.alphaStake(hotkey, netuid)?.value ?? 0n;
  }

  /**
   * The hotkey's stake weight on a subnet, what the epoch and set_weights use: its α there plus its root τ
   * times tao_weight / (2^64 − 1) (spec 300's get_stake_weights_for_hotkey_on_subnet, rounded down).
   */
  stakeWeight(hotkey: string, netuid: number): bigint {
    const root = this.totalStakeOfHotkey(hotkey);
    return this.alphaOfHotkey(hotkey, netuid) + (root * this.chain.tao_weight) / U64_MAX;
  }

  takeOf(hotkey: string): number {
    return this.takes.get(hotkey) ?? this.chain.default_take;
  }

  subnet(netuid: number): Subnet | undefined {
    return this.subnets.get(String(netuid));
  }

  neuron(netuid: number, uid: number): Neuron | undefined {
    return this.neurons.get(neuronKey(netuid, uid));
  }

  uidOf(netuid: number, hotkey: string): number | undefined {
    return this.uids.get(uidKey(netuid, hotkey));
  }

  neuronsOf(netuid: number): Neuron[] {
    const sn = this.subnet(netuid);
    if (!sn) return [];
    const out: Neuron[] = [];
    for (let uid = 0; uid < sn.n; uid++) {
      const n = this.neuron(netuid, uid);
      if (n) out.push(n);
    }
    return out;
  }

  pool(netuid: number): Pool | undefined {
    return this.pools.get(String(netuid));
  }

  alphaStake(hotkey: string, netuid: number): AlphaStake | undefined {
    return this.alpha.get(alphaKey(hotkey, netuid));
  }

  netuids(): number[] {
    return [...this.subnets.keys()].map(Number).sort((a, b) => a - b);
  }

  /**
   * Σ free + Σ root stake + Σ pools' τ (reserve and held fees) + burned + locked: equals `totals.issuance`
   * after every block (α is the subnets' own token and is not part of τ's supply).
   */
  accountedSupply(): bigint {
    let sum = 0n;
    for (const [, a] of this.accounts.entries()) sum += a.free;
    for (const [, s] of this.stake.entries()) sum += s;
    for (const [, p] of this.pools.entries()) sum += p.taoReserve + p.feesTao;
    const t = this.totalsRecord();
    return sum + t.burned + t.locked;
  }
}
