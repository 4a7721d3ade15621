/**
 * View 3, Neighbours: the local peer's pruning score of each neighbour (Δloss when removed, with its
 * standard error, EMA, gate, the weight it will set, latency and failures), and the weights tx schedule.
 */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { VirtualTable } from '../components/VirtualTable.js';
import { useSnapshot } from '../data/hooks.js';
import { fitText, shortAddress } from '../format.js';
import { filterAndSort, NEIGHBOUR_COLUMNS, neighbourSearchText } from '../table-model.js';
import { useTheme } from '../theme/context.js';
import type { ListState } from '../ui-state.js';
import { useViewFacts } from './view-facts.js';

export function NeighboursView({ width, height, list }: { width: number; height: number; list: ListState }) {
  const theme = useTheme();
  const neighbours = useSnapshot((s) => s.neighbours);
  const lastTx = useSnapshot((s) => s.lastWeightsTx);
  const due = useSnapshot((s) => s.nextWeightsDue);
  const head = useSnapshot((s) => s.node.head);
  const ownPeer = useSnapshot((s) => s.ownPeer);
  const supervisor = useSnapshot((s) => s.supervisor.kind);
  const facts = useViewFacts();
  const sort = useMemo(
    () => ({ column: list.sortColumn, desc: list.sortDesc }),
    [list.sortColumn, list.sortDesc],
  );
  const rows = useMemo(
    () => filterAndSort(neighbours, NEIGHBOUR_COLUMNS, sort, list.filter, neighbourSearchText),
    [neighbours, sort, list.filter],
  );
  const tableHeight = height - 3;
  facts.current = { rows: rows.length, page: tableHeight - 1 };
  const txText = lastTx
    ? `last weights tx ${shortAddress(lastTx.txHash, 12)} ${lastTx.status}${lastTx.block !== null ? ` in #${lastTx.block}` : ''}${lastTx.error ? `: ${lastTx.error}` : ''}`
    : 'no weights tx yet';
  const dueText =
    due === null
      ? 'next: unknown'
      : `next due #${due}${head !== null ? ` (in ${Math.max(0, due - head)} blocks)` : ''}`;
  return (
    <Box flexDirection="column" width={width}>
      <Text>
        <Text bold color={theme.color.accent}>
          Neighbours
        </Text>
        <Text color={theme.color.muted}>
          {theme.glyphs.text(`  pruning score (Δloss when removed)  ${neighbours.length} neighbours`)}
        </Text>
      </Text>
      <VirtualTable
        columns={NEIGHBOUR_COLUMNS}
        rows={rows}
        cursor={Math.min(list.cursor, Math.max(0, rows.length - 1))}
        height={tableHeight}
        width={width}
        sort={sort}
        rowKey={(n) => n.uid}
        empty={
          neighbours.length > 0
            ? 'no neighbour matches the filter'
            : supervisor === 'absent'
              ? 'no supervisor is running, so no own peer to ask (tao up)'
              : ownPeer === null
                ? 'no own peer (flavour own or validator) among the supervised processes'
                : !ownPeer.reachable
                  ? `your peer ${ownPeer.name} does not answer at ${ownPeer.url}: ${ownPeer.error ?? ''}`
                  : 'no scores yet (the peer has not finished a round)'
        }
      />
      <Text color={theme.color.muted}>{fitText(theme.glyphs.text(`${txText}; ${dueText}`), width)}</Text>
      <Text color={theme.color.muted}>
        duplicates split (and lose) credit; copying cannot be told from outputs
      </Text>
    </Box>
  );
}
