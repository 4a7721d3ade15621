/**
 * The Subnets view's model, pure: every subnet with its pool (price, τ and α in the pool), its share of
 * the block emission, tempo, size and the operator's own alpha there; the table's columns; and the one
 * line shown where the chain has no pools. Exact: bigint rao in, fixed decimals out, no floats.
 */
import type { StakeEntry, SubnetRow, SubnetsState } from './data/types.js';
import { taoFixed } from './format.js';
import type { Column } from './table-model.js';

export interface SubnetViewRow extends SubnetRow {
  /** Share of the summed pool emission in basis points (10000 = 100%), or null without pools. */
  shareBp: number | null;
  /** The operator's alpha on this subnet, or null where stake is not held per subnet. */
  ownAlpha: bigint | null;
}

export interface SubnetsModel {
  rows: SubnetViewRow[];
  /** Why the pool columns are empty, or null. */
  note: string | null;
  /** Sum of the pools' per-block emission (rao), or null without pools. */
  totalEmission: bigint | null;
}

/** `part / total` in basis points, rounded down (0 when the total is 0). */
export function shareBasisPoints(part: bigint, total: bigint): number {
  return total > 0n ? Number((part * 10_000n) / total) : 0;
}

/** Basis points as a percent with 2 decimals: 1234 → "12.34". */
export const percentText = (bp: number): string =>
  `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;

/**
 * The rows of the Subnets view. Own alpha is summed per netuid over the stakes that name one; where any
 * own stake is not per subnet (tao's ledger: stake on a hotkey counts everywhere) the column stays empty.
 */
export function subnetsModel(
  state: SubnetsState | null | undefined,
  stakes: readonly StakeEntry[],
): SubnetsModel {
  if (!state) return { rows: [], note: null, totalEmission: null };
  const perSubnet = stakes.every((s) => s.netuid !== undefined);
  const own = new Map<number, bigint>();
  for (const s of stakes) {
    if (s.netuid === undefined) continue;
    own.set(s.netuid, (own.get(s.netuid) ?? 0n) + (s.alpha ?? 0n));
  }
  const withPools = state.rows.filter((r) => r.emission !== null);
  const totalEmission = withPools.length > 0 ? withPools.reduce((a, r) => a + (r.emission ?? 0n), 0n) : null;
  const rows = state.rows.map((r) => ({
    ...r,
    shareBp:
      r.emission === null || totalEmission === null ? null : shareBasisPoints(r.emission, totalEmission),
    ownAlpha: perSubnet ? (own.get(r.netuid) ?? 0n) : null,
  }));
  return { rows, note: state.poolsMissing, totalEmission };
}

const dash = (v: bigint | null, decimals: number) => (v === null ? '-' : taoFixed(v, decimals));
const keyOf = (v: bigint | null) => v ?? -1n;

export const SUBNET_COLUMNS: readonly Column<SubnetViewRow>[] = [
  {
    id: 'netuid',
    header: 'net',
    width: 4,
    align: 'right',
    key: (r) => r.netuid,
    text: (r) => String(r.netuid),
  },
  {
    id: 'name',
    header: 'name',
    width: 8,
    grow: true,
    align: 'left',
    key: (r) => r.name.toLowerCase(),
    text: (r) =>
      [r.symbol, r.name, r.started === false ? 'not started' : ''].filter(Boolean).join(' ') || '-',
  },
  {
    id: 'price',
    header: 'price τ',
    width: 8,
    align: 'right',
    key: (r) => keyOf(r.price),
    text: (r) => dash(r.price, 4),
  },
  {
    id: 'taoIn',
    header: 'τ in pool',
    width: 10,
    align: 'right',
    key: (r) => keyOf(r.taoIn),
    text: (r) => dash(r.taoIn, 2),
  },
  {
    id: 'alphaIn',
    header: 'α in pool',
    width: 10,
    align: 'right',
    key: (r) => keyOf(r.alphaIn),
    text: (r) => dash(r.alphaIn, 2),
  },
  {
    id: 'share',
    header: 'emis %',
    width: 6,
    align: 'right',
    key: (r) => r.shareBp ?? -1,
    text: (r) => (r.shareBp === null ? '-' : percentText(r.shareBp)),
  },
  {
    id: 'tempo',
    header: 'tempo',
    width: 5,
    align: 'right',
    key: (r) => r.tempo,
    text: (r) => String(r.tempo),
  },
  { id: 'n', header: 'n', width: 4, align: 'right', key: (r) => r.n, text: (r) => String(r.n) },
  {
    id: 'own',
    header: 'your α',
    width: 10,
    align: 'right',
    key: (r) => keyOf(r.ownAlpha),
    text: (r) => dash(r.ownAlpha, 4),
  },
];

export const subnetSearchText = (r: SubnetViewRow): string => `${r.netuid} ${r.name} ${r.symbol}`;
