/**
 * View 3, Neighbours: the local peer's pruning score of each neighbour (Δloss when removed, with its
 * standard error, EMA, gate, the weight it will set, latency and failures), and the weights tx schedule.
 * When the peer queries only a random k of its K neighbours per round, a line says that the scores are
 * semivalues over random coalitions, not pure leave-one-out (docs/pruning.md §3.2.6).
 */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { scoringMode } from '../../peer/scoring/subset.js';
import { VirtualTable } from '../components/VirtualTable.js';
import { useSnapshot } from '../data/hooks.js';
import type { PeerScoring, WeightsTx } from '../data/types.js';
import { fitText, shortAddress } from '../format.js';
import {
  columnsFor,
  filterAndSort,
  hotkeyNames,
  NEIGHBOUR_COLUMNS,
  neighbourSearchText,
  withNames,
} from '../table-model.js';
import { useTheme } from '../theme/context.js';
import type { ListState } from '../ui-state.js';
import { useViewFacts } from './view-facts.js';

/** The header's mode label. */
export function scoringModeLabel(scoring: PeerScoring | null): string {
  if (!scoring) return 'pruning score (Δloss when removed)';
  return scoring.mode === 'subset-semivalue'
    ? `pruning score (Δloss when removed), ${scoring.subsetSize} of ${scoring.of} sampled`
    : 'pruning score (Δloss when removed), leave-one-out';
}

/** The explanation line shown in subset mode (null in pure leave-one-out mode); shorter when narrow. */
export function scoringModeNote(
  scoring: PeerScoring | null,
  width = Number.POSITIVE_INFINITY,
): string | null {
  if (scoring?.mode !== 'subset-semivalue') return null;
  const { subsetSize: k, of: K } = scoring;
  const long = scoringMode(K, k).note; // the peer's own wording (src/peer/scoring/subset.ts)
  return [...long].length <= width
    ? long
    : `semivalues over random ${k}-of-${K} coalitions, not leave-one-out`;
}

/**
 * The weights schedule line. While a weights tx is pending the next due block is not known yet (it counts
 * from the block the tx lands in), so it says so instead of showing the previous, stale due block.
 */
export function weightsScheduleText(
  lastTx: WeightsTx | null,
  due: number | null,
  head: number | null,
): string {
  const txText = lastTx
    ? `last weights tx ${shortAddress(lastTx.txHash, 12)} ${lastTx.status}${lastTx.block !== null ? ` in #${lastTx.block}` : ''}${lastTx.error ? `: ${lastTx.error}` : ''}`
    : 'no weights tx yet';
  const dueText =
    lastTx?.status === 'pending'
      ? 'next: pending (after this tx lands)'
      : due === null
        ? 'next: unknown'
        : head !== null && due <= head
          ? `next due #${due} (now)`
          : `next due #${due}${head !== null ? ` (in ${due - head} blocks)` : ''}`;
  return `${txText}; ${dueText}`;
}

export function NeighboursView({ width, height, list }: { width: number; height: number; list: ListState }) {
  const theme = useTheme();
  const neighbours = useSnapshot((s) => s.neighbours);
  const lastTx = useSnapshot((s) => s.lastWeightsTx);
  const due = useSnapshot((s) => s.nextWeightsDue);
  const head = useSnapshot((s) => s.node.head);
  const ownPeer = useSnapshot((s) => s.ownPeer);
  const supervisor = useSnapshot((s) => s.supervisor.kind);
  const scoring = useSnapshot((s) => s.peerScoring ?? null);
  const names = useSnapshot((s) => s.names);
  const own = useSnapshot((s) => s.own);
  const facts = useViewFacts();
  const sort = useMemo(
    () => ({ column: list.sortColumn, desc: list.sortDesc }),
    [list.sortColumn, list.sortDesc],
  );
  const named = useMemo(() => withNames(neighbours, hotkeyNames(names, own)), [neighbours, names, own]);
  const rows = useMemo(
    () => filterAndSort(named, NEIGHBOUR_COLUMNS, sort, list.filter, neighbourSearchText),
    [named, sort, list.filter],
  );
  const modeNote = scoringModeNote(scoring, width);
  const tableHeight = height - 3 - (modeNote ? 1 : 0);
  const cursor = Math.min(list.cursor, Math.max(0, rows.length - 1));
  const selected = rows[cursor];
  facts.current = {
    rows: rows.length,
    page: tableHeight - 1,
    selectedAddress: selected?.hotkey ? { hotkey: selected.hotkey } : null,
  };
  return (
    <Box flexDirection="column" width={width}>
      <Text>
        <Text bold color={theme.color.accent}>
          Neighbours
        </Text>
        <Text color={theme.color.muted}>
          {fitText(
            theme.glyphs.text(`  ${scoringModeLabel(scoring)}  ${neighbours.length} neighbours`),
            Math.max(0, width - 'Neighbours'.length),
          )}
        </Text>
      </Text>
      <VirtualTable
        columns={columnsFor(NEIGHBOUR_COLUMNS, named)}
        rows={rows}
        cursor={cursor}
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
      {modeNote ? <Text color={theme.color.warn}>{fitText(theme.glyphs.text(modeNote), width)}</Text> : null}
      <Text color={theme.color.muted}>
        {fitText(theme.glyphs.text(weightsScheduleText(lastTx, due, head)), width)}
      </Text>
      <Text color={theme.color.muted}>
        duplicates split (and lose) credit; copying cannot be told from outputs
      </Text>
    </Box>
  );
}
