/**
 * The ledger's state: journaled tables of immutable records (accounts, stake, hotkey owners, delegate
 * takes, subnets, neurons, uid index, totals) plus derived in-memory indexes. Pure data and accessors;
 * the rules live in apply.ts, block.ts and payout.ts.
 */
import type { NeuronFields } from '../core/wire.js';
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
  pending_emission: bigint;
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

export const stakeKey = (hotkey: string, coldkey: string) => `${hotkey}/${coldkey}`;
export const neuronKey = (netuid: number, uid: number) => `${netuid}/${uid}`;
export const uidKey = (netuid: number, hotkey: string) => `${netuid}/${hotkey}`;

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

  netuids(): number[] {
    return [...this.subnets.keys()].map(Number).sort((a, b) => a - b);
  }

  /** Σ free + Σ stake + Σ pending pools + burned + locked; equals `totals.issuance` after every block. */
  accountedSupply(): bigint {
    let sum = 0n;
    for (const [, a] of this.accounts.entries()) sum += a.free;
    for (const [, s] of this.stake.entries()) sum += s;
    for (const [, sn] of this.subnets.entries()) sum += sn.pending_emission;
    const t = this.totalsRecord();
    return sum + t.burned + t.locked;
  }
}
