/** A yes/no question for a "confirm" intent (stop or restart a process); defaults to No. */
import { Box, Text } from 'ink';
import { useKeySink } from '../hooks/use-key-sink.js';
import { useTheme } from '../theme/context.js';
import type { ConfirmState } from '../ui-state.js';

export function ConfirmBox(props: {
  confirm: ConfirmState;
  width: number;
  onYes: () => void;
  onNo: () => void;
}) {
  const theme = useTheme();
  useKeySink((input, key) => {
    if (input.toLowerCase() === 'y') props.onYes();
    else if (input.toLowerCase() === 'n' || key.return || key.escape) props.onNo();
  });
  return (
    <Box
      flexDirection="column"
      borderStyle={theme.glyphs.borderStyle}
      borderColor={theme.color.warn}
      paddingX={1}
      width={props.width}
    >
      <Text bold>{props.confirm.title}</Text>
      {props.confirm.detail.map((d) => (
        <Text key={d}>{d}</Text>
      ))}
      <Text>
        Proceed? <Text bold>y/N</Text>
      </Text>
    </Box>
  );
}
