/**
 * The console shell: tab bar, the current view, overlays (help, palette, filter), dialogs, the message /
 * hint line and the status line. Keys go through the keybinding table to intents; the shell applies them.
 */
import { Box, type Key, Text, useApp, useInput, useStdout } from 'ink';
import { useCallback, useMemo, useRef, useState } from 'react';
import { type KeyHandler, KeySinkContext, type KeySink } from './hooks/use-key-sink.js';
import { ConfirmBox } from './components/ConfirmBox.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { MIN_COLUMNS, MIN_ROWS, SmallScreen } from './components/SmallScreen.js';
import { DisconnectedBanner, StatusLine } from './components/StatusLine.js';
import { useDataSource, useSnapshot } from './data/hooks.js';
import { TxDialog } from './dialogs/TxDialog.js';
import { fitText } from './format.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { type Effect, type Intent, intentFor, osc52, parsePalette, registerActions } from './intents.js';
import { type Binding, displayKey, keyName, matchAction, VIEWS, type ViewId } from './keys.js';
import { useTheme } from './theme/context.js';
import {
  applyEffect,
  initialUiState,
  isListView,
  typeInto,
  type UiState,
  type ViewFacts,
} from './ui-state.js';
import { NeighboursView } from './views/Neighbours.js';
import { OverviewView } from './views/Overview.js';
import { PeerView } from './views/Peer.js';
import { RankingView } from './views/Ranking.js';
import { SubnetsView } from './views/Subnets.js';
import { ViewFactsContext } from './views/view-facts.js';
import { WalletView } from './views/Wallet.js';

export interface AppProps {
  readonly: boolean;
  /** The session's bindings: overrides applied, read-only filtering done. */
  bindings: readonly Binding[];
  initialView?: ViewId;
}

const TAB_NAMES: Record<ViewId, string> = {
  overview: 'Overview',
  ranking: 'Ranking',
  neighbours: 'Neighbours',
  peer: 'Peer',
  wallet: 'Wallet',
  subnets: 'Subnets',
};

function TabBar({ view, width }: { view: ViewId; width: number }) {
  const theme = useTheme();
  return (
    <Box width={width}>
      <Text bold color={theme.color.accent}>
        {' tao '}
      </Text>
      {VIEWS.map((v, i) => (
        <Text key={v} inverse={v === view} bold={v === view}>
          {` ${i + 1} ${TAB_NAMES[v]} `}
        </Text>
      ))}
    </Box>
  );
}

export function App({ readonly, bindings, initialView }: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const source = useDataSource();
  const theme = useTheme();
  const { columns, rows } = useTerminalSize();
  const [ui, setUi] = useState<UiState>(() => initialUiState(initialView));
  const facts = useRef<ViewFacts>({ rows: 0, page: 1 });
  const actions = useMemo(() => registerActions(readonly), [readonly]);
  const connection = useSnapshot((s) => s.node.connection.kind);
  const ownHotkey = useSnapshot((s) => s.own.hotkeys[0]?.ss58 ?? null);
  const missing = useSnapshot((s) => s.missing);

  const perform = useCallback(
    (effect: Effect) => {
      if (effect.kind === 'quit') {
        exit();
        return;
      }
      if (effect.kind === 'view' && effect.netuid !== undefined) source.setNetuid(effect.netuid);
      // Straight to the terminal, not through Ink's frame: the sequence prints nothing.
      if (effect.kind === 'copy') stdout.write(osc52(effect.text));
      if (effect.kind === 'process') {
        const op =
          effect.op === 'start'
            ? source.startProcess
            : effect.op === 'stop'
              ? source.stopProcess
              : source.restartProcess;
        op.call(source, effect.name).then(
          () => setUi((s) => ({ ...s, message: `${effect.op} ${effect.name}: done` })),
          (error: Error) =>
            setUi((s) => ({ ...s, message: `${effect.op} ${effect.name} failed: ${error.message}` })),
        );
      }
      setUi((s) => applyEffect(s, effect, facts.current));
    },
    [exit, source, stdout],
  );

  const dispatch = useCallback(
    (intent: Intent) => {
      if (intent.type === 'run') perform(intent.effect);
      else if (intent.type === 'dialog' && missing?.signing)
        setUi((s) => ({ ...s, message: missing.signing ?? null, overlay: null }));
      else if (intent.type === 'dialog') setUi((s) => ({ ...s, dialog: intent.dialog, overlay: null }));
      else
        setUi((s) => ({
          ...s,
          confirm: { title: intent.title, detail: intent.detail, effect: intent.effect },
        }));
    },
    [perform, missing],
  );

  const context = (args: readonly string[] = []) => ({
    selectedProcess: facts.current.selectedProcess ?? null,
    selectedHotkey: ownHotkey,
    selectedNetuid: facts.current.selectedNetuid ?? null,
    selectedAddress: facts.current.selectedAddress ?? null,
    args,
  });

  const small = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const sink = useRef<KeyHandler | null>(null) as KeySink;
  // The handler is re-created each render (latest state) and called through a stable function, so a key
  // arriving before Ink's effects re-register handlers still sees the current state (see use-key-sink).
  const handler = useRef<KeyHandler>(() => undefined);
  handler.current = (input: string, key: Key) => {
    const name = keyName(input, key);
    if (small) {
      if (name === 'q' || name === 'ctrl+c') exit();
      return;
    }
    if (ui.dialog || ui.confirm) {
      if (name === 'ctrl+c') return exit();
      sink.current?.(input, key);
      return;
    }
    const overlay = ui.overlay;
    if (overlay && overlay.kind !== 'help') {
      if (name === 'ctrl+c') return exit();
      if (name === 'esc') {
        if (overlay.kind === 'filter') setUi((s) => typeInto(s, ''));
        return setUi((s) => ({ ...s, overlay: null }));
      }
      if (name === 'enter') {
        setUi((s) => ({ ...s, overlay: null }));
        if (overlay.kind === 'palette') {
          const parsed = parsePalette(overlay.text);
          dispatch(
            parsed
              ? intentFor(actions, parsed.id, context(parsed.args), readonly)
              : { type: 'run', effect: { kind: 'message', text: `unknown command: ${overlay.text}` } },
          );
        }
        return;
      }
      if (name === 'backspace') return setUi((s) => typeInto(s, overlay.text.slice(0, -1)));
      if (input && !key.ctrl && !key.meta && input >= ' ') setUi((s) => typeInto(s, overlay.text + input));
      return;
    }
    const id = matchAction(bindings, ui.view, name);
    if (!id) return;
    dispatch(intentFor(actions, id, context(), readonly));
  };
  const onInput = useCallback((input: string, key: Key) => handler.current(input, key), []);
  useInput(onInput);

  if (small) return <SmallScreen columns={columns} rows={rows} />;

  const width = columns;
  const height = rows - 1;
  const banner = connection === 'reconnecting' || connection === 'offline' ? 1 : 0;
  const content = height - 3 - banner;
  const list = isListView(ui.view) ? ui.lists[ui.view] : null;

  let main: React.ReactNode;
  if (ui.dialog) {
    main = (
      <TxDialog
        spec={ui.dialog}
        width={Math.min(width, 100)}
        bindings={bindings}
        onClose={() => setUi((s) => ({ ...s, dialog: null }))}
      />
    );
  } else if (ui.confirm) {
    const confirm = ui.confirm;
    main = (
      <ConfirmBox
        confirm={confirm}
        width={Math.min(width, 80)}
        onYes={() => {
          setUi((s) => ({ ...s, confirm: null }));
          perform(confirm.effect);
        }}
        onNo={() => setUi((s) => ({ ...s, confirm: null, message: 'cancelled' }))}
      />
    );
  } else if (ui.overlay?.kind === 'help') {
    main = <HelpOverlay bindings={bindings} width={width} height={content} />;
  } else if ((ui.view === 'neighbours' || ui.view === 'peer') && missing?.[ui.view]) {
    main = <Text color={theme.color.muted}>{fitText(theme.glyphs.text(missing[ui.view] ?? ''), width)}</Text>;
  } else if (ui.view === 'overview') {
    main = <OverviewView width={width} />;
  } else if (ui.view === 'ranking') {
    main = <RankingView width={width} height={content} list={ui.lists.ranking} />;
  } else if (ui.view === 'neighbours') {
    main = <NeighboursView width={width} height={content} list={ui.lists.neighbours} />;
  } else if (ui.view === 'peer') {
    main = <PeerView width={width} height={content} list={ui.lists.peer} log={ui.log} />;
  } else if (ui.view === 'subnets') {
    main = <SubnetsView width={width} height={content} list={ui.lists.subnets} />;
  } else {
    main = <WalletView width={width} bindings={bindings} />;
  }

  const hints = [
    ['help', 'help'],
    ['palette', 'command'],
    ...(list ? [['filter', 'filter'] as const, ['sort.next', 'sort'] as const] : []),
    ['quit', 'quit'],
  ]
    .map(([id, label]) => {
      const b = bindings.find((x) => x.id === id);
      return b ? `${displayKey(b.keys[0]!)} ${label}` : null;
    })
    .filter(Boolean)
    .join('  ');
  const bottom =
    ui.overlay?.kind === 'palette'
      ? `:${ui.overlay.text}_`
      : ui.overlay?.kind === 'filter'
        ? `/${ui.overlay.text}_  (enter keeps, esc clears)`
        : (ui.message ?? hints);

  return (
    <KeySinkContext.Provider value={sink}>
      <ViewFactsContext.Provider value={facts}>
        <Box flexDirection="column" width={width} height={height}>
          <TabBar view={ui.view} width={width} />
          <DisconnectedBanner width={width} />
          <Box flexDirection="column" height={content} overflowY="hidden">
            {main}
          </Box>
          <Text color={ui.message ? theme.color.warn : theme.color.muted}>
            {fitText(theme.glyphs.text(bottom), width)}
          </Text>
          <StatusLine width={width} readonly={readonly} />
        </Box>
      </ViewFactsContext.Provider>
    </KeySinkContext.Provider>
  );
}
