/**
 * View 6, Subnets: every subnet with its pool (price, τ and α in the pool), its share of the emission,
 * tempo, size and your alpha there, as a sortable, filterable table; enter opens the subnet's Ranking.
 * Where the chain has no pools, one line says so and those columns stay empty ("-"), never guessed.
 */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { VirtualTable } from '../components/VirtualTable.js';
import { useSnapshot } from '../data/hooks.js';
import { fitText } from '../format.js';
import { SUBNET_COLUMNS, type SubnetViewRow, subnetSearchText, subnetsModel } from '../subnets-model.js';
import { filterAndSort } from '../table-model.js';
import { useTheme } from '../theme/context.js';
import type { ListState } from '../ui-state.js';
import { useViewFacts } from './view-facts.js';

/** Subnets where you hold alpha are highlighted like own neurons. */
const holdsAlpha = (r: SubnetViewRow): boolean => (r.ownAlpha ?? 0n) > 0n;

export function SubnetsView({ width, height, list }: { width: number; height: number; list: ListState }) {
  const theme = useTheme();
  const subnets = useSnapshot((s) => s.subnets);
  const stakes = useSnapshot((s) => s.own.stakes);
  const facts = useViewFacts();
  const model = useMemo(() => subnetsModel(subnets, stakes), [subnets, stakes]);
  const sort = useMemo(
    () => ({ column: list.sortColumn, desc: list.sortDesc }),
    [list.sortColumn, list.sortDesc],
  );
  const rows = useMemo(
    () => filterAndSort(model.rows, SUBNET_COLUMNS, sort, list.filter, subnetSearchText),
    [model.rows, sort, list.filter],
  );
  const note = model.note ? 1 : 0;
  const tableHeight = height - 1 - note;
  const cursor = Math.min(list.cursor, Math.max(0, rows.length - 1));
  facts.current = {
    rows: rows.length,
    page: tableHeight - 1,
    selectedNetuid: rows[cursor]?.netuid ?? null,
  };
  const col = SUBNET_COLUMNS[sort.column];
  const filter = list.filter ? `  /${list.filter}: ${rows.length}/${model.rows.length}` : '';
  const summary = subnets
    ? `  ${model.rows.length} subnets  sort ${col?.header ?? ''} ${sort.desc ? 'desc' : 'asc'}${filter}`
    : '  loading…';
  return (
    <Box flexDirection="column" width={width}>
      <Text>
        <Text bold color={theme.color.accent}>
          Subnets
        </Text>
        <Text color={theme.color.muted}>{fitText(theme.glyphs.text(summary), width - 7)}</Text>
      </Text>
      {model.note ? (
        <Text color={theme.color.warn}>{fitText(theme.glyphs.text(model.note), width)}</Text>
      ) : null}
      <VirtualTable
        columns={SUBNET_COLUMNS}
        rows={rows}
        cursor={cursor}
        height={tableHeight}
        width={width}
        sort={sort}
        isOwn={holdsAlpha}
        rowKey={(r) => r.netuid}
        empty={
          subnets ? (model.rows.length === 0 ? 'no subnets' : 'no subnet matches the filter') : 'loading…'
        }
      />
    </Box>
  );
}
