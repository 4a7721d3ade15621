/**
 * Per-block emission (spec 300's run_coinbase, July 2025) and the moving price. Rule as of that runtime:
 * over the started subnets (root excluded), subnet i gets τ_in = E · p̄_i / Σ p̄ (p̄ = SubnetMovingPrice;
 * all zero → no τ that block), α_in = min(τ_in / price_i, α_E) into the pool, α_out = α_E outside it; the
 * owner cut (ownerCut/65535 ≈ 18 %) of α_out goes to PendingOwnerCut and the rest to PendingEmission for the
 * epoch; then each moving price steps toward min(price, 1): p̄ ← a·min(p, 1) + (1 − a)·p̄ with
 * a = movingAlpha · b / (b + halving), b = blocks since start_call. All in U96F32 like the runtime.
 * Differences: E is the whole block emission (spec 300's NPoS branch keeps 2 % for node validators, which the
 * ledger does not have); α_E is a fixed parameter (no halving by α issuance); root's share of α_out is not
 * sold for root dividends here (the epoch step pays validators by stake weight instead).
 */
import { U96F32 } from './fixed.js';
import { type DtaoState, ROOT, type Subnet } from './state.js';
import { adjustLiquidity } from './swap.js';

const f = U96F32;

/** current_alpha_price as U96F32 bits. */
function priceOf(n: Subnet): bigint {
  if (n.curve.mechanism !== 1) return f.one;
  if (n.curve.initialized) return (n.curve.sqrtPrice * n.curve.sqrtPrice) >> 96n;
  return n.alphaReserve === 0n ? 0n : f.div(f.int(n.taoReserve), f.int(n.alphaReserve));
}

/** update_moving_price for one subnet at block `block`. */
export function updateMovingPrice(n: Subnet, block: number, movingAlpha: bigint): void {
  const start = BigInt(Math.max(0, (n.firstEmissionBlock ?? 0) - 1));
  const b = f.int(BigInt(block) > start ? BigInt(block) - start : 0n);
  const a = f.mul(movingAlpha, f.div(b, f.add(b, f.int(n.emaHalvingBlocks))));
  const p = f.min(priceOf(n), f.one);
  n.movingPrice = f.add(f.mul(a, p), f.mul(f.sub(f.one, a), n.movingPrice));
}

export interface SubnetEmission {
  taoIn: bigint;
  alphaIn: bigint;
  alphaOut: bigint;
  ownerCut: bigint;
}

/** One block's emission at `s.block`: injections, owner cut, pending α, moving prices. */
export function runBlock(s: DtaoState): Map<number, SubnetEmission> {
  const p = s.params;
  const started = [...s.subnets.values()]
    .filter((n) => n.netuid !== ROOT && n.firstEmissionBlock !== null)
    .sort((x, y) => x.netuid - y.netuid);
  let total = 0n;
  for (const n of started) total = f.add(total, n.movingPrice);
  const E = f.int(p.blockEmission);
  const alphaE = f.int(p.alphaBlockEmission);
  const cutRate = f.div(f.int(p.ownerCut), f.int(65535n));
  const out = new Map<number, SubnetEmission>();
  for (const n of started) {
    const taoInF = f.checkedDiv(f.mul(E, n.movingPrice), total) ?? 0n;
    const alphaInF = f.min(f.checkedDiv(taoInF, priceOf(n)) ?? alphaE, alphaE);
    const taoIn = f.toU64(taoInF);
    const alphaIn = f.toU64(alphaInF);
    const alphaOut = f.toU64(alphaE);
    const cutF = f.mul(alphaE, cutRate);
    const ownerCut = f.toU64(cutF);
    n.alphaReserve += alphaIn;
    n.alphaOutstanding += alphaOut;
    n.taoReserve += taoIn;
    s.issuance += taoIn;
    n.curve = adjustLiquidity(n.curve, taoIn, alphaIn);
    n.pendingOwnerCut += ownerCut;
    n.pendingEmission += f.toU64(f.sub(alphaE, cutF));
    out.set(n.netuid, { taoIn, alphaIn, alphaOut, ownerCut });
  }
  for (const n of started) updateMovingPrice(n, s.block, p.movingAlpha);
  return out;
}
