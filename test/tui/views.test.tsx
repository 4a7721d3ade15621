import chalk from 'chalk';
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  address,
  baseSnapshot,
  consoleTree,
  KEYS,
  makeNeurons,
  RecordingSource,
  renderAt,
  theme,
} from './fixtures.js';

// Ink colours through chalk, which turns itself off when stdout is not a terminal: force full colour
// so that the colour assertions below can fail.
beforeAll(() => {
  chalk.level = 3;
});
afterEach(() => cleanup());

/** The uid in the first column of each table row (rows start with the 2-char marker). */
function tableUids(frame: string): number[] {
  return frame
    .split('\n')
    .map((l) => /^(?:[ ▶●>*]) +(\d+) /.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
}

/**
 * The orders of makeNeurons(16) by hand, not through the view's own sort: rank = (uid * 2654435761) % 65536
 * is 0, 31153, 62306, 27923, 59076, 24693, 55846, 21463, 52616, 18233, 49386, 15003, 46156, 11773, 42926,
 * 8543 for uids 0..15; trust = (uid * 40503) % 65536 is 0, 40503, 15470, 55973, 30940, 5907, 46410, 21377,
 * 61880, 36847, 11814, 52317, 27284, 2251, 42754, 17721.
 */
const RANK_DESC = [2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15, 0];
const TRUST_DESC = [8, 3, 11, 6, 14, 1, 9, 4, 12, 7, 15, 2, 10, 5, 13, 0];

const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(ANSI, '');

describe('views render their data', () => {
  it('overview shows head, next epoch, balance, peer state and own ranking at 80x24', async () => {
    const r = await renderAt(consoleTree(new RecordingSource()), 80, 24);
    const f = plain(r.frame());
    expect(f).toContain('#1234');
    expect(f).toContain('17 blocks');
    expect(f).toContain('10.0000 τ');
    expect(f).toContain('crash-looping');
    expect(f).toMatch(/own (?:neurons|uids)\s+(?:uid )?3\b/);
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('ranking lists neurons with a sort indicator and the own neuron marked', async () => {
    const r = await renderAt(consoleTree(new RecordingSource(), { view: 'ranking' }), 80, 24);
    const f = plain(r.frame());
    expect(f).toContain('rank▼');
    expect(f).toMatch(/● +3 /);
    expect(tableUids(f)).toEqual(RANK_DESC);
    for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('ranking at 120x40 shows every one of 16 neurons', async () => {
    const r = await renderAt(consoleTree(new RecordingSource(), { view: 'ranking' }), 120, 40);
    expect(tableUids(plain(r.frame())).sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
  });

  it('neighbours shows scores, weights, the last weights tx and when the next is due', async () => {
    const r = await renderAt(consoleTree(new RecordingSource(), { view: 'neighbours' }), 80, 24);
    const f = plain(r.frame());
    expect(f).toContain('pruning score (Δloss when removed)');
    expect(f).toMatch(/11 .*0\.2480 .*0\.590/);
    expect(tableUids(f)).toEqual([11, 7, 9]);
    expect(f).toContain('included in #1200; next due #1300 (in 66 blocks)');
  });

  it('peer shows processes and the selected log, and t toggles timestamps', async () => {
    const r = await renderAt(consoleTree(new RecordingSource(), { view: 'peer' }), 120, 40);
    let f = plain(r.frame());
    expect(f).toMatch(/node +running +4242 +1h 02m/);
    expect(f).toContain('exit 1: model file missing');
    expect(f).toContain('imported block #1234');
    expect(f).not.toContain('12:00:01');
    await r.press('t');
    f = plain(r.frame());
    expect(f).toContain('12:00:01 imported block #1234');
    await r.press('j');
    expect(plain(r.frame())).toContain('12:00:02 error: model file missing');
  });

  it('wallet shows balances and stakes in ink-table tables', async () => {
    const r = await renderAt(consoleTree(new RecordingSource(), { view: 'wallet' }), 120, 40);
    const f = plain(r.frame());
    expect(f).toMatch(/│ *10\.000000000 *│ *5\.000000000 *│ *15\.000000000 *│/);
    expect(f).toContain('┌');
    expect(f).toMatch(/│ *default *│ *5\.000000000 *│/);
    expect(f).toContain('a add stake to a hotkey');
  });

  it('number keys and the palette switch views', async () => {
    const source = new RecordingSource();
    const r = await renderAt(consoleTree(source), 80, 24);
    await r.press('3');
    expect(plain(r.frame())).toContain('pruning score');
    await r.press(':');
    await r.type('metagraph 2');
    expect(plain(r.frame())).toContain(':metagraph 2_');
    await r.press(KEYS.enter);
    expect(plain(r.frame())).toContain('Ranking');
    expect(source.calls).toContainEqual({ op: 'setNetuid', netuid: 2 });
    await r.press(KEYS.esc);
    expect(plain(r.frame())).toContain('head block');
  });
});

describe('shell', () => {
  it('says it needs at least 80x24 below that, and redraws the console after a resize', async () => {
    const r = await renderAt(consoleTree(new RecordingSource()), 79, 24);
    expect(plain(r.frame())).toContain('needs at least 80x24');
    await r.resize(80, 23);
    expect(plain(r.frame())).toContain('this terminal is 80x23');
    await r.resize(80, 24);
    expect(plain(r.frame())).not.toContain('needs at least');
    expect(plain(r.frame())).toContain('head block');
  });

  it('the help overlay lists the keybinding table', async () => {
    const { DEFAULT_BINDINGS, displayKey } = await import('../../src/tui/keys.js');
    const r = await renderAt(consoleTree(new RecordingSource()), 120, 40);
    await r.press('?');
    const f = plain(r.frame());
    for (const b of DEFAULT_BINDINGS) {
      expect(f).toContain(b.description);
      expect(f).toContain(b.keys.map(displayKey).join(' '));
    }
    await r.press('?');
    expect(plain(r.frame())).not.toContain('Keys (esc or ? closes)');
  });

  it('the status line shows reconnecting and a banner while disconnected', async () => {
    const source = new RecordingSource();
    const r = await renderAt(consoleTree(source), 80, 24);
    const node = source.getSnapshot().node;
    source.store.update({
      node: {
        ...node,
        connection: { kind: 'reconnecting', retryAt: Date.now() + 4500, attempt: 2, error: 'ECONNREFUSED' },
      },
    });
    await r.press();
    const f = plain(r.frame());
    expect(f).toMatch(/reconnecting in [45]s/);
    expect(f).toContain('node unreachable: ECONNREFUSED');
    source.store.update({ node: { ...node, connection: { kind: 'offline', error: 'ECONNREFUSED' } } });
    await r.press();
    expect(plain(r.frame())).toContain('offline');
  });
});

describe('ranking list', () => {
  it('the filter narrows the ranking, and esc clears it', async () => {
    const r = await renderAt(consoleTree(new RecordingSource(), { view: 'ranking' }), 80, 24);
    await r.press('/');
    await r.type(address(5).slice(0, 12));
    let f = plain(r.frame());
    expect(f).toContain(': 1/16');
    expect(tableUids(f)).toEqual([5]);
    await r.press(KEYS.enter, KEYS.esc);
    f = plain(r.frame());
    expect(tableUids(f).length).toBeGreaterThan(10);
  });

  it('s sorts by the next column and S reverses the order', async () => {
    const r = await renderAt(consoleTree(new RecordingSource(), { view: 'ranking' }), 80, 24);
    await r.press('s');
    let f = plain(r.frame());
    expect(f).toContain('trust▼');
    expect(tableUids(f)).toEqual(TRUST_DESC);
    await r.press('S');
    f = plain(r.frame());
    expect(f).toContain('trust▲');
    expect(tableUids(f)).toEqual([...TRUST_DESC].reverse());
  });

  it('renders only the visible rows of 4,096 neurons and scrolls with G, g and PgDn', async () => {
    const neurons = makeNeurons(4096, [4000]);
    const source = new RecordingSource({ ...baseSnapshot(neurons) });
    const r = await renderAt(consoleTree(source, { view: 'ranking' }), 80, 24);
    await r.press('s', 's', 's', 's', 's', 's', 's', 's', 'S'); // cycle round to uid, ascending
    expect(plain(r.frame())).toContain('uid▲');
    let f = plain(r.frame());
    // 24 rows - status/hints/tabs/terminal line (4) - title - table header = 18 data rows
    expect(tableUids(f)).toEqual([...Array(18).keys()]);
    expect(f).toContain('row 1/4096');
    await r.press('G');
    f = plain(r.frame());
    expect(tableUids(f)).toEqual(Array.from({ length: 18 }, (_, i) => 4078 + i));
    await r.press('g', KEYS.pageDown);
    expect(tableUids(plain(r.frame()))).toContain(17);
    await r.press('o');
    f = plain(r.frame());
    expect(f).toMatch(/▶ +4000 /);
    expect(f).toContain('row 4001/4096');
  });
});

describe('themes', () => {
  it('the mono theme emits no colour codes, while the default theme does', async () => {
    const mono = await renderAt(
      consoleTree(new RecordingSource(), { view: 'ranking', theme: theme('mono') }),
      80,
      24,
    );
    const colour = /\x1b\[(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/;
    expect(mono.frame()).not.toMatch(colour);
    expect(mono.frame()).toContain('\x1b[7m'); // the cursor row is inverse instead
    cleanup();
    const coloured = await renderAt(consoleTree(new RecordingSource(), { view: 'ranking' }), 80, 24);
    expect(coloured.frame()).toMatch(colour);
  });

  it('uses ASCII glyphs and borders without a UTF-8 locale', async () => {
    const ascii = theme('default', { unicode: false });
    const r = await renderAt(consoleTree(new RecordingSource(), { view: 'wallet', theme: ascii }), 120, 40);
    const f = plain(r.frame());
    expect(f).toMatch(/^[\x20-\x7e\n]*$/);
    expect(f).toContain('+----');
    await r.press('2');
    expect(plain(r.frame())).toContain('rankv');
  });
});

describe('read-only console', () => {
  it('shows RO, lists no signing or stopping keys in help, and refuses :stake add', async () => {
    const source = new RecordingSource();
    const r = await renderAt(consoleTree(source, { readonly: true, view: 'wallet' }), 120, 40);
    let f = plain(r.frame());
    expect(f).toContain(' RO ');
    expect(f).toContain('read-only console: transfers and staking are disabled');
    await r.press('a', 't', 'r');
    expect(plain(r.frame())).not.toContain('Add stake');
    await r.press('?');
    f = plain(r.frame());
    expect(f).not.toContain('transfer TAO');
    expect(f).not.toContain('restart the selected process');
    expect(f).toContain('quit');
    await r.press(KEYS.esc, ':');
    await r.type('stake add');
    await r.press(KEYS.enter);
    expect(plain(r.frame())).toContain('read-only console: "add stake to a hotkey" is not available');
  });

  /** Restart, stop and start the selected process (node) by key and by palette, confirming each dialog. */
  async function controlEverything(readonly: boolean) {
    const source = new RecordingSource();
    const r = await renderAt(consoleTree(source, { readonly, view: 'peer' }), 120, 40);
    await r.press('R', 'y', 'x', 'y', 'u', ':');
    await r.type('stop node');
    await r.press(KEYS.enter, 'y');
    return { source, frame: plain(r.frame()) };
  }

  it('the same keys that restart, stop and start a process in a writable console do nothing read-only', async () => {
    // The writable run shows the key sequence really reaches the processes (so the read-only [] can fail).
    const writable = await controlEverything(false);
    expect(writable.source.calls).toEqual([
      { op: 'restart', name: 'node' },
      { op: 'stop', name: 'node' },
      { op: 'start', name: 'node' },
      { op: 'stop', name: 'node' },
    ]);
    cleanup();
    const ro = await controlEverything(true);
    expect(ro.source.calls).toEqual([]);
    expect(ro.frame).toContain('read-only console: "stop the selected process" is not available');
  });
});
