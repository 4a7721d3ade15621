/**
 * The one keybinding table of the console. Key matching, the `?` help overlay, the README key list and
 * the `--readonly` gate are all derived from it; user overrides from config (`keys`) are validated here.
 */
import type { Key } from 'ink';

export type ViewId = 'overview' | 'ranking' | 'neighbours' | 'peer' | 'wallet' | 'subnets';
export const VIEWS: readonly ViewId[] = ['overview', 'ranking', 'neighbours', 'peer', 'wallet', 'subnets'];

/** Where a binding is active: everywhere, in lists (Ranking, Neighbours, Peer, Subnets), or in one view. */
export type Scope = 'global' | 'list' | ViewId;
const LIST_VIEWS: readonly ViewId[] = ['ranking', 'neighbours', 'peer', 'subnets'];

export interface Binding {
  id: string;
  keys: readonly string[];
  description: string;
  scope: Scope;
  /** Submits a signed transaction. */
  signs?: boolean;
  /** Stops or restarts a supervised process. */
  stops?: boolean;
  /** Starts a supervised process (changes the machine, so hidden in read-only mode too). */
  controls?: boolean;
  /** Read by the view's stake dialog while it is open (its tolerance field and review), never by the view. */
  dialog?: boolean;
}

export const DEFAULT_BINDINGS: readonly Binding[] = [
  { id: 'view.overview', keys: ['1'], description: 'Overview', scope: 'global' },
  { id: 'view.ranking', keys: ['2'], description: 'Ranking (metagraph)', scope: 'global' },
  { id: 'view.neighbours', keys: ['3'], description: 'Neighbours (pruning scores)', scope: 'global' },
  { id: 'view.peer', keys: ['4'], description: 'Peer processes and logs', scope: 'global' },
  { id: 'view.wallet', keys: ['5'], description: 'Wallet & stake', scope: 'global' },
  { id: 'view.subnets', keys: ['6'], description: 'Subnets (pools, price, emission)', scope: 'global' },
  { id: 'help', keys: ['?'], description: 'show or hide this help', scope: 'global' },
  {
    id: 'palette',
    keys: [':'],
    description: 'command palette (:ranking 1, :stake add)',
    scope: 'global',
  },
  { id: 'filter', keys: ['/'], description: 'filter rows', scope: 'list' },
  { id: 'back', keys: ['esc'], description: 'back: close overlay, clear filter', scope: 'global' },
  {
    id: 'quit',
    keys: ['q', 'ctrl+c'],
    description: 'quit (supervised processes keep running)',
    scope: 'global',
  },
  { id: 'cursor.down', keys: ['j', 'down'], description: 'next row', scope: 'list' },
  { id: 'cursor.up', keys: ['k', 'up'], description: 'previous row', scope: 'list' },
  { id: 'page.down', keys: ['pagedown', 'ctrl+f'], description: 'next page', scope: 'list' },
  { id: 'page.up', keys: ['pageup', 'ctrl+b'], description: 'previous page', scope: 'list' },
  { id: 'cursor.top', keys: ['g', 'home'], description: 'first row', scope: 'list' },
  { id: 'cursor.bottom', keys: ['G', 'end'], description: 'last row', scope: 'list' },
  { id: 'sort.next', keys: ['s'], description: 'sort by the next column', scope: 'list' },
  { id: 'sort.reverse', keys: ['S'], description: 'reverse the sort order', scope: 'list' },
  {
    id: 'copy.hotkey',
    keys: ['c'],
    description: 'copy hotkey (OSC 52)',
    scope: 'list',
  },
  {
    id: 'copy.coldkey',
    keys: ['C'],
    description: 'copy coldkey (OSC 52)',
    scope: 'ranking',
  },
  { id: 'ranking.own', keys: ['o'], description: 'jump to the next own neuron', scope: 'ranking' },
  {
    id: 'subnets.open',
    keys: ['enter'],
    description: "open the selected subnet's ranking",
    scope: 'subnets',
  },
  { id: 'log.follow', keys: ['f'], description: 'follow the log tail', scope: 'peer' },
  { id: 'log.wrap', keys: ['w'], description: 'wrap long log lines', scope: 'peer' },
  { id: 'log.timestamps', keys: ['t'], description: 'show log timestamps', scope: 'peer' },
  {
    id: 'process.start',
    keys: ['u'],
    description: 'start the selected process',
    scope: 'peer',
    controls: true,
  },
  { id: 'process.stop', keys: ['x'], description: 'stop the selected process', scope: 'peer', stops: true },
  {
    id: 'process.restart',
    keys: ['R'],
    description: 'restart the selected process',
    scope: 'peer',
    stops: true,
  },
  { id: 'tx.transfer', keys: ['t'], description: 'transfer TAO', scope: 'wallet', signs: true },
  { id: 'stake.add', keys: ['a'], description: 'add stake to a hotkey', scope: 'wallet', signs: true },
  {
    id: 'stake.remove',
    keys: ['r'],
    description: 'remove stake from a hotkey',
    scope: 'wallet',
    signs: true,
  },
  {
    id: 'stake.partial',
    keys: ['p'],
    description: 'stake dialog: partial fill (--partial)',
    scope: 'wallet',
    dialog: true,
  },
  {
    id: 'stake.unsafe',
    keys: ['u'],
    description: 'stake dialog: no price limit (--unsafe)',
    scope: 'wallet',
    dialog: true,
  },
];

/** True when read-only mode must not register this binding. */
export const isPrivileged = (b: Pick<Binding, 'signs' | 'stops' | 'controls'>): boolean =>
  Boolean(b.signs || b.stops || b.controls);

/** The bindings available in a session: read-only drops every signing/stopping/controlling action. */
export function registeredBindings(bindings: readonly Binding[], readonly: boolean): Binding[] {
  return bindings.filter((b) => !(readonly && isPrivileged(b)));
}

export function scopeApplies(scope: Scope, view: ViewId): boolean {
  return scope === 'global' || scope === view || (scope === 'list' && LIST_VIEWS.includes(view));
}

const NAMED_KEYS = new Set([
  'esc',
  'enter',
  'tab',
  'space',
  'backspace',
  'up',
  'down',
  'left',
  'right',
  'pageup',
  'pagedown',
  'home',
  'end',
]);

/** A key name is one printable character, a named key, or `ctrl+<letter>`. */
export function isValidKeyName(name: string): boolean {
  if (NAMED_KEYS.has(name)) return true;
  if (/^ctrl\+[a-z]$/.test(name)) return true;
  return [...name].length === 1 && name >= ' ' && name !== ' ';
}

/** The key name of one Ink input event, in the table's notation. */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.escape) return 'esc';
  if (key.return) return 'enter';
  if (key.tab) return 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input.length === 1) return `ctrl+${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input;
}

/** The action bound to `name` in `view`; view-specific bindings win over list and global ones. */
export function matchAction(bindings: readonly Binding[], view: ViewId, name: string): string | null {
  let best: Binding | null = null;
  for (const b of bindings) {
    if (b.dialog || !b.keys.includes(name) || !scopeApplies(b.scope, view)) continue;
    if (!best || specificity(b.scope) > specificity(best.scope)) best = b;
  }
  return best?.id ?? null;
}

const specificity = (scope: Scope): number => (scope === 'global' ? 0 : scope === 'list' ? 1 : 2);

/** The stake dialog's action bound to `name`, or null. */
export function dialogAction(bindings: readonly Binding[], name: string): string | null {
  return bindings.find((b) => b.dialog && b.keys.includes(name))?.id ?? null;
}

/** Thrown text for invalid overrides, one line per problem. */
export class KeyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid key bindings in config: ${problems.join('; ')}`);
  }
}

/**
 * Applies user overrides (`{"quit": "Q", "cursor.down": "j down"}`: space-separated key names) to the
 * table. Unknown actions, unknown key names and two actions sharing a key in overlapping scopes are
 * errors; nothing is applied unless everything is valid.
 */
export function applyOverrides(
  bindings: readonly Binding[],
  overrides: Record<string, unknown> | undefined,
): Binding[] {
  const problems: string[] = [];
  const result = bindings.map((b) => ({ ...b }));
  for (const [id, value] of Object.entries(overrides ?? {})) {
    const binding = result.find((b) => b.id === id);
    if (!binding) {
      problems.push(`unknown action "${id}"`);
      continue;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`"${id}" needs a string of space-separated keys`);
      continue;
    }
    const keys = value.trim().split(/\s+/);
    const bad = keys.filter((k) => !isValidKeyName(k));
    if (bad.length > 0) {
      problems.push(`"${id}": unknown key name ${bad.map((k) => `"${k}"`).join(', ')}`);
      continue;
    }
    binding.keys = keys;
  }
  for (let i = 0; i < result.length; i++) {
    for (let j = i + 1; j < result.length; j++) {
      const a = result[i]!;
      const b = result[j]!;
      if (!scopesOverlap(a.scope, b.scope)) continue;
      const shared = a.keys.filter((k) => b.keys.includes(k));
      if (shared.length > 0) {
        problems.push(`key "${shared[0]}" is bound to both "${a.id}" and "${b.id}"`);
      }
    }
  }
  if (problems.length > 0) throw new KeyConfigError(problems);
  return result;
}

function scopesOverlap(a: Scope, b: Scope): boolean {
  if (a === 'global' || b === 'global' || a === b) return true;
  if (a === 'list') return LIST_VIEWS.includes(b as ViewId);
  if (b === 'list') return LIST_VIEWS.includes(a as ViewId);
  return false;
}

/** Human form of a key for help and README ("ctrl+c" → "Ctrl-C", "esc" → "Esc"). */
export function displayKey(name: string): string {
  if (name.startsWith('ctrl+')) return `Ctrl-${name.slice(5).toUpperCase()}`;
  if (NAMED_KEYS.has(name)) return name === 'pageup' ? 'PgUp' : name === 'pagedown' ? 'PgDn' : cap(name);
  return name;
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export const scopeLabel = (scope: Scope): string =>
  scope === 'global' ? 'everywhere' : scope === 'list' ? 'lists' : scope;
