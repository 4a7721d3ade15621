/**
 * A virtualised table: a header with the sort indicator and only the rows that fit in `height` (one
 * pre-styled FixedText for the whole body), so 4,096 rows cost what 20 do. The window follows the cursor, moving as little as
 * possible; own rows are highlighted.
 */
import { Box, Text } from 'ink';
import { memo, useRef } from 'react';
import { fitText } from '../format.js';
import { type Column, layoutColumns, type SortState, windowStart } from '../table-model.js';
import { useTheme } from '../theme/context.js';
import { styled } from '../theme/sgr.js';
import { FixedText } from './FixedText.js';

export interface VirtualTableProps<T> {
  columns: readonly Column<T>[];
  rows: readonly T[];
  cursor: number;
  /** Lines available, header included. */
  height: number;
  width: number;
  sort: SortState;
  isOwn?: (row: T) => boolean;
  rowKey: (row: T) => string | number;
  empty?: string;
}

const MARK = 2;

function VirtualTableInner<T>(props: VirtualTableProps<T>) {
  const { columns, rows, cursor, height, width, sort, isOwn } = props;
  const theme = useTheme();
  const g = theme.glyphs;
  const startRef = useRef(0);
  const bodyHeight = Math.max(1, height - 1);
  const start = windowStart(cursor, bodyHeight, rows.length, startRef.current);
  startRef.current = start;
  const widths = layoutColumns(columns, width - MARK);
  const shown = columns.map((_, i) => i).filter((i) => widths[i]! > 0);
  const header = shown
    .map((i) => {
      const c = columns[i]!;
      const arrow = i === sort.column ? (sort.desc ? g.sortDesc : g.sortAsc) : '';
      return fitText(g.text(c.header) + arrow, widths[i]!, c.align);
    })
    .join(' ');
  const visible = rows.slice(start, start + bodyHeight);
  // The visible rows as ONE pre-styled string: Ink lays out, measures and clips one node, not one per row.
  const lines: string[] = [];
  for (let i = 0; i < visible.length; i++) {
    const row = visible[i]!;
    const selected = start + i === cursor;
    const own = isOwn?.(row) ?? false;
    const line = shown
      .map((ci) => fitText(g.text(columns[ci]!.text(row, widths[ci]!)), widths[ci]!, columns[ci]!.align))
      .join(' ');
    const mark = selected ? g.cursor : own ? g.bullet : ' ';
    const bg = selected ? theme.color.selectionBg : undefined;
    lines.push(
      styled(fitText(`${mark} ${line}`, width), {
        color: selected ? theme.color.selectionFg : own ? theme.color.own : theme.color.text,
        backgroundColor: bg,
        inverse: selected && bg === undefined,
        bold: own,
      }),
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.color.header}>
        {fitText(`  ${header}`, width)}
      </Text>
      {visible.length === 0 ? (
        <Text color={theme.color.muted}>{`  ${props.empty ?? 'no rows'}`}</Text>
      ) : (
        <FixedText width={width} lines={lines} />
      )}
    </Box>
  );
}

export const VirtualTable = memo(VirtualTableInner) as typeof VirtualTableInner;
