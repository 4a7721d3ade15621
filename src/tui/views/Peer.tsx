/**
 * View 4, Peer: the supervised processes (pid, uptime, restarts, exit reasons, CPU/memory, GPU) and the
 * selected process's log tail with follow, wrap and timestamp toggles. The table takes what its rows need
 * up to a bit over half the screen and scrolls beyond that ("n of m"); the log takes the rest and is
 * streamed from the supervisor for the selected process only.
 */
import { Box, Text } from 'ink';
import { useEffect, useMemo, useRef } from 'react';
import { VirtualTable } from '../components/VirtualTable.js';
import { useDataSource, useSnapshot } from '../data/hooks.js';
import type { LogLine, LogStreamState } from '../data/types.js';
import { fitText } from '../format.js';
import { filterAndSort, PROCESS_COLUMNS, processSearchText } from '../table-model.js';
import { useNow } from '../hooks/use-now.js';
import { useTheme } from '../theme/context.js';
import type { ListState, UiState } from '../ui-state.js';
import { useViewFacts } from './view-facts.js';

const clock = (ts: number) => new Date(ts).toISOString().slice(11, 19);

/** The log lines to show: the last `height` display lines, wrapped or cut to `width`. */
export function logWindow(
  lines: readonly LogLine[],
  opts: { width: number; height: number; wrap: boolean; timestamps: boolean; end: number },
): string[] {
  const out: string[] = [];
  for (let i = Math.min(opts.end, lines.length) - 1; i >= 0 && out.length < opts.height; i--) {
    const l = lines[i]!;
    const text = `${opts.timestamps ? `${clock(l.ts)} ` : ''}${l.text}`;
    if (!opts.wrap || text.length <= opts.width) {
      out.push(opts.wrap ? text : fitText(text, opts.width));
      continue;
    }
    const parts: string[] = [];
    for (let p = 0; p < text.length; p += opts.width) parts.push(text.slice(p, p + opts.width));
    for (let k = parts.length - 1; k >= 0 && out.length < opts.height; k--) out.push(parts[k]!);
  }
  return out.reverse();
}

/** Lines (header included) of the process table: its rows, but at most ~55% of `height`, at least 2. */
export function processTableHeight(rows: number, height: number): number {
  return Math.max(2, Math.min(Math.max(1, rows) + 1, Math.floor(height * 0.55)));
}

/** The log stream's state in a few words ("" when live or when the source does not stream). */
export function streamLabel(state: LogStreamState | undefined, now: number): string {
  if (!state) return '';
  switch (state.kind) {
    case 'live':
    case 'off':
      return '';
    case 'connecting':
      return ' · connecting';
    case 'retrying': {
      const s = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return ` · stream lost, retry ${s > 0 ? `in ${s}s` : 'now'} (#${state.attempt})`;
    }
  }
}

export function PeerView(props: { width: number; height: number; list: ListState; log: UiState['log'] }) {
  const { width, height, list, log } = props;
  const theme = useTheme();
  const processes = useSnapshot((s) => s.processes);
  const logs = useSnapshot((s) => s.logs);
  const logStream = useSnapshot((s) => s.logStream);
  const supervisor = useSnapshot((s) => s.supervisor);
  const source = useDataSource();
  const now = useNow(1000);
  const facts = useViewFacts();
  const sort = useMemo(
    () => ({ column: list.sortColumn, desc: list.sortDesc }),
    [list.sortColumn, list.sortDesc],
  );
  const rows = useMemo(
    () => filterAndSort(processes, PROCESS_COLUMNS, sort, list.filter, processSearchText),
    [processes, sort, list.filter],
  );
  const cursor = Math.min(list.cursor, Math.max(0, rows.length - 1));
  const selected = rows[cursor] ?? null;
  const tableHeight = processTableHeight(rows.length, height);
  facts.current = {
    rows: rows.length,
    page: tableHeight - 1,
    selectedProcess: selected?.name ?? null,
    selectedAddress: selected?.hotkey ? { hotkey: selected.hotkey } : null,
  };
  // Stream only the selected process's log; stop streaming when the view closes. With no row (the
  // supervisor went away, or a filter matches nothing) the stream stays on the last process: it
  // reconnects by itself, and its lines stay on screen meanwhile.
  const streamed = logStream && logStream.kind !== 'off' ? logStream.name : null;
  const selectedName = selected?.name ?? streamed;
  useEffect(() => {
    if (selectedName !== null) source.followLogs?.(selectedName);
  }, [source, selectedName]);
  useEffect(() => () => source.followLogs?.(null), [source]);
  const mine = useMemo(
    () => (selectedName !== null ? logs.filter((l) => l.source === selectedName) : logs),
    [logs, selectedName],
  );
  // With follow off the window stays at the line that was last when it was turned off (by identity:
  // the buffer drops old lines from the front); without that line it shows the oldest lines.
  const frozen = useRef<{ name: string | null; last: LogLine | null } | null>(null);
  if (log.follow || frozen.current?.name !== selectedName) frozen.current = null;
  if (!log.follow && frozen.current === null)
    frozen.current = { name: selectedName, last: mine.at(-1) ?? null };
  const logHeight = Math.max(1, height - tableHeight - 2);
  let end = mine.length;
  if (frozen.current) {
    const at = frozen.current.last ? mine.lastIndexOf(frozen.current.last) : -1;
    end = at >= 0 ? at + 1 : Math.min(mine.length, logHeight);
  }
  const shown = logWindow(mine, {
    width,
    height: logHeight,
    wrap: log.wrap,
    timestamps: log.timestamps,
    end,
  });
  const position = rows.length > 0 ? `  ${cursor + 1} of ${rows.length}` : '';
  const on = (b: boolean) => (b ? 'on' : 'off');
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold color={theme.color.accent}>
          Peer
        </Text>
        <Text color={theme.color.muted}>
          {supervisor.kind === 'absent'
            ? '  supervisor: not running'
            : `  ${processes.length} supervised processes${supervisor.kind === 'running' && supervisor.pid !== null ? ` (supervisor pid ${supervisor.pid})` : ''}`}
        </Text>
        {position ? (
          <Text color={rows.length > tableHeight - 1 ? theme.color.accent : theme.color.muted}>
            {position}
          </Text>
        ) : null}
      </Text>
      <VirtualTable
        columns={PROCESS_COLUMNS}
        rows={rows}
        cursor={cursor}
        height={tableHeight}
        width={width}
        sort={sort}
        rowKey={(p) => p.name}
        empty={
          supervisor.kind === 'absent'
            ? 'no supervisor running: start one with tao up or tao daemon start'
            : 'no supervised processes (start them with tao up or tao peer start)'
        }
      />
      <Text bold color={theme.color.header}>
        {theme.glyphs.text(
          fitText(
            `log ${selectedName ?? 'all'}${streamLabel(logStream, now)}  follow ${on(log.follow)} (f)  wrap ${on(log.wrap)} (w)  timestamps ${on(log.timestamps)} (t)`,
            width,
          ),
        )}
      </Text>
      {shown.length === 0 ? <Text color={theme.color.muted}>no log lines</Text> : null}
      {shown.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no identity beyond position
        <Text key={i}>{theme.glyphs.text(line)}</Text>
      ))}
    </Box>
  );
}
