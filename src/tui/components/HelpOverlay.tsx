/** The `?` overlay: every registered binding, grouped by scope, generated from the keybinding table. */
import { Box, Text } from 'ink';
import { type Binding, displayKey, type Scope, scopeLabel } from '../keys.js';
import { fitText } from '../format.js';
import { useTheme } from '../theme/context.js';

const ORDER: Scope[] = ['global', 'list', 'ranking', 'subnets', 'peer', 'wallet', 'overview', 'neighbours'];

/** The help lines (also what the README key list is checked against). */
export function helpLines(
  bindings: readonly Binding[],
): { scope: Scope; keys: string; description: string }[] {
  const out: { scope: Scope; keys: string; description: string }[] = [];
  for (const scope of ORDER) {
    for (const b of bindings.filter((x) => x.scope === scope)) {
      out.push({ scope, keys: b.keys.map(displayKey).join(' '), description: b.description });
    }
  }
  return out;
}

export function HelpOverlay({
  bindings,
  width,
  height,
}: {
  bindings: readonly Binding[];
  width: number;
  height: number;
}) {
  const theme = useTheme();
  const lines = helpLines(bindings);
  const scopes = new Set(lines.map((l) => l.scope)).size;
  const rows = lines.length + scopes;
  const twoColumns = rows > height - 1;
  // The title gives its line to the keys when two full columns need it (80x24); the status line says ? help.
  const titled = !twoColumns || Math.ceil(rows / 2) <= height - 1;
  const colWidth = twoColumns ? Math.floor((width - 2) / 2) : width - 2;
  const rendered: React.ReactNode[] = [];
  let scope: Scope | null = null;
  for (const l of lines) {
    if (l.scope !== scope) {
      scope = l.scope;
      rendered.push(
        <Text key={`h-${scope}`} bold color={theme.color.accent}>
          {fitText(scopeLabel(scope), colWidth)}
        </Text>,
      );
    }
    rendered.push(
      <Text key={`${l.scope}-${l.keys}`}>
        <Text bold color={theme.color.header}>
          {fitText(` ${l.keys}`, 16)}
        </Text>
        {theme.glyphs.text(fitText(l.description, colWidth - 16))}
      </Text>,
    );
  }
  const half = Math.ceil(rendered.length / 2);
  return (
    <Box flexDirection="column" width={width}>
      {titled ? <Text bold>Keys (esc or ? closes)</Text> : null}
      {twoColumns ? (
        <Box>
          <Box flexDirection="column" width={colWidth + 1}>
            {rendered.slice(0, half)}
          </Box>
          <Box flexDirection="column" width={colWidth + 1}>
            {rendered.slice(half)}
          </Box>
        </Box>
      ) : (
        rendered
      )}
    </Box>
  );
}
