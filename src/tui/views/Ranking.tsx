/**
 * View 2, Ranking: the subnet's consensus ranking as a virtualised, sortable, filterable table with the
 * operator's own neurons highlighted.
 */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { useSnapshot } from '../data/hooks.js';
import type { Neuron } from '../data/types.js';
import { VirtualTable } from '../components/VirtualTable.js';
import { fitText } from '../format.js';
import {
  columnsFor,
  filterAndSort,
  hotkeyNames,
  neuronSearchText,
  RANKING_COLUMNS,
  withNames,
} from '../table-model.js';
import { useTheme } from '../theme/context.js';
import type { ListState } from '../ui-state.js';
import { useViewFacts } from './view-facts.js';

export function RankingView({ width, height, list }: { width: number; height: number; list: ListState }) {
  const theme = useTheme();
  const neurons = useSnapshot((s) => s.neurons);
  const own = useSnapshot((s) => s.own);
  const subnet = useSnapshot((s) => s.subnet);
  const names = useSnapshot((s) => s.names);
  const facts = useViewFacts();
  // Stake is the subnet's alpha on Subtensor, τ on tao's ledger: the header says which.

  const sort = useMemo(
    () => ({ column: list.sortColumn, desc: list.sortDesc }),
    [list.sortColumn, list.sortDesc],
  );
  const named = useMemo(() => withNames(neurons, hotkeyNames(names, own)), [neurons, names, own]);
  const hasNames = useMemo(() => columnsFor(RANKING_COLUMNS, named) === RANKING_COLUMNS, [named]);
  const columns = useMemo(() => {
    const base = hasNames ? RANKING_COLUMNS : columnsFor(RANKING_COLUMNS, []);
    return subnet?.stakeUnit === 'α'
      ? base.map((c) => (c.id === 'stake' ? { ...c, header: 'stake α' } : c))
      : base;
  }, [subnet?.stakeUnit, hasNames]);
  const rows = useMemo(
    () => filterAndSort(named, RANKING_COLUMNS, sort, list.filter, neuronSearchText),
    [named, sort, list.filter],
  );
  const isOwn = useMemo(() => {
    // A handful of own hotkeys: compared directly, which (unlike a Set lookup) does not hash every
    // neuron's freshly delivered hotkey string on each poll.
    const hot = own.hotkeys.map((h) => h.ss58);
    const cold = own.coldkey;
    return (n: Neuron) => (cold !== null && n.coldkey === cold) || hot.includes(n.hotkey);
  }, [own]);
  const tableHeight = height - 1;
  const cursor = Math.min(list.cursor, Math.max(0, rows.length - 1));
  // Positions of own rows, once per (rows, own): a cursor move then finds the next one without a scan.
  const ownPositions = useMemo(() => {
    const out: number[] = [];
    for (let i = 0; i < rows.length; i++) if (isOwn(rows[i]!)) out.push(i);
    return out;
  }, [rows, isOwn]);
  const nextOwn = ownPositions.find((i) => i > cursor) ?? ownPositions[0] ?? null;
  const selected = rows[cursor];
  facts.current = {
    rows: rows.length,
    page: tableHeight - 1,
    nextOwn,
    selectedAddress: selected ? { hotkey: selected.hotkey, coldkey: selected.coldkey } : null,
  };
  const col = columns[sort.column];
  const filter = list.filter ? `  /${list.filter}: ${rows.length}/${neurons.length}` : '';
  const position = rows.length > 0 ? `  row ${cursor + 1}/${rows.length}` : '';
  return (
    <Box flexDirection="column" width={width}>
      <Text>
        <Text bold color={theme.color.accent}>
          Ranking
        </Text>
        <Text color={theme.color.muted}>
          {fitText(
            theme.glyphs.text(
              `  subnet ${subnet?.netuid ?? '-'}  ${neurons.length} neurons  sort ${col?.header ?? ''} ${sort.desc ? 'desc' : 'asc'}${position}${filter}`,
            ),
            width - 7,
          )}
        </Text>
      </Text>
      <VirtualTable
        columns={columns}
        rows={rows}
        cursor={cursor}
        height={tableHeight}
        width={width}
        sort={sort}
        isOwn={isOwn}
        rowKey={(n) => n.uid}
        empty={neurons.length === 0 ? 'no neurons (yet)' : 'no neuron matches the filter'}
      />
    </Box>
  );
}
