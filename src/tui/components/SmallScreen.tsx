/** Shown instead of the console when the terminal is below the minimum size. */
import { Box, Text } from 'ink';

export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;

export function SmallScreen({ columns, rows }: { columns: number; rows: number }) {
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold>
        tao console needs at least {MIN_COLUMNS}x{MIN_ROWS}
      </Text>
      <Text>
        this terminal is {columns}x{rows}; enlarge it (q quits)
      </Text>
    </Box>
  );
}
