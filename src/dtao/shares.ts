/**
 * Alpha stake on one (hotkey, netuid) as Subtensor keeps it: a share pool. The hotkey holds a value (its
 * total alpha, u64) and each coldkey a share (U64F64); a coldkey's alpha = value / denominator · share.
 * Emission paid to the hotkey raises the value, so it reaches every nominator pro rata without touching
 * their shares. Ported from primitives/share-pool (spec 300) with the same truncations: shares per update
 * in I64F64, a removal that would leave under 0.001 % of a share removes the whole share.
 */
import { U64F64 } from './fixed.js';

const f = U64F64;
const I_MAX = (1n << 127n) - 1n;
const I_MIN = -(1n << 127n);
const clampI = (v: bigint) => (v > I_MAX ? I_MAX : v < I_MIN ? I_MIN : v);
/** I64F64 from a U64F64 or integer value (saturating). */
const iFrom = (bits: bigint) => clampI(bits);
const iDiv = (a: bigint, b: bigint): bigint | undefined => {
  if (b === 0n) return undefined;
  const r = (a << 64n) / b;
  return r > I_MAX || r < I_MIN ? undefined : r;
};
const iMul = (a: bigint, b: bigint) => clampI((a * b) >> 64n);
const SMALL_SHARE = f.float(0.00001);
const SHARE_GUARD = f.int(2_628_000_000_000_000n);

export interface SharePool {
  /** The hotkey's total alpha (TotalHotkeyAlpha, u64 rao). */
  value: bigint;
  /** Σ shares (TotalHotkeyShares, U64F64 bits). */
  denominator: bigint;
  /** coldkey → share (Alpha, U64F64 bits); absent = none. */
  shares: Map<string, bigint>;
}

export const newSharePool = (): SharePool => ({ value: 0n, denominator: 0n, shares: new Map() });

export function alphaHeld(pool: SharePool, coldkey: string): bigint {
  const share = pool.shares.get(coldkey) ?? 0n;
  const shared = f.int(pool.value);
  const perShare = f.checkedDiv(shared, pool.denominator);
  if (perShare !== undefined) return f.toU64(f.mul(perShare, share));
  return f.toU64(f.checkedDiv(f.mul(shared, share), pool.denominator) ?? 0n);
}

function sharesPerUpdate(pool: SharePool, update: bigint): bigint {
  const shared = f.int(pool.value);
  const perShare = f.checkedDiv(shared, pool.denominator);
  const u = iFrom(update << 64n);
  if (perShare !== undefined) return iDiv(u, iFrom(perShare)) ?? 0n;
  return iMul(iDiv(u, iFrom(shared)) ?? 0n, iFrom(pool.denominator));
}

/** update_value_for_all: emission (or a slash) for every nominator of the hotkey at once. */
export function addToAll(pool: SharePool, update: bigint): void {
  const next =
    update >= 0n ? f.add(f.int(pool.value), f.int(update)) : f.sub(f.int(pool.value), f.int(-update));
  pool.value = next >> 64n;
}

/** sim_update_value_for_one: false when the update is too small to buy a single share unit. */
export const canUpdate = (pool: SharePool, update: bigint): boolean =>
  pool.denominator === 0n || sharesPerUpdate(pool, update) !== 0n;

/** update_value_for_one: returns the alpha actually added (negative: removed). */
export function updateOne(pool: SharePool, coldkey: string, update: bigint): bigint {
  const current = pool.shares.get(coldkey) ?? 0n;
  let actual = update;
  const setShare = (s: bigint) => (s === 0n ? pool.shares.delete(coldkey) : pool.shares.set(coldkey, s));
  if (pool.denominator === 0n) {
    const u = update > 0n ? f.int(update) : 0n;
    pool.denominator = u;
    setShare(u);
  } else {
    const per = sharesPerUpdate(pool, update);
    if (per >= 0n) {
      pool.denominator = f.add(pool.denominator, per);
      setShare(f.add(current, per));
    } else {
      let denominator = f.sub(pool.denominator, -per);
      let share = f.sub(current, -per);
      if (
        f.div(share, current) < SMALL_SHARE ||
        f.checkedDiv(f.add(f.int(pool.value), SHARE_GUARD), denominator) === undefined
      ) {
        // the pool is still as before the update here
        actual = -alphaHeld(pool, coldkey);
        share = 0n;
        denominator = f.sub(pool.denominator, current);
      }
      pool.denominator = denominator;
      setShare(share);
    }
  }
  addToAll(pool, actual);
  return actual;
}

/** increase_stake_for_hotkey_and_coldkey_on_subnet: the alpha credited (0 if it was lost to precision). */
export const credit = (pool: SharePool, coldkey: string, alpha: bigint): bigint => {
  const r = updateOne(pool, coldkey, alpha);
  return r > 0n ? r : 0n;
};

/** decrease_stake_for_hotkey_and_coldkey_on_subnet: the alpha debited; 0 when the coldkey holds less. */
export function debit(pool: SharePool, coldkey: string, alpha: bigint): bigint {
  if (!pool.shares.has(coldkey) || alphaHeld(pool, coldkey) < alpha) return 0n;
  const r = -updateOne(pool, coldkey, -alpha);
  return r > 0n ? r : 0n;
}
