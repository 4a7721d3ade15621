/**
 * The dynamic-TAO parts of the RPC answers (docs/rpc.md): a subnet's pool fields in `subnet_list`, the α
 * stakes of `stake_list`, and `stake_quote` (a swap simulated on the current pool, nothing written).
 * Pure reads of the ledger state; amounts are decimal rao strings, prices rao per α.
 */
import { isDtaoError } from '../../dtao/errors.js';
import { U96F32 } from '../../dtao/fixed.js';
import { alphaHeld } from '../../dtao/shares.js';
import {
  initialize,
  MAX_PRICE_RAO,
  MIN_PRICE_RAO,
  maxAmountAt,
  priceRaoOf,
  spotPriceRao,
  swap,
} from '../../dtao/swap.js';
import { blockEmission } from '../state/emission.js';
import { toSharePool } from '../state/dtao-view.js';
import { LedgerError } from '../state/errors.js';
import type { LedgerState, Pool } from '../state/state.js';

const RAO = 1_000_000_000n;
const f = U96F32;

const reservesOf = (p: Pool) => ({ tao: p.taoReserve, alpha: p.alphaReserve });
export const poolPrice = (p: Pool): bigint => spotPriceRao(p.curve, reservesOf(p));

/** τ the next block puts into each started subnet's pool (run_coinbase's split by moving price). */
export function taoEmissionByNetuid(state: LedgerState): Map<number, bigint> {
  const started = [...state.pools.entries()].filter(([, p]) => p.firstEmissionBlock !== null);
  let total = 0n;
  for (const [, p] of started) total = f.add(total, p.movingPrice);
  const t = state.totalsRecord();
  const E = f.int(blockEmission(t.issuance, state.chain.block_emission, state.chain.max_supply));
  return new Map(
    started.map(([k, p]) => [Number(k), f.toU64(f.checkedDiv(f.mul(E, p.movingPrice), total) ?? 0n)]),
  );
}

/** The curve a swap would start from now (derived from the reserves until the pool's first swap). */
function poolState(p: Pool) {
  const curve =
    p.curve.initialized || p.taoReserve === 0n || p.alphaReserve === 0n
      ? p.curve
      : initialize(p.curve, reservesOf(p));
  return {
    sqrt_price: curve.sqrtPrice.toString(),
    liquidity: curve.liquidity.toString(),
    fee_rate: Number(curve.feeRate),
    /** Whether the pool has swapped yet: its current price is √price² once it has, τ/α of the reserves before. */
    initialized: p.curve.initialized,
  };
}

export function poolJson(state: LedgerState, netuid: number, emission = taoEmissionByNetuid(state)) {
  const p = state.pool(netuid);
  if (!p) return {};
  return {
    started: p.firstEmissionBlock !== null,
    first_emission_block: p.firstEmissionBlock,
    tao_in: p.taoReserve.toString(),
    tao_fees: p.feesTao.toString(),
    alpha_in: p.alphaReserve.toString(),
    alpha_out: p.alphaOutstanding.toString(),
    price: poolPrice(p).toString(),
    moving_price: ((p.movingPrice * RAO) >> 32n).toString(),
    tao_emission: (emission.get(netuid) ?? 0n).toString(),
    pending_emission: p.pendingEmission.toString(),
    pending_owner_cut: p.pendingOwnerCut.toString(),
    fee_rate: Number(p.curve.feeRate),
    pool_state: poolState(p),
  };
}

export function stakeListJson(state: LedgerState, coldkey?: string, hotkey?: string) {
  const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const stakes: { coldkey: string; hotkey: string; netuid: 0; amount: string; take: number }[] = [];
  const hotkeys = hotkey ? [hotkey] : [...state.nominators.keys()].sort();
  for (const h of hotkeys) {
    const noms = state.nominators.get(h);
    if (!noms) continue;
    for (const [c, amount] of [...noms.entries()].sort(([a], [b]) => byKey(a, b)))
      if (!coldkey || c === coldkey)
        stakes.push({ coldkey: c, hotkey: h, netuid: 0, amount: amount.toString(), take: state.takeOf(h) });
  }
  const alpha_stakes: {
    coldkey: string;
    hotkey: string;
    netuid: number;
    alpha: string;
    value: string;
    take: number;
  }[] = [];
  for (const key of [...state.alpha.keys()].sort(byKey)) {
    const slash = key.lastIndexOf('/');
    const h = key.slice(0, slash);
    if (hotkey && h !== hotkey) continue;
    const netuid = Number(key.slice(slash + 1));
    const shares = toSharePool(state.alpha.get(key));
    const pool = state.pool(netuid);
    const price = pool ? poolPrice(pool) : 0n;
    for (const c of [...shares.shares.keys()].sort(byKey)) {
      if (coldkey && c !== coldkey) continue;
      const alpha = alphaHeld(shares, c);
      if (alpha === 0n) continue;
      alpha_stakes.push({
        coldkey: c,
        hotkey: h,
        netuid,
        alpha: alpha.toString(),
        value: ((alpha * price) / RAO).toString(),
        take: state.takeOf(h),
      });
    }
  }
  return { stakes, alpha_stakes };
}

/** A swap of `amount` (τ to buy, α to sell) on the subnet's pool now, stopped at `limit` when given. */
export function quoteJson(
  state: LedgerState,
  netuid: number,
  order: 'buy' | 'sell',
  amount: bigint,
  limit: bigint | undefined,
) {
  const p = state.pool(netuid);
  if (!p) throw new LedgerError('E_UNKNOWN_SUBNET', `subnet ${netuid} has no pool`);
  const reserves = reservesOf(p);
  const stop = limit ?? (order === 'buy' ? MAX_PRICE_RAO : MIN_PRICE_RAO);
  try {
    const r = swap(p.curve, reserves, order, amount, stop, { simulate: true });
    return {
      netuid,
      order,
      amount: amount.toString(),
      paid_in: r.paidIn.toString(),
      fee: r.fee.toString(),
      paid_out: r.paidOut.toString(),
      limited: r.limited,
      price_before: poolPrice(p).toString(),
      price_after: priceRaoOf(r.curve.sqrtPrice).toString(),
      max_amount: limit === undefined ? null : maxAmountAt(p.curve, reserves, order, limit).toString(),
    };
  } catch (e) {
    if (isDtaoError(e)) throw new LedgerError(e.code, e.message);
    throw e;
  }
}
