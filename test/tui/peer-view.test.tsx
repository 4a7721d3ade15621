/**
 * The Peer view with the 12 processes `tao up` starts: every process reachable at 80x24 and 120x40 (the
 * table sizes to its rows up to ~55% of the screen, then scrolls with an "n of m" indicator), the log
 * pane keeps the rest, the view asks the source to stream only the selected process's log, and the
 * stream's state (reconnecting) is shown.
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogLine, ProcessInfo } from '../../src/tui/data/types.js';
import { processTableHeight, streamLabel } from '../../src/tui/views/Peer.js';
import { baseSnapshot, consoleTree, RecordingSource, renderAt } from './fixtures.js';

afterEach(() => cleanup());

const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(ANSI, '');

/** The names `tao up` gives its children: the node, the own validator and ten neighbours. */
const NAMES = [
  'node',
  'peer:own',
  ...[
    'good-1',
    'good-2',
    'good-3',
    'noisy-1',
    'noisy-2',
    'copycat',
    'adversarial',
    'lazy',
    'random',
    'validator',
  ].map((n) => `peer:${n}`),
];

const proc = (name: string, i: number): ProcessInfo => ({
  name,
  kind: name === 'node' ? 'node' : 'peer',
  state: 'running',
  pid: 5000 + i,
  uptimeMs: 60_000 + i,
  restarts: 0,
  lastExit: null,
  cpu: 1.5,
  memBytes: 50 * 1024 * 1024,
  gpu: null,
  device: 'cpu',
});

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const logsOf = (names: readonly string[], per: number): LogLine[] =>
  names.flatMap((source) =>
    Array.from({ length: per }, (_, k) => ({ ts: T0 + k * 1000, source, text: `${source} line ${k}` })),
  );

/** Records what the view asks to stream (the live source streams only that process's log). */
class FollowingSource extends RecordingSource {
  readonly followed: (string | null)[] = [];
  followLogs(name: string | null) {
    this.followed.push(name);
  }
}

const twelve = () =>
  new FollowingSource({
    ...baseSnapshot(),
    processes: NAMES.map(proc),
    logs: logsOf(NAMES, 40),
    supervisor: { kind: 'running', pid: 4242 },
    logStream: { kind: 'live', name: 'node' },
  });

/** The process names in table rows, in screen order. */
const tableNames = (frame: string) =>
  frame
    .split('\n')
    .map((l) => /^[ ▶●>*] (node|peer:\S+)\s+running/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined);
/** The process the log pane shows (its header names it in full). */
const logged = (frame: string) => /^log (\S+)/m.exec(frame)?.[1];

const logLines = (frame: string, name: string) =>
  frame.split('\n').filter((l) => new RegExp(`^${name} line \\d+`).test(l));

describe('Peer view layout with 12 supervised processes', () => {
  it('at 120x40 shows all 12 processes and a log pane of the rest', async () => {
    const r = await renderAt(consoleTree(twelve(), { view: 'peer' }), 120, 40);
    const f = plain(r.frame());
    expect(tableNames(f)).toEqual([...NAMES].sort());
    expect(logged(f)).toBe('node');
    expect(f).toContain('1 of 12');
    expect(f).toMatch(/^ +name\S* .*\bpid\b/m); // wide enough for every column
    expect(logLines(f, 'node').length).toBeGreaterThanOrEqual(15);
    expect(f).toContain('node line 39'); // following: the newest line is shown
    expect(f.split('\n').length).toBeLessThanOrEqual(40);
  });

  it('at 80x24 scrolls the table with the cursor and says which of the 12 is selected', async () => {
    const r = await renderAt(consoleTree(twelve(), { view: 'peer' }), 80, 24);
    let f = plain(r.frame());
    const visible = tableNames(f);
    expect(visible.length).toBeGreaterThanOrEqual(8);
    expect(visible.length).toBeLessThan(12);
    // Names are whole at 80 columns (the pid column makes room): `peer:adversarial` is the longest.
    for (const name of visible) expect(NAMES).toContain(name);
    expect(f).toMatch(/^ +name\S* +state /m);
    expect(f).not.toMatch(/^ +name\S* .*\bpid\b/m);
    expect(f).toContain('1 of 12');
    expect(logLines(f, 'node').length).toBeGreaterThanOrEqual(5); // the log pane stays usable
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
    expect(f).not.toContain('needs at least');

    await r.press('G');
    f = plain(r.frame());
    const last = [...NAMES].sort().at(-1)!;
    expect(f).toContain('12 of 12');
    expect(/^▶ (\S+)/m.exec(f)?.[1]).toBe(last); // the cursor row is on screen, its name whole
    expect(logged(f)).toBe(last);
    expect(logLines(f, last).length).toBeGreaterThanOrEqual(5);

    // Every process can be reached one row at a time; the cursor row is always on screen.
    await r.press('g');
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      const frame = plain(r.frame());
      const name = logged(frame)!;
      seen.push(name);
      expect(/^▶ (\S+)/m.exec(frame)?.[1]).toBe(name);
      expect(frame).toContain(`${i + 1} of 12`);
      await r.press('j');
    }
    expect(seen).toEqual([...NAMES].sort());
  });

  it('keeps the table to its rows when few processes run, leaving the rest to the log', () => {
    expect(processTableHeight(2, 20)).toBe(3);
    expect(processTableHeight(0, 20)).toBe(2);
    expect(processTableHeight(12, 36)).toBe(13);
    expect(processTableHeight(12, 20)).toBe(11);
    expect(processTableHeight(12, 26)).toBe(13); // 100x30 (tao up's tmux size) shows all 12
  });
});

describe('Peer view and the log stream', () => {
  it('streams only the selected process, switches with the cursor and stops when the view closes', async () => {
    const source = twelve();
    const r = await renderAt(consoleTree(source, { view: 'peer' }), 100, 30);
    await vi.waitFor(() => expect(source.followed.at(-1)).toBe('node'));
    await r.press('j');
    await vi.waitFor(() => expect(source.followed.at(-1)).toBe('peer:adversarial'));
    expect(plain(r.frame())).toContain('peer:adversarial line 39');
    await r.press('1');
    await vi.waitFor(() => expect(source.followed.at(-1)).toBeNull());
    await r.press('4'); // the view remembers its cursor
    await vi.waitFor(() => expect(source.followed.at(-1)).toBe('peer:adversarial'));
  });

  it('shows that the stream was lost and when it retries, and keeps the lines it had', async () => {
    const source = twelve();
    const r = await renderAt(consoleTree(source, { view: 'peer' }), 80, 24);
    source.store.update({
      supervisor: { kind: 'absent', message: 'the supervisor daemon is not running' },
      processes: [],
      logStream: { kind: 'retrying', name: 'node', retryAt: Date.now() + 4000, attempt: 3, error: 'x' },
    });
    // The update is on screen (its header says so) before anything is asserted absent.
    await vi.waitFor(() => expect(plain(r.frame())).toContain('supervisor: not running'));
    const f = plain(r.frame());
    // No rows while the supervisor is gone: the log pane stays on the streamed process and its lines.
    expect(f).toMatch(/log node · stream lost, retry in [3-5]s \(#3\)/);
    expect(f).toContain('supervisor: not running');
    expect(f).toContain('node line 39');
    expect(f).not.toContain('peer:validator line');
    expect(source.followed).not.toContain(null); // still streaming, reconnecting by itself
  });

  it('labels each stream state in a few words', () => {
    expect(streamLabel(undefined, 0)).toBe('');
    expect(streamLabel({ kind: 'live', name: 'n' }, 0)).toBe('');
    expect(streamLabel({ kind: 'connecting', name: 'n' }, 0)).toBe(' · connecting');
    expect(streamLabel({ kind: 'retrying', name: 'n', retryAt: 2500, attempt: 2, error: 'e' }, 0)).toBe(
      ' · stream lost, retry in 3s (#2)',
    );
    expect(streamLabel({ kind: 'retrying', name: 'n', retryAt: 0, attempt: 2, error: 'e' }, 10)).toBe(
      ' · stream lost, retry now (#2)',
    );
  });

  it('with follow off, holds the window while new lines arrive and old ones are dropped', async () => {
    const source = twelve();
    const r = await renderAt(consoleTree(source, { view: 'peer' }), 100, 30);
    await r.press('f');
    expect(plain(r.frame())).toContain('follow off');
    // The buffer moves on: 10 lines dropped at the front, 10 new ones at the end (same objects kept).
    const before = source.getSnapshot().logs.filter((l) => l.source === 'node');
    const more = Array.from({ length: 10 }, (_, k) => ({
      ts: T0 + (40 + k) * 1000,
      source: 'node',
      text: `node line ${40 + k}`,
    }));
    // The same update moves the supervisor pid in the header: once that shows, the new lines were rendered.
    source.store.update({ logs: [...before.slice(10), ...more], supervisor: { kind: 'running', pid: 4343 } });
    await vi.waitFor(() => expect(plain(r.frame())).toContain('supervisor pid 4343'));
    let f = plain(r.frame());
    expect(f).toContain('node line 39');
    expect(f).not.toContain('node line 49');
    await r.press('f');
    f = plain(r.frame());
    expect(f).toContain('node line 49');
  });
});
