/**
 * The console's own UI state (which view, overlays, per-list cursor/filter/sort, log toggles, dialogs)
 * and the pure reducer that applies effects to it. Row counts come in with the effect, so the reducer
 * needs no data access and is tested directly.
 */
import type { DialogSpec, Effect } from './intents.js';
import type { ViewId } from './keys.js';
import { type CursorMove, moveCursor } from './table-model.js';

export type ListView = 'ranking' | 'neighbours' | 'peer' | 'subnets';
export const isListView = (v: ViewId): v is ListView =>
  v === 'ranking' || v === 'neighbours' || v === 'peer' || v === 'subnets';

export interface ListState {
  cursor: number;
  filter: string;
  sortColumn: number;
  sortDesc: boolean;
}

export interface ConfirmState {
  title: string;
  detail: string[];
  effect: Effect;
}

export interface UiState {
  view: ViewId;
  /** Help overlay, or a line being typed (palette / filter). */
  overlay: null | { kind: 'help' } | { kind: 'palette'; text: string } | { kind: 'filter'; text: string };
  lists: Record<ListView, ListState>;
  log: { follow: boolean; wrap: boolean; timestamps: boolean };
  dialog: DialogSpec | null;
  confirm: ConfirmState | null;
  message: string | null;
  quitting: boolean;
}

export const SORT_COLUMN_COUNT: Record<ListView, number> = {
  ranking: 12,
  neighbours: 10,
  peer: 9,
  subnets: 9,
};

export function initialUiState(view: ViewId = 'overview'): UiState {
  return {
    view,
    overlay: null,
    lists: {
      // Ranking: by rank, highest first; neighbours by score, highest first; processes by name.
      ranking: { cursor: 0, filter: '', sortColumn: 4, sortDesc: true },
      neighbours: { cursor: 0, filter: '', sortColumn: 3, sortDesc: true },
      peer: { cursor: 0, filter: '', sortColumn: 0, sortDesc: false },
      // Subnets by netuid, as btcli lists them.
      subnets: { cursor: 0, filter: '', sortColumn: 0, sortDesc: false },
    },
    log: { follow: true, wrap: false, timestamps: false },
    dialog: null,
    confirm: null,
    message: null,
    quitting: false,
  };
}

/** Facts about the current view that some effects need. */
export interface ViewFacts {
  /** Rows in the current list after filtering. */
  rows: number;
  /** Rows visible at once (page size). */
  page: number;
  /** Index of the next own row after the cursor (Ranking), or null. */
  nextOwn?: number | null;
  /** Name of the process under the cursor (Peer view). */
  selectedProcess?: string | null;
  /** Netuid of the subnet under the cursor (Subnets view). */
  selectedNetuid?: number | null;
  /** Addresses of the row under the cursor, for copying (Ranking, Neighbours, Peer). */
  selectedAddress?: { hotkey: string; coldkey?: string } | null;
}

const patchList = (s: UiState, view: ListView, patch: Partial<ListState>): UiState => ({
  ...s,
  lists: { ...s.lists, [view]: { ...s.lists[view], ...patch } },
});

export function applyEffect(s: UiState, effect: Effect, facts: ViewFacts): UiState {
  switch (effect.kind) {
    case 'view':
      return { ...s, view: effect.view, overlay: null, message: null };
    case 'overlay':
      if (effect.overlay === 'help')
        return { ...s, overlay: s.overlay?.kind === 'help' ? null : { kind: 'help' } };
      if (effect.overlay === 'palette') return { ...s, overlay: { kind: 'palette', text: '' } };
      if (!isListView(s.view)) return s;
      return { ...s, overlay: { kind: 'filter', text: s.lists[s.view].filter } };
    case 'back':
      if (s.overlay) return { ...s, overlay: null };
      if (s.message) return { ...s, message: null };
      if (isListView(s.view) && s.lists[s.view].filter !== '')
        return patchList(s, s.view, { filter: '', cursor: 0 });
      if (s.view !== 'overview') return { ...s, view: 'overview' };
      return s;
    case 'quit':
      return { ...s, quitting: true };
    case 'cursor':
      if (!isListView(s.view)) return s;
      return patchList(s, s.view, {
        cursor: moveCursor(s.lists[s.view].cursor, effect.move as CursorMove, facts.rows, facts.page),
      });
    case 'own':
      if (s.view !== 'ranking') return s;
      if (facts.nextOwn === null || facts.nextOwn === undefined)
        return { ...s, message: 'no own neuron in this list' };
      return patchList(s, 'ranking', { cursor: facts.nextOwn });
    case 'sort': {
      if (!isListView(s.view)) return s;
      const list = s.lists[s.view];
      if (effect.op === 'reverse') return patchList(s, s.view, { sortDesc: !list.sortDesc });
      return patchList(s, s.view, {
        sortColumn: (list.sortColumn + 1) % SORT_COLUMN_COUNT[s.view],
        cursor: 0,
      });
    }
    case 'toggle':
      return { ...s, log: { ...s.log, [effect.flag]: !s.log[effect.flag] } };
    case 'message':
      return { ...s, message: effect.text };
    case 'copy':
      // Written to the terminal by the shell (OSC 52); the state says what was copied.
      return { ...s, message: `copied ${effect.label} ${effect.text} (OSC 52)` };
    case 'process':
      // Performed by the shell through the DataSource; the state only records what was asked.
      return { ...s, message: `${effect.op} ${effect.name}…` };
  }
}

/** Typing into the palette/filter line; the filter applies live. */
export function typeInto(s: UiState, text: string): UiState {
  if (!s.overlay || s.overlay.kind === 'help') return s;
  if (s.overlay.kind === 'filter' && isListView(s.view)) {
    return patchList({ ...s, overlay: { kind: 'filter', text } }, s.view, { filter: text, cursor: 0 });
  }
  return { ...s, overlay: { ...s.overlay, text } };
}
