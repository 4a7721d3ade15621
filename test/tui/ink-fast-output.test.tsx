import chalk from 'chalk';
import { cleanup } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createFrameCache,
  createStyledChars,
  type GetStyledChars,
  inkStyledChars,
  installFastOutput,
  type StyledChar,
  uninstallFastOutput,
} from '../../src/tui/ink-fast-output.js';
import { styled } from '../../src/tui/theme/sgr.js';
import {
  baseSnapshot,
  consoleTree,
  KEYS,
  makeNeurons,
  RecordingSource,
  renderAt,
  theme,
  tick,
} from './fixtures.js';

beforeAll(() => {
  chalk.level = 3;
});
afterEach(() => cleanup());
afterAll(() => uninstallFastOutput());

const LINES = [
  '',
  'plain ascii only',
  '   leading and trailing   ',
  styled('  12 5Abc…xyz  1.00  0.5000', { color: '#112233' }),
  styled('▶ selected row', { color: '#ffffff', backgroundColor: '#333333' }),
  styled('  own row', { color: 'ansi256(45)', bold: true }),
  styled('  inverse', { inverse: true }),
  '\x1b[1m\x1b[2mbold+dim\x1b[22m off\x1b[0m',
  '\x1b[31mred\x1b[39m\x1b[41mbg\x1b[49m\x1b[0m\x1b[m after reset',
  '\x1b[38;5;12;48;2;1;2;3;1mcompound\x1b[0m',
  'trailing code only\x1b[0m',
  '\x1b[1m',
  'stake τ header',
  '● bullet 中文 wide',
  styled('▲▼↑↓ ─│┌┐ «» ± é', { color: 'red' }),
  'e\u0301 combining',
  'soft\u00adhyphen',
  '\u200dzwj',
  '\x1b]8;;https://example.com\x07link\x1b]8;;\x07',
  '\x1b[2Knon-SGR escape',
  'tab\there',
];

describe('fast styled chars', () => {
  let ink: GetStyledChars;
  beforeAll(async () => {
    const reference = await inkStyledChars();
    if (!reference) throw new Error("Ink's Output internals are not where expected");
    ink = reference;
  });

  it("gives exactly Ink's cells for styled ASCII, non-ASCII and other escapes", () => {
    const fast = createStyledChars(ink);
    for (const line of LINES) expect(fast(line, ink), JSON.stringify(line)).toEqual(ink(line));
  });

  it('hands lines off the fast path (non-ASCII, non-SGR escapes) to the frame fallback', () => {
    const fast = createStyledChars(ink);
    const seen: string[] = [];
    const fallback = (line: string) => {
      seen.push(line);
      return ink(line);
    };
    for (const line of LINES) fast(line, fallback);
    expect(seen).toEqual([
      '● bullet 中文 wide',
      'e\u0301 combining',
      'soft\u00adhyphen',
      '\u200dzwj',
      '\x1b]8;;https://example.com\x07link\x1b]8;;\x07',
      '\x1b[2Knon-SGR escape',
      'tab\there',
    ]);
  });

  it('keeps lines of the last two frames only', () => {
    let computed = 0;
    const cache = createFrameCache((line, fallback) => {
      computed++;
      return fallback(line);
    });
    const none: GetStyledChars = () => [] as StyledChar[];
    let frame = cache.frame(none);
    frame('a');
    frame('a');
    expect(computed).toBe(1);
    frame = cache.frame(none);
    frame('a'); // from the previous frame
    frame = cache.frame(none);
    frame = cache.frame(none);
    frame('a'); // two frames without it: gone
    expect(computed).toBe(2);
  });
});

/** Every frame of a session across the views, with keys and data changes, at 120x40. */
async function session(): Promise<string[]> {
  // No data age in the status line: it would differ between the two sessions by the clock alone.
  const snapshot = baseSnapshot(makeNeurons(300, [3, 40]));
  const source = new RecordingSource({ ...snapshot, node: { ...snapshot.node!, lastUpdate: null } });
  const r = await renderAt(consoleTree(source, { view: 'ranking', theme: theme() }), 120, 40);
  const frames: string[] = [r.frame()];
  const step = async (f: () => unknown) => {
    await f();
    await tick();
    frames.push(r.frame());
  };
  await step(() => r.press('j', 'j', KEYS.pageDown, 'o'));
  await step(() => source.store.update({ neurons: makeNeurons(300, [5]) }));
  await step(() => r.press('s', '/'));
  await step(() => r.type('5a'));
  await step(() => r.press(KEYS.enter, 'G', KEYS.esc));
  for (const view of ['1', '3', '4', '5', '?', KEYS.esc, '2']) await step(() => r.press(view));
  await step(() => r.resize(80, 24));
  await step(() => source.store.update({ neurons: makeNeurons(12) }));
  r.unmount();
  return frames;
}

describe('the console with the fast output path', () => {
  it("writes the same frames as Ink's own output path", async () => {
    uninstallFastOutput();
    const stock = await session();
    cleanup();
    expect(await installFastOutput()).toBe(true);
    const fast = await session();
    expect(fast.length).toBe(stock.length);
    for (let i = 0; i < stock.length; i++) expect(fast[i], `frame ${i}`).toBe(stock[i]);
    expect(stock.some((f) => f.includes('\x1b[38;2;'))).toBe(true); // colours are part of what is compared
  });
});
