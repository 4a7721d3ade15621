/**
 * The dynamic-TAO model (src/dtao) run on the ledger's journaled state. The model works on plain Maps and
 * mutates its subnet and share-pool records in place; the ledger's tables hold immutable records. This view
 * bridges the two: free balances and hotkey owners read and write through to the tables, subnets and share
 * pools are cloned on first read and written back by `flush`, and the τ counters are copied in and out.
 * `withDtao` runs one model call and flushes only if it returned, so a rejection changes nothing; model
 * rejections become LedgerErrors with the same code (the block builder records them as rejected txs).
 */
import { isDtaoError } from '../../dtao/errors.js';
import type { SharePool } from '../../dtao/shares.js';
import type { DtaoParams, DtaoState, Subnet as DtaoSubnet } from '../../dtao/state.js';
import { blockEmission } from './emission.js';
import { LedgerError } from './errors.js';
import type { ChainParams } from './params.js';
import type { AlphaStake, LedgerState, Pool } from './state.js';

/** The model's parameters from the chain's (fixed at genesis); τ per block follows the halvings. */
export function dtaoParams(chain: ChainParams, issuance: bigint): DtaoParams {
  return {
    minStake: chain.min_stake,
    poolSeed: chain.pool_seed,
    startCallDelay: chain.start_call_delay,
    ownerCut: BigInt(chain.subnet_owner_cut),
    blockEmission: blockEmission(issuance, chain.block_emission, chain.max_supply),
    alphaBlockEmission: chain.alpha_emission,
    movingAlpha: chain.moving_alpha,
    emaHalvingBlocks: BigInt(chain.ema_halving_blocks),
    feeRate: BigInt(chain.pool_fee_rate),
  };
}

export const toSharePool = (a: AlphaStake | undefined): SharePool => ({
  value: a?.value ?? 0n,
  denominator: a?.denominator ?? 0n,
  shares: new Map(Object.entries(a?.shares ?? {})),
});

/** Writes a share pool to the `alpha` table (deleted when empty; shares in coldkey order). */
export function storeSharePool(state: LedgerState, key: string, p: SharePool): void {
  if (p.value === 0n && p.denominator === 0n && p.shares.size === 0) {
    state.alpha.delete(key);
    return;
  }
  const shares: AlphaStake['shares'] = {};
  for (const [coldkey, share] of [...p.shares].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    shares[coldkey] = share;
  state.alpha.set(key, { value: p.value, denominator: p.denominator, shares });
}

function toPool(n: DtaoSubnet): Pool {
  const { owner: _owner, ownerHotkey: _hotkey, ...pool } = n;
  return pool;
}

/** Free balances, straight through to the accounts table (immutable bigints: nothing to flush). */
class FreeView extends Map<string, bigint> {
  constructor(private readonly state: LedgerState) {
    super();
  }
  override get(address: string): bigint | undefined {
    const free = this.state.account(address).free;
    return free === 0n ? undefined : free;
  }
  override has(address: string): boolean {
    return this.state.account(address).free !== 0n;
  }
  override set(address: string, free: bigint): this {
    this.state.setAccount(address, { ...this.state.account(address), free });
    return this;
  }
  override delete(address: string): boolean {
    const had = this.has(address);
    this.set(address, 0n);
    return had;
  }
}

class HotkeyView extends Map<string, string> {
  constructor(private readonly state: LedgerState) {
    super();
  }
  override get(hotkey: string): string | undefined {
    return this.state.owners.get(hotkey);
  }
  override has(hotkey: string): boolean {
    return this.state.owners.has(hotkey);
  }
  override set(hotkey: string, coldkey: string): this {
    this.state.owners.set(hotkey, coldkey);
    return this;
  }
}

/** Subnets with a pool, cloned on first read; `touched` is written back by flush. */
class SubnetView extends Map<number, DtaoSubnet> {
  readonly touched = new Map<number, DtaoSubnet>();
  constructor(private readonly state: LedgerState) {
    super();
  }
  override get(netuid: number): DtaoSubnet | undefined {
    const cached = this.touched.get(netuid);
    if (cached) return cached;
    const pool = this.state.pool(netuid);
    const sn = this.state.subnet(netuid);
    if (!pool || !sn) return undefined;
    const n: DtaoSubnet = { ...pool, owner: sn.owner, ownerHotkey: sn.owner_hotkey ?? '' };
    this.touched.set(netuid, n);
    return n;
  }
  override has(netuid: number): boolean {
    return this.touched.has(netuid) || this.state.pools.has(String(netuid));
  }
  override set(netuid: number, n: DtaoSubnet): this {
    this.touched.set(netuid, n);
    return this;
  }
  override keys(): MapIterator<number> {
    const all = new Set([...this.state.pools.keys()].map(Number));
    for (const k of this.touched.keys()) all.add(k);
    return all.values();
  }
  override values(): MapIterator<DtaoSubnet> {
    return [...this.keys()].map((k) => this.get(k)!).values();
  }
}

/** (hotkey, netuid) share pools, cloned on first read; `touched` is written back by flush. */
class StakeView extends Map<string, SharePool> {
  readonly touched = new Map<string, SharePool>();
  constructor(private readonly state: LedgerState) {
    super();
  }
  override get(key: string): SharePool | undefined {
    const cached = this.touched.get(key);
    if (cached) return cached;
    const stored = this.state.alpha.get(key);
    if (!stored) return undefined;
    const pool = toSharePool(stored);
    this.touched.set(key, pool);
    return pool;
  }
  override has(key: string): boolean {
    return this.touched.has(key) || this.state.alpha.has(key);
  }
  override set(key: string, pool: SharePool): this {
    this.touched.set(key, pool);
    return this;
  }
}

export interface DtaoView extends DtaoState {
  flush(): void;
}

export function dtaoView(state: LedgerState, block: number): DtaoView {
  const totals = state.totalsRecord();
  const subnets = new SubnetView(state);
  const stakes = new StakeView(state);
  const view: DtaoView = {
    block,
    free: new FreeView(state),
    subnets,
    stakes,
    hotkeys: new HotkeyView(state),
    issuance: totals.issuance,
    burned: totals.burned,
    params: dtaoParams(state.chain, totals.issuance),
    flush: () => {
      for (const [netuid, n] of subnets.touched) state.pools.set(String(netuid), toPool(n));
      for (const [key, pool] of stakes.touched) storeSharePool(state, key, pool);
      const t = state.totalsRecord();
      if (t.issuance !== view.issuance || t.burned !== view.burned)
        state.setTotals({ ...t, issuance: view.issuance, burned: view.burned });
    },
  };
  return view;
}

/** Runs one model call on the ledger state at `block`; writes back only when it returns. */
export function withDtao<T>(state: LedgerState, block: number, call: (s: DtaoState) => T): T {
  const view = dtaoView(state, block);
  let result: T;
  try {
    result = call(view);
  } catch (e) {
    if (isDtaoError(e)) throw new LedgerError(e.code, e.message);
    throw e;
  }
  view.flush();
  return result;
}
