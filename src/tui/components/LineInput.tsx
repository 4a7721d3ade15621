/** Display of a line being typed (the owner edits it with `editLine`); masked for passwords. */
import { Text } from 'ink';
import { useTheme } from '../theme/context.js';

export function LineInput({
  value,
  mask,
  placeholder,
}: {
  value: string;
  mask?: boolean;
  placeholder?: string;
}) {
  const theme = useTheme();
  const shown = mask ? '*'.repeat([...value].length) : value;
  return (
    <Text>
      {'> '}
      {shown === '' && placeholder ? (
        <Text color={theme.color.muted}>{placeholder}</Text>
      ) : (
        theme.glyphs.text(shown)
      )}
      <Text inverse> </Text>
    </Text>
  );
}
