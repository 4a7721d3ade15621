/**
 * Console commands as intents (a command says what to do; the shell does it): each action id of the
 * keybinding table resolves to
 * "run this effect", "open this dialog" or "confirm this first"; the shell decides how to show it.
 * `--readonly` is one gate here: the registry never contains actions that sign, stop or start anything.
 */
import { DEFAULT_BINDINGS, isPrivileged, type ViewId } from './keys.js';
import type { CursorMove } from './table-model.js';

export type Effect =
  | { kind: 'view'; view: ViewId; netuid?: number }
  | { kind: 'overlay'; overlay: 'help' | 'palette' | 'filter' }
  | { kind: 'back' }
  | { kind: 'quit' }
  | { kind: 'cursor'; move: CursorMove }
  | { kind: 'own' }
  | { kind: 'sort'; op: 'next' | 'reverse' }
  | { kind: 'toggle'; flag: 'follow' | 'wrap' | 'timestamps' }
  | { kind: 'process'; op: 'start' | 'stop' | 'restart'; name: string }
  | { kind: 'message'; text: string }
  | { kind: 'copy'; label: 'hotkey' | 'coldkey'; text: string };

export type DialogSpec =
  | { kind: 'transfer' }
  | { kind: 'stake-add'; hotkey: string | null }
  | { kind: 'stake-remove'; hotkey: string | null };

export type Intent =
  | { type: 'run'; effect: Effect }
  | { type: 'dialog'; dialog: DialogSpec }
  | { type: 'confirm'; title: string; detail: string[]; effect: Effect };

/** What an action may look at: the current selection, never the terminal. */
export interface ActionContext {
  /** Name of the process selected in the Peer view. */
  selectedProcess: string | null;
  /** Own hotkey selected in the Wallet view (stake target). */
  selectedHotkey: string | null;
  /** Palette arguments ("restart peer-1" → ["peer-1"]). */
  args: readonly string[];
  /** Netuid under the cursor in the Subnets view. */
  selectedNetuid?: number | null;
  /** Addresses of the row under the cursor (Ranking, Neighbours, Peer). */
  selectedAddress?: { hotkey: string; coldkey?: string } | null;
}

type Action = (ctx: ActionContext) => Intent;

const run = (effect: Effect): Intent => ({ type: 'run', effect });

function processTarget(ctx: ActionContext): string | null {
  return ctx.args[0] ?? ctx.selectedProcess;
}

function copyIntent(ctx: ActionContext, label: 'hotkey' | 'coldkey'): Intent {
  const text = ctx.selectedAddress?.[label];
  return run(text ? { kind: 'copy', label, text } : { kind: 'message', text: `no ${label} to copy here` });
}

/**
 * The OSC 52 sequence that puts `text` on the terminal's clipboard: the terminal (or tmux with
 * `set-clipboard on`, or the terminal at the far end of an SSH session) does the copying.
 */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

const ALL_ACTIONS: Record<string, Action> = {
  'view.overview': () => run({ kind: 'view', view: 'overview' }),
  'view.ranking': (ctx) => {
    const netuid = ctx.args[0] !== undefined ? Number(ctx.args[0]) : undefined;
    if (netuid !== undefined && !(Number.isInteger(netuid) && netuid >= 0)) {
      return run({ kind: 'message', text: `not a netuid: ${ctx.args[0]}` });
    }
    return run(
      netuid === undefined ? { kind: 'view', view: 'ranking' } : { kind: 'view', view: 'ranking', netuid },
    );
  },
  'view.neighbours': () => run({ kind: 'view', view: 'neighbours' }),
  'view.peer': () => run({ kind: 'view', view: 'peer' }),
  'view.wallet': () => run({ kind: 'view', view: 'wallet' }),
  'view.subnets': () => run({ kind: 'view', view: 'subnets' }),
  'subnets.open': (ctx) =>
    run(
      ctx.selectedNetuid === null || ctx.selectedNetuid === undefined
        ? { kind: 'message', text: 'no subnet selected' }
        : { kind: 'view', view: 'ranking', netuid: ctx.selectedNetuid },
    ),
  help: () => run({ kind: 'overlay', overlay: 'help' }),
  palette: () => run({ kind: 'overlay', overlay: 'palette' }),
  filter: () => run({ kind: 'overlay', overlay: 'filter' }),
  back: () => run({ kind: 'back' }),
  quit: () => run({ kind: 'quit' }),
  'cursor.down': () => run({ kind: 'cursor', move: 'down' }),
  'cursor.up': () => run({ kind: 'cursor', move: 'up' }),
  'page.down': () => run({ kind: 'cursor', move: 'pagedown' }),
  'page.up': () => run({ kind: 'cursor', move: 'pageup' }),
  'cursor.top': () => run({ kind: 'cursor', move: 'top' }),
  'cursor.bottom': () => run({ kind: 'cursor', move: 'bottom' }),
  'sort.next': () => run({ kind: 'sort', op: 'next' }),
  'sort.reverse': () => run({ kind: 'sort', op: 'reverse' }),
  'ranking.own': () => run({ kind: 'own' }),
  'copy.hotkey': (ctx) => copyIntent(ctx, 'hotkey'),
  'copy.coldkey': (ctx) => copyIntent(ctx, 'coldkey'),
  'log.follow': () => run({ kind: 'toggle', flag: 'follow' }),
  'log.wrap': () => run({ kind: 'toggle', flag: 'wrap' }),
  'log.timestamps': () => run({ kind: 'toggle', flag: 'timestamps' }),
  'process.start': (ctx) => {
    const name = processTarget(ctx);
    return run(
      name ? { kind: 'process', op: 'start', name } : { kind: 'message', text: 'no process selected' },
    );
  },
  'process.stop': (ctx) => {
    const name = processTarget(ctx);
    if (!name) return run({ kind: 'message', text: 'no process selected' });
    return {
      type: 'confirm',
      title: `Stop ${name}?`,
      detail: [`${name} stops and stays stopped until started again.`],
      effect: { kind: 'process', op: 'stop', name },
    };
  },
  'process.restart': (ctx) => {
    const name = processTarget(ctx);
    if (!name) return run({ kind: 'message', text: 'no process selected' });
    return {
      type: 'confirm',
      title: `Restart ${name}?`,
      detail: [`${name} is stopped and started again; its restart counter is kept.`],
      effect: { kind: 'process', op: 'restart', name },
    };
  },
  'tx.transfer': () => ({ type: 'dialog', dialog: { kind: 'transfer' } }),
  'stake.add': (ctx) => ({
    type: 'dialog',
    dialog: { kind: 'stake-add', hotkey: ctx.args[0] ?? ctx.selectedHotkey },
  }),
  'stake.remove': (ctx) => ({
    type: 'dialog',
    dialog: { kind: 'stake-remove', hotkey: ctx.args[0] ?? ctx.selectedHotkey },
  }),
};

/** The actions a session registers: in read-only mode, none that signs, stops or starts anything. */
export function registerActions(readonly: boolean): ReadonlyMap<string, Action> {
  const actions = new Map<string, Action>();
  for (const [id, action] of Object.entries(ALL_ACTIONS)) {
    const binding = DEFAULT_BINDINGS.find((b) => b.id === id);
    if (readonly && binding && isPrivileged(binding)) continue;
    actions.set(id, action);
  }
  return actions;
}

/** Resolves an action id to its intent; an unregistered id says why instead of doing anything. */
export function intentFor(
  actions: ReadonlyMap<string, Action>,
  id: string,
  ctx: ActionContext,
  readonly: boolean,
): Intent {
  const action = actions.get(id);
  if (action) return action(ctx);
  const binding = DEFAULT_BINDINGS.find((b) => b.id === id);
  if (readonly && binding && isPrivileged(binding)) {
    return run({ kind: 'message', text: `read-only console: "${binding.description}" is not available` });
  }
  return run({ kind: 'message', text: `unknown command: ${id}` });
}

/** Palette words → action ids (first word, or first two for "stake add"). */
const PALETTE: Record<string, string> = {
  overview: 'view.overview',
  ranking: 'view.ranking',
  metagraph: 'view.ranking',
  neighbours: 'view.neighbours',
  neighbors: 'view.neighbours',
  peer: 'view.peer',
  logs: 'view.peer',
  wallet: 'view.wallet',
  subnets: 'view.subnets',
  subnet: 'view.subnets',
  sn: 'view.subnets',
  pools: 'view.subnets',
  copy: 'copy.hotkey',
  'copy hotkey': 'copy.hotkey',
  'copy coldkey': 'copy.coldkey',
  stake: 'view.wallet',
  'stake add': 'stake.add',
  'stake remove': 'stake.remove',
  unstake: 'stake.remove',
  transfer: 'tx.transfer',
  help: 'help',
  quit: 'quit',
  q: 'quit',
  start: 'process.start',
  stop: 'process.stop',
  restart: 'process.restart',
};

export const PALETTE_COMMANDS: readonly string[] = Object.keys(PALETTE);

/** Parses a palette line (without the leading ':'); null when it names no command. */
export function parsePalette(line: string): { id: string; args: string[] } | null {
  const words = line.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const [first, second] = [words[0]!.toLowerCase(), words[1]?.toLowerCase()];
  if (second !== undefined && PALETTE[`${first} ${second}`]) {
    return { id: PALETTE[`${first} ${second}`]!, args: words.slice(2) };
  }
  const id = PALETTE[first];
  return id ? { id, args: words.slice(1) } : null;
}
