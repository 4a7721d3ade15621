import chalk from 'chalk';
import { Box, Text } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FixedText, keepSgrOnly } from '../../src/tui/components/FixedText.js';
import { fitText } from '../../src/tui/format.js';
import { styled } from '../../src/tui/theme/sgr.js';

beforeAll(() => {
  chalk.level = 3;
});
afterEach(() => cleanup());

describe('FixedText (changing text kept out of Ink’s measure cache)', () => {
  it('writes the same frame as a <Text> of the same pre-styled lines', () => {
    const width = 30;
    const lines = [
      styled(fitText('  #1234  updated 0s ago', width), { color: '#808080' }),
      styled(fitText('▶ 5Hot…x 12.5 τ', width), { color: '#ffffff', backgroundColor: '#333333' }),
      fitText('plain', width),
    ];
    const frame = (node: React.ReactNode) => {
      const r = render(
        <Box flexDirection="column" width={40}>
          <Text>header</Text>
          {node}
          <Text>footer</Text>
        </Box>,
      );
      const f = r.lastFrame();
      r.unmount();
      return f;
    };
    const fixed = frame(<FixedText width={width} lines={lines} />);
    expect(fixed).toBe(frame(<Text>{lines.join('\n')}</Text>));
    expect(fixed).toContain('#1234');
  });

  it('keeps SGR colour codes and drops every other escape and control character, as Ink does', () => {
    expect(keepSgrOnly('\x1b[1;38;2;1;2;3mbold\x1b[0m')).toBe('\x1b[1;38;2;1;2;3mbold\x1b[0m');
    expect(keepSgrOnly('a\x1b[2Kb\x1b[10;5Hc')).toBe('abc'); // erase line, cursor move
    expect(keepSgrOnly('\x1b]8;;https://x.example\x07link\x1b]8;;\x07')).toBe('link'); // OSC 8 hyperlink
    expect(keepSgrOnly('bell\x07 tab\t cr\r del\x7f')).toBe('bell tab cr del');
    expect(keepSgrOnly('τ ● ▶ 中文')).toBe('τ ● ▶ 中文');
  });
});
