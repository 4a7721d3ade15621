/**
 * View 4, Peer: the supervised processes (pid, uptime, restarts, exit reasons, CPU/memory, GPU) and the
 * selected process's log tail with follow, wrap and timestamp toggles.
 */
import { Box, Text } from 'ink';
import { useMemo, useRef } from 'react';
import { VirtualTable } from '../components/VirtualTable.js';
import { useSnapshot } from '../data/hooks.js';
import type { LogLine } from '../data/types.js';
import { fitText } from '../format.js';
import { filterAndSort, PROCESS_COLUMNS, processSearchText } from '../table-model.js';
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

export function PeerView(props: { width: number; height: number; list: ListState; log: UiState['log'] }) {
  const { width, height, list, log } = props;
  const theme = useTheme();
  const processes = useSnapshot((s) => s.processes);
  const logs = useSnapshot((s) => s.logs);
  const supervisor = useSnapshot((s) => s.supervisor);
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
  const tableHeight = Math.min(Math.max(2, rows.length + 1), Math.floor(height / 3));
  facts.current = { rows: rows.length, page: tableHeight - 1, selectedProcess: selected?.name ?? null };
  const mine = useMemo(
    () => (selected ? logs.filter((l) => l.source === selected.name) : logs),
    [logs, selected],
  );
  const frozen = useRef<number | null>(null);
  if (log.follow) frozen.current = null;
  else if (frozen.current === null) frozen.current = mine.length;
  const logHeight = Math.max(1, height - tableHeight - 3);
  const shown = logWindow(mine, {
    width,
    height: logHeight,
    wrap: log.wrap,
    timestamps: log.timestamps,
    end: frozen.current ?? mine.length,
  });
  const on = (b: boolean) => (b ? 'on' : 'off');
  return (
    <Box flexDirection="column" width={width}>
      <Text>
        <Text bold color={theme.color.accent}>
          Peer
        </Text>
        <Text color={theme.color.muted}>
          {supervisor.kind === 'absent'
            ? '  supervisor: not running'
            : `  ${processes.length} supervised processes${supervisor.kind === 'running' && supervisor.pid !== null ? ` (supervisor pid ${supervisor.pid})` : ''}`}
        </Text>
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
            ? 'no supervisor is running (the console does not start one): tao up, or tao daemon start'
            : 'no supervised processes (start them with tao up or tao peer start)'
        }
      />
      <Text bold color={theme.color.header}>
        {theme.glyphs.text(
          fitText(
            `log ${selected ? selected.name : 'all'}  follow ${on(log.follow)} (f)  wrap ${on(log.wrap)} (w)  timestamps ${on(log.timestamps)} (t)`,
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
