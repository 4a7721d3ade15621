/**
 * Pure list logic shared by the tabular views: column definitions, filtering, sorting, cursor movement
 * and the virtual window (which rows are visible), all testable without rendering.
 */
import type { Neuron, NeighbourScore, OwnAccount, ProcessInfo } from './data/types.js';
import { bytes, duration, shortAddress, taoFixed, u16Fraction } from './format.js';

export interface Column<T> {
  id: string;
  header: string;
  /** Minimum width; columns marked `grow` share the spare width. */
  width: number;
  grow?: boolean;
  /** Spare width goes first to bringing this column up to `want` (names that should not be cut short). */
  want?: number;
  /** Hidden (width 0) when the table is narrower than this: the least needed columns make room at 80x24. */
  hideBelow?: number;
  align: 'left' | 'right';
  /** Sort key: bigint, number, string or boolean. */
  key: (row: T) => bigint | number | string | boolean;
  text: (row: T, width: number) => string;
}

const num = <T>(id: string, header: string, get: (r: T) => number, width = 6): Column<T> => ({
  id,
  header,
  width,
  align: 'right',
  key: get,
  text: (r) => u16Fraction(get(r)),
});

/** Who a row is (`Neuron.name`): whole names (peer:adversarial) before the hotkey takes the rest. */
const nameColumn = <T extends { name?: string }>(): Column<T> => ({
  id: 'name',
  header: 'name',
  width: 8,
  want: 16,
  align: 'left',
  key: (n) => n.name ?? '',
  text: (n) => n.name ?? '',
});

export const RANKING_COLUMNS: readonly Column<Neuron>[] = [
  { id: 'uid', header: 'uid', width: 4, align: 'right', key: (n) => n.uid, text: (n) => String(n.uid) },
  nameColumn(),
  {
    id: 'hotkey',
    header: 'hotkey',
    width: 8,
    grow: true,
    align: 'left',
    key: (n) => n.hotkey,
    text: (n, w) => shortAddress(n.hotkey, w),
  },
  {
    id: 'stake',
    header: 'stake τ',
    width: 10,
    align: 'right',
    key: (n) => n.stake,
    text: (n) => taoFixed(n.stake, 2),
  },
  num('rank', 'rank', (n) => n.rank),
  num('trust', 'trust', (n) => n.trust),
  // At 80 columns the name matters more than consensus, permit and active (trust and incentive stay).
  { ...num<Neuron>('consensus', 'cons', (n) => n.consensus), hideBelow: 90 },
  num('incentive', 'incent', (n) => n.incentive),
  num('dividends', 'divs', (n) => n.dividends),
  {
    id: 'emission',
    header: 'emission',
    width: 9,
    align: 'right',
    key: (n) => n.emission,
    text: (n) => taoFixed(n.emission, 4),
  },
  {
    id: 'permit',
    header: 'vp',
    width: 2,
    hideBelow: 90,
    align: 'right',
    key: (n) => n.validatorPermit,
    text: (n) => (n.validatorPermit ? 'V' : '-'),
  },
  {
    id: 'active',
    header: 'a',
    width: 1,
    hideBelow: 90,
    align: 'right',
    key: (n) => n.active,
    // ASCII on purpose: a row of plain ASCII is measured by Ink's fast path (see bench/tui.bench.mjs).
    text: (n) => (n.active ? 'A' : '-'),
  },
];

const fixed = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '-');

export const NEIGHBOUR_COLUMNS: readonly Column<NeighbourScore>[] = [
  { id: 'uid', header: 'uid', width: 4, align: 'right', key: (n) => n.uid, text: (n) => String(n.uid) },
  nameColumn(),
  {
    id: 'hotkey',
    header: 'hotkey',
    width: 10,
    grow: true,
    align: 'left',
    key: (n) => n.hotkey,
    text: (n, w) => shortAddress(n.hotkey, w),
  },
  {
    id: 'score',
    header: 'score',
    width: 7,
    align: 'right',
    key: (n) => n.score,
    text: (n) => fixed(n.score, 4),
  },
  { id: 'se', header: '±se', width: 6, align: 'right', key: (n) => n.se, text: (n) => fixed(n.se, 4) },
  { id: 'ema', header: 'ema', width: 7, align: 'right', key: (n) => n.ema, text: (n) => fixed(n.ema, 4) },
  { id: 'gate', header: 'gate', width: 5, align: 'right', key: (n) => n.gate, text: (n) => fixed(n.gate, 2) },
  {
    id: 'weight',
    header: 'weight',
    width: 6,
    align: 'right',
    key: (n) => n.weight,
    text: (n) => fixed(n.weight, 3),
  },
  {
    id: 'latency',
    header: 'lat ms',
    width: 6,
    align: 'right',
    key: (n) => n.latencyMs ?? Number.POSITIVE_INFINITY,
    text: (n) => (n.latencyMs === null ? '-' : String(Math.round(n.latencyMs))),
  },
  {
    id: 'failures',
    header: 'fail',
    width: 4,
    align: 'right',
    key: (n) => n.failures,
    text: (n) => String(n.failures),
  },
];

export const PROCESS_COLUMNS: readonly Column<ProcessInfo>[] = [
  {
    id: 'name',
    header: 'name',
    width: 10,
    want: 24, // whole names (peer:adversarial) before the last exit column takes the rest
    align: 'left',
    key: (p) => p.name,
    text: (p) => p.name,
  },
  { id: 'state', header: 'state', width: 13, align: 'left', key: (p) => p.state, text: (p) => p.state },
  {
    id: 'pid',
    header: 'pid',
    width: 7,
    hideBelow: 90, // at 80 columns the name matters more; `tao peer status` has the pid
    align: 'right',
    key: (p) => p.pid ?? -1,
    text: (p) => String(p.pid ?? '-'),
  },
  {
    id: 'uptime',
    header: 'uptime',
    width: 8,
    align: 'right',
    key: (p) => p.uptimeMs ?? -1,
    text: (p) => (p.uptimeMs === null ? '-' : duration(p.uptimeMs)),
  },
  {
    id: 'restarts',
    header: 'rst',
    width: 3,
    align: 'right',
    key: (p) => p.restarts,
    text: (p) => String(p.restarts),
  },
  {
    id: 'cpu',
    header: 'cpu%',
    width: 5,
    align: 'right',
    key: (p) => p.cpu ?? -1,
    text: (p) => (p.cpu === null ? '-' : p.cpu.toFixed(0)),
  },
  {
    id: 'mem',
    header: 'mem',
    width: 8,
    align: 'right',
    key: (p) => p.memBytes ?? -1,
    text: (p) => (p.memBytes === null ? '-' : bytes(p.memBytes)),
  },
  { id: 'gpu', header: 'gpu', width: 6, align: 'left', key: (p) => p.gpu ?? '', text: (p) => p.gpu ?? '-' },
  {
    id: 'exit',
    header: 'last exit',
    width: 9,
    grow: true,
    align: 'left',
    key: (p) => p.lastExit ?? '',
    text: (p) => p.lastExit ?? '-',
  },
];

export interface SortState {
  column: number;
  desc: boolean;
}

function compareKeys(a: bigint | number | string | boolean, b: bigint | number | string | boolean): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Rows matching `filter` (case-insensitive substring of any searchable text), sorted; stable on ties. */
export function filterAndSort<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  sort: SortState,
  filter: string,
  searchable: (row: T) => string,
): T[] {
  const needle = filter.trim().toLowerCase();
  const kept =
    needle === '' ? rows.slice() : rows.filter((r) => searchable(r).toLowerCase().includes(needle));
  const col = columns[sort.column] ?? columns[0];
  if (!col) return kept;
  const sign = sort.desc ? -1 : 1;
  const keys = kept.map((row) => col.key(row));
  const n = kept.length;
  // Integer keys (uid, u16 scores, counts): one Float64Array of `key * n + index` sorted natively; the
  // index breaks ties, so the order is stable. Anything else: a comparator sort over wrapper entries.
  if (keys.every((k) => typeof k === 'number' && Number.isSafeInteger(k) && Math.abs(k) * n < 2 ** 52)) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = sign * (keys[i] as number) * n + i;
    packed.sort();
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const p = packed[i]!;
      out[i] = kept[((p % n) + n) % n]!;
    }
    return out;
  }
  const keyed = kept.map((row, i) => ({ row, i, k: keys[i]! }));
  keyed.sort((a, b) => sign * compareKeys(a.k, b.k) || a.i - b.i);
  return keyed.map((e) => e.row);
}

export const neuronSearchText = (n: Neuron): string => `${n.uid} ${n.name ?? ''} ${n.hotkey} ${n.coldkey}`;
export const neighbourSearchText = (n: NeighbourScore): string => `${n.uid} ${n.name ?? ''} ${n.hotkey}`;

/**
 * The name of each hotkey the operator knows: a supervised peer's process name (`peer:noisy`), else the
 * own wallet's hotkey name (`wallet/hotkey`). Chain identities, where a source provides them, come in
 * through `names` too.
 */
export function hotkeyNames(
  names: Readonly<Record<string, string>> | undefined,
  own: Pick<OwnAccount, 'walletName' | 'hotkeys'>,
): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const h of own.hotkeys) out.set(h.ss58, own.walletName ? `${own.walletName}/${h.name}` : h.name);
  for (const [ss58, name] of Object.entries(names ?? {})) out.set(ss58, name);
  return out;
}

const NO_NAME_COLUMN = new WeakMap<readonly Column<never>[], readonly Column<never>[]>();

/**
 * The columns for these rows: the name column hidden while no row has a name (a market the operator
 * does not run), so the hotkeys keep the width. The same array for the same inputs.
 */
export function columnsFor<T extends { name?: string }>(
  columns: readonly Column<T>[],
  rows: readonly T[],
): readonly Column<T>[] {
  if (rows.some((r) => r.name)) return columns;
  const key = columns as readonly Column<never>[];
  let hidden = NO_NAME_COLUMN.get(key);
  if (!hidden) {
    hidden = columns.map((c) => (c.id === 'name' ? { ...c, hideBelow: Number.POSITIVE_INFINITY } : c));
    NO_NAME_COLUMN.set(key, hidden);
  }
  return hidden as readonly Column<T>[];
}

/** Rows with their `name` filled in from `names` (the same array when no row has a name). */
export function withNames<T extends { hotkey: string; name?: string }>(
  rows: readonly T[],
  names: ReadonlyMap<string, string>,
): readonly T[] {
  if (names.size === 0) return rows;
  return rows.map((r) => {
    const name = names.get(r.hotkey);
    return name === undefined || name === r.name ? r : { ...r, name };
  });
}
export const processSearchText = (p: ProcessInfo): string => `${p.name} ${p.kind} ${p.state}`;

export type CursorMove = 'down' | 'up' | 'pagedown' | 'pageup' | 'top' | 'bottom';

export function moveCursor(cursor: number, move: CursorMove, total: number, page: number): number {
  if (total <= 0) return 0;
  const step = Math.max(1, page);
  const next =
    move === 'down'
      ? cursor + 1
      : move === 'up'
        ? cursor - 1
        : move === 'pagedown'
          ? cursor + step
          : move === 'pageup'
            ? cursor - step
            : move === 'top'
              ? 0
              : total - 1;
  return Math.min(total - 1, Math.max(0, next));
}

/** First visible row index so that `cursor` is inside a window of `height` rows, moving as little as possible. */
export function windowStart(cursor: number, height: number, total: number, previous: number): number {
  if (height <= 0 || total <= height) return 0;
  let start = Math.min(previous, total - height);
  if (cursor < start) start = cursor;
  if (cursor >= start + height) start = cursor - height + 1;
  return Math.max(0, Math.min(start, total - height));
}

/**
 * Column widths for `total` cells: minimums (0 for a column hidden at this width), spare width first to
 * columns below their `want`, then shared by `grow` columns; one space between shown columns.
 */
export function layoutColumns<T>(columns: readonly Column<T>[], total: number): number[] {
  const widths = columns.map((c) => (c.hideBelow !== undefined && total < c.hideBelow ? 0 : c.width));
  const shown = widths.filter((w) => w > 0).length;
  const used = widths.reduce((a, b) => a + b, 0) + Math.max(0, shown - 1);
  const growers = columns.map((c, i) => (c.grow && widths[i]! > 0 ? i : -1)).filter((i) => i >= 0);
  let spare = total - used;
  columns.forEach((c, i) => {
    if (c.want === undefined || widths[i] === 0 || spare <= 0) return;
    const add = Math.min(spare, Math.max(0, c.want - widths[i]!));
    widths[i] = widths[i]! + add;
    spare -= add;
  });
  if (spare > 0 && growers.length > 0) {
    const each = Math.floor(spare / growers.length);
    for (const i of growers) widths[i] = widths[i]! + each;
    spare -= each * growers.length;
    widths[growers[0]!] = widths[growers[0]!]! + spare;
  }
  return widths;
}
