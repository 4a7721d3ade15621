/**
 * Subnets: the state's genesis (root netuid 0, no pool), registration (the lock seeds the pool: τ, equal α,
 * price 1) and start_call (emission and staking begin). Lookups every call shares live here too.
 */
import { reject } from './errors.js';
import { MAX_U64 } from './fixed.js';
import { newSharePool, type SharePool } from './shares.js';
import { DEFAULT_PARAMS, type DtaoParams, type DtaoState, ROOT, type Subnet, stakeKey } from './state.js';
import { newCurve } from './swap.js';

/** A subnet's pool fields before any seed: empty reserves, not started. */
export function newPool(netuid: number, p: DtaoParams, block: number): Omit<Subnet, 'owner' | 'ownerHotkey'> {
  return {
    netuid,
    curve: newCurve(p.feeRate),
    taoReserve: 0n,
    alphaReserve: 0n,
    alphaOutstanding: 0n,
    feesTao: 0n,
    feesAlpha: 0n,
    movingPrice: 0n,
    emaHalvingBlocks: p.emaHalvingBlocks,
    registeredAt: block,
    firstEmissionBlock: null,
    pendingEmission: 0n,
    pendingOwnerCut: 0n,
  };
}

function emptySubnet(
  netuid: number,
  owner: string,
  ownerHotkey: string,
  p: DtaoParams,
  block: number,
): Subnet {
  return { ...newPool(netuid, p, block), owner, ownerHotkey };
}

/** A fresh state: the given free balances (their sum is the issuance) and root (netuid 0, started). */
export function genesis(balances: Iterable<[string, bigint]>, params: Partial<DtaoParams> = {}): DtaoState {
  const p = { ...DEFAULT_PARAMS, ...params };
  const free = new Map(balances);
  let issuance = 0n;
  for (const v of free.values()) issuance += v;
  const root = emptySubnet(ROOT, '', '', p, 0);
  root.curve = { ...root.curve, mechanism: 0 };
  root.firstEmissionBlock = 0;
  return {
    block: 0,
    free,
    subnets: new Map([[ROOT, root]]),
    stakes: new Map(),
    hotkeys: new Map(),
    issuance,
    burned: 0n,
    params: p,
  };
}

export function subnetOf(s: DtaoState, netuid: number): Subnet {
  return s.subnets.get(netuid) ?? reject('E_UNKNOWN_SUBNET', `subnet ${netuid} does not exist`);
}

export const isStarted = (n: Subnet): boolean => n.netuid === ROOT || n.firstEmissionBlock !== null;

export function ensureStarted(n: Subnet): void {
  if (!isStarted(n)) reject('E_SUBNET_NOT_STARTED', `subnet ${n.netuid} has not been started (start_call)`);
}

export function ensureHotkey(s: DtaoState, hotkey: string): void {
  if (!s.hotkeys.has(hotkey)) reject('E_UNKNOWN_HOTKEY', `hotkey ${hotkey} is not registered`);
}

/** The (hotkey, netuid) share pool, created empty on first use. */
export function sharePool(s: DtaoState, hotkey: string, netuid: number): SharePool {
  const key = stakeKey(hotkey, netuid);
  let pool = s.stakes.get(key);
  if (!pool) {
    pool = newSharePool();
    s.stakes.set(key, pool);
  }
  return pool;
}

export const freeOf = (s: DtaoState, account: string): bigint => s.free.get(account) ?? 0n;

export function addFree(s: DtaoState, account: string, amount: bigint): void {
  const next = freeOf(s, account) + amount;
  if (next > MAX_U64) reject('E_OVERFLOW', `${account}'s balance would exceed 2^64 − 1 rao`);
  if (next === 0n) s.free.delete(account);
  else s.free.set(account, next);
}

/** A hotkey becomes known to the model (the ledger's registration does this). */
export function registerHotkey(s: DtaoState, hotkey: string, coldkey: string): void {
  if (!s.hotkeys.has(hotkey)) s.hotkeys.set(hotkey, coldkey);
}

/**
 * register_network: `lock` τ leaves the coldkey; `poolSeed` of it (all of it when smaller) enters the new
 * pool with as much α (price 1), the rest is burned, as spec 300 does. The subnet is not started.
 */
export function registerNetwork(s: DtaoState, coldkey: string, hotkey: string, lock: bigint): number {
  if (lock <= 0n) reject('E_BAD_AMOUNT', 'the lock must be positive');
  if (freeOf(s, coldkey) < lock)
    reject('E_INSUFFICIENT_BALANCE', `${coldkey} cannot cover the lock of ${lock} rao`);
  let netuid = 1;
  while (s.subnets.has(netuid)) netuid += 1;
  if (netuid > 65535) reject('E_OVERFLOW', 'no netuid left');
  const seed = lock < s.params.poolSeed ? lock : s.params.poolSeed;
  addFree(s, coldkey, -lock);
  s.burned += lock - seed;
  const n = emptySubnet(netuid, coldkey, hotkey, s.params, s.block);
  n.taoReserve = seed;
  n.alphaReserve = seed;
  s.subnets.set(netuid, n);
  registerHotkey(s, hotkey, coldkey);
  return netuid;
}

/** start_call: by the owner, `startCallDelay` blocks after creation; emission begins the next block. */
export function startCall(s: DtaoState, coldkey: string, netuid: number): number {
  const n = subnetOf(s, netuid);
  if (n.owner !== coldkey) reject('E_NOT_SUBNET_OWNER', `subnet ${netuid} belongs to another coldkey`);
  if (n.firstEmissionBlock !== null) reject('E_ALREADY_STARTED', `subnet ${netuid} was already started`);
  const allowed = n.registeredAt + s.params.startCallDelay;
  if (s.block < allowed)
    reject('E_START_TOO_EARLY', `subnet ${netuid} can be started from block ${allowed} (now ${s.block})`);
  n.firstEmissionBlock = s.block + 1;
  return n.firstEmissionBlock;
}
