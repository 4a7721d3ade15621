/**
 * Canonical encoding of every state record (canonical JSON, bigints as decimal strings) and the decoders
 * that read them back. The same state always encodes to the same bytes: storage and the state root use it.
 */
import { canonicalJson } from '../../crypto/canonical.js';
import type { Hyperparameters } from './params.js';
import type { Curve } from '../../dtao/swap.js';
import type { Account, AlphaStake, Neuron, Pool, Subnet, Totals } from './state.js';

type Json = Record<string, unknown>;

export function encodeRecord(value: unknown): string {
  return canonicalJson(value);
}

const big = (v: unknown): bigint => BigInt(v as string);

function decodeParams(p: Json): Hyperparameters {
  return { ...(p as unknown as Hyperparameters), burn: big(p.burn), stake_threshold: big(p.stake_threshold) };
}

export const decoders: Record<string, (text: string) => unknown> = {
  acct: (t): Account => {
    const j = JSON.parse(t) as Json;
    return { free: big(j.free), nonce: j.nonce as number };
  },
  stake: (t): bigint => big(JSON.parse(t)),
  owner: (t): string => JSON.parse(t) as string,
  take: (t): number => JSON.parse(t) as number,
  uid: (t): number => JSON.parse(t) as number,
  subnet: (t): Subnet => {
    const j = JSON.parse(t) as Json;
    return {
      ...(j as unknown as Subnet),
      params: decodeParams(j.params as Json),
      locked: big(j.locked),
    };
  },
  neuron: (t): Neuron => {
    const j = JSON.parse(t) as Json;
    return { ...(j as unknown as Neuron), emission: big(j.emission) };
  },
  pool: (t): Pool => {
    const j = JSON.parse(t) as Json;
    const c = j.curve as Json;
    const curve: Curve = {
      mechanism: c.mechanism as number,
      initialized: c.initialized as boolean,
      sqrtPrice: big(c.sqrtPrice),
      liquidity: big(c.liquidity),
      protocolLiquidity: big(c.protocolLiquidity),
      feeRate: big(c.feeRate),
    };
    return {
      netuid: j.netuid as number,
      curve,
      taoReserve: big(j.taoReserve),
      alphaReserve: big(j.alphaReserve),
      alphaOutstanding: big(j.alphaOutstanding),
      feesTao: big(j.feesTao),
      feesAlpha: big(j.feesAlpha),
      movingPrice: big(j.movingPrice),
      emaHalvingBlocks: big(j.emaHalvingBlocks),
      registeredAt: j.registeredAt as number,
      firstEmissionBlock: j.firstEmissionBlock as number | null,
      pendingEmission: big(j.pendingEmission),
      pendingOwnerCut: big(j.pendingOwnerCut),
    };
  },
  alpha: (t): AlphaStake => {
    const j = JSON.parse(t) as Json;
    const shares: Record<string, bigint> = {};
    for (const [coldkey, share] of Object.entries(j.shares as Json)) shares[coldkey] = big(share);
    return { value: big(j.value), denominator: big(j.denominator), shares };
  },
  totals: (t): Totals => {
    const j = JSON.parse(t) as Json;
    return { issuance: big(j.issuance), burned: big(j.burned), locked: big(j.locked) };
  },
};
