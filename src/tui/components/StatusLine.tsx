/**
 * The bottom status line: node URL, connection state (connected / reconnecting in Ns / offline) and data
 * age; plus the banner shown above the views while the node cannot be reached.
 */
import { Box, Text } from 'ink';
import type { ConnectionState } from '../data/types.js';
import { useSnapshot } from '../data/hooks.js';
import { duration, fitText } from '../format.js';
import { useNow } from '../hooks/use-now.js';
import { useTheme } from '../theme/context.js';
import { styled } from '../theme/sgr.js';
import { FixedText } from './FixedText.js';

export function connectionText(c: ConnectionState, now: number): string {
  switch (c.kind) {
    case 'connecting':
      return 'connecting';
    case 'connected':
      return 'connected';
    case 'reconnecting':
      return `reconnecting in ${Math.max(0, Math.ceil((c.retryAt - now) / 1000))}s`;
    case 'offline':
      return 'offline';
  }
}

export function StatusLine({ width, readonly }: { width: number; readonly: boolean }) {
  const node = useSnapshot((s) => s.node);
  const now = useNow();
  const theme = useTheme();
  const c = node.connection;
  const stateColor =
    c.kind === 'connected' ? theme.color.ok : c.kind === 'offline' ? theme.color.error : theme.color.warn;
  const age = node.lastUpdate === null ? 'no data yet' : `updated ${duration(now - node.lastUpdate)} ago`;
  const head = node.head === null ? '' : `  #${node.head}`;
  const left = `${theme.glyphs.bullet} ${connectionText(c, now)}`;
  const rest = theme.glyphs.text(`  ${node.url}${head}  ${age}`);
  const badge = readonly ? ' RO ' : '';
  const restWidth = Math.max(0, width - left.length - badge.length);
  return (
    <Box width={width}>
      <Text color={stateColor} bold>
        {theme.glyphs.text(left)}
      </Text>
      {/* The head number and age change every block: FixedText keeps them out of Ink's measure cache. */}
      <FixedText width={restWidth} lines={[styled(fitText(rest, restWidth), { color: theme.color.muted })]} />
      {readonly ? (
        <Text color={theme.color.badge} inverse bold>
          {badge}
        </Text>
      ) : null}
    </Box>
  );
}

/** One line, only while disconnected: what is wrong and that the data shown is stale. */
export function DisconnectedBanner({ width }: { width: number }) {
  const c = useSnapshot((s) => s.node.connection);
  const now = useNow();
  const theme = useTheme();
  if (c.kind === 'connected' || c.kind === 'connecting') return null;
  const why = c.error ? `: ${c.error}` : '';
  const text = `node unreachable${why} - ${connectionText(c, now)}; data shown may be stale`;
  return (
    <Text color={theme.color.error} inverse bold>
      {fitText(` ${theme.glyphs.text(text)}`, width)}
    </Text>
  );
}
