/**
 * The console's supervisor feed streaming a child's log from the real supervisor (the Supervisor and its
 * control server on a real Unix socket, driving real child processes): the backlog then pushed lines, a
 * bounded buffer, switching streams, and reconnecting without repeats when the supervisor goes away.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SupervisorClient } from '../../src/supervisor/client.js';
import { type ControlServer, createControlServer } from '../../src/supervisor/server.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { appendBounded, retryDelay } from '../../src/tui/data/log-follower.js';
import { SnapshotStore } from '../../src/tui/data/snapshot-store.js';
import { SupervisorFeed } from '../../src/tui/data/supervisor-feed.js';
import type { LogLine } from '../../src/tui/data/types.js';
import { nodeSpec, scriptDir, waitFor } from '../supervisor/fixtures.js';

let scripts: ReturnType<typeof scriptDir>;
let dir: string;
let socket: string;
let daemon: { sup: Supervisor; control: ControlServer } | null = null;
let feed: SupervisorFeed | null = null;
let store: SnapshotStore;

beforeAll(() => {
  scripts = scriptDir();
});
afterAll(() => scripts.cleanup());

/** A supervisor serving its control socket, as `tao daemon run` does. */
async function startDaemon(): Promise<Supervisor> {
  const sup = new Supervisor(join(dir, 'logs'));
  const info = { pid: process.pid, startedAt: Date.now(), version: 'test', home: dir, socket };
  const control = createControlServer(sup, info, () => undefined);
  await new Promise<void>((resolve, reject) => {
    control.server.once('error', reject);
    control.server.listen(socket, () => resolve());
  });
  daemon = { sup, control };
  return sup;
}

/** The supervisor going away: its socket closes and its children stop. */
async function stopDaemon(): Promise<void> {
  if (!daemon) return;
  const { sup, control } = daemon;
  daemon = null;
  await new Promise<void>((resolve) => {
    control.server.close(() => resolve());
    control.closeAll();
  });
  await sup.disposeAll();
}

function startFeed(logLines = 1000, logRetryMs = 100): SupervisorFeed {
  store = new SnapshotStore('http://127.0.0.1:1');
  feed = new SupervisorFeed(store, {
    connect: () => SupervisorClient.connect(socket, 1000),
    intervalMs: 200,
    logLines,
    logRetryMs,
  });
  feed.start();
  return feed;
}

const snap = () => store.getSnapshot();
const texts = () => snap().logs.map((l) => l.text);
const ticks = (lines: readonly LogLine[]) =>
  lines
    .map((l) => /^tick (\d+)$/.exec(l.text)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
const distinct = (lines: readonly LogLine[]) => new Set(lines.map((l) => `${l.ts} ${l.text}`)).size;

afterEach(async () => {
  feed?.close();
  feed = null;
  await stopDaemon();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const setup = async () => {
  dir = mkdtempSync(join(tmpdir(), 'tao-logstream-'));
  socket = join(dir, 'ctl.sock');
  return startDaemon();
};

describe('console log stream from the supervisor', () => {
  it("streams the selected child's backlog, then each new line as the child writes it", async () => {
    const sup = await setup();
    await sup.start(nodeSpec(scripts.dir, 'a', 'forever.mjs', ['50']));
    await waitFor('a few ticks', () => sup.logs('a', 100).some((l) => l.text === 'tick 3'));
    const f = startFeed();
    f.followLogs('a');
    await waitFor('the backlog', () => texts().some((t) => t.startsWith('ready pid')));
    expect(snap().logStream).toEqual({ kind: 'live', name: 'a' });
    const first = Math.max(...ticks(snap().logs));
    await waitFor('pushed lines', () => Math.max(...ticks(snap().logs)) >= first + 5);
    const lines = snap().logs;
    expect(lines.every((l) => l.source === 'a')).toBe(true);
    const n = ticks(lines);
    expect(n).toEqual(Array.from({ length: n.length }, (_, i) => i + 1)); // in order, none lost or repeated
    expect(lines[0]!.text).toMatch(/^started pid \d+: /); // the supervisor's own line is in the backlog
  });

  it('keeps only the last N lines of a chatty child', async () => {
    const sup = await setup();
    await sup.start(nodeSpec(scripts.dir, 'chatty', 'chatty.mjs', ['3000', '20']));
    const f = startFeed(200);
    f.followLogs('chatty');
    await waitFor('the last line', () => texts().at(-1)?.startsWith('2999 '), 30_000);
    const lines = snap().logs;
    expect(lines).toHaveLength(200);
    expect(lines.map((l) => Number(l.text.split(' ')[0]))).toEqual(
      Array.from({ length: 200 }, (_, i) => 2800 + i),
    );
  });

  it('switches to the other child when the selection changes, and stops with null', async () => {
    const sup = await setup();
    await sup.start(nodeSpec(scripts.dir, 'a', 'forever.mjs', ['50']));
    await sup.start(nodeSpec(scripts.dir, 'b', 'forever.mjs', ['50']));
    const f = startFeed();
    f.followLogs('a');
    await waitFor('a lines', () => ticks(snap().logs).length >= 2);
    f.followLogs('b');
    await waitFor('b live', () => snap().logStream?.kind === 'live' && snap().logs.length > 0);
    const bPid = sup.list().find((c) => c.name === 'b')!.pid;
    await waitFor('b ticks', () => ticks(snap().logs).length >= 3);
    expect(snap().logs.every((l) => l.source === 'b')).toBe(true);
    expect(texts()).toContain(`ready pid ${bPid}`);
    f.followLogs(null);
    await waitFor('off', () => snap().logStream?.kind === 'off');
    expect(snap().logs).toEqual([]);
    // A probe follows b on its own connection from now on. Once it has 3 pushed ticks, the supervisor has
    // written those lines to every follower it still has (the old stream too, had it been left open), the
    // first of them ~100 ms earlier; two status polls later (200 ms timers set after that) any 50 ms flush
    // of a line the old stream received has run.
    const probe = await SupervisorClient.connect(socket, 1000);
    const probed: LogLine[] = [];
    const following = await probe.follow('b', (l) => probed.push({ ...l, source: 'b' }));
    let polls = 0;
    let processes = snap().processes;
    const unsubscribe = store.subscribe(() => {
      if (snap().processes !== processes) polls++;
      processes = snap().processes;
    });
    try {
      await waitFor('3 ticks pushed to the probe', () => ticks(probed).length >= 3);
      const from = polls;
      await waitFor('two status polls', () => polls >= from + 2);
    } finally {
      unsubscribe();
      following.close();
      probe.close();
    }
    expect(snap().logs).toEqual([]); // the old stream pushes nothing more
  });

  it('shows the lost stream while the supervisor is gone, keeps its lines, and resumes when it is back', async () => {
    const sup = await setup();
    await sup.start(nodeSpec(scripts.dir, 'a', 'forever.mjs', ['50']));
    const f = startFeed();
    f.followLogs('a');
    await waitFor('some ticks', () => ticks(snap().logs).length >= 3);
    await stopDaemon();
    const lost = await waitFor('retrying', () => {
      const s = snap().logStream;
      return s?.kind === 'retrying' && s.attempt >= 2 ? s : null;
    });
    expect(lost).toMatchObject({ name: 'a' });
    expect(lost.retryAt).toBeGreaterThan(Date.now() - 5000);
    await waitFor('supervisor absent', () => snap().supervisor.kind === 'absent');
    const before = snap().logs;
    expect(ticks(before).length).toBeGreaterThanOrEqual(3); // what was shown stays on screen
    // A new supervisor starts the child again under the same name: the stream picks it up by itself.
    const again = await startDaemon();
    await again.start(nodeSpec(scripts.dir, 'a', 'forever.mjs', ['50']));
    const pid = again.list()[0]!.pid;
    await waitFor('live again', () => snap().logStream?.kind === 'live');
    await waitFor('the new child', () => texts().includes(`ready pid ${pid}`));
    const after = snap().logs;
    expect(after.slice(0, before.length)).toEqual(before); // the old lines stay, in front
    expect(distinct(after)).toBe(after.length);
  });

  it('resumes as soon as the status poll finds the supervisor back, not after the whole backoff', async () => {
    const sup = await setup();
    await sup.start(nodeSpec(scripts.dir, 'a', 'forever.mjs', ['50']));
    const f = startFeed(1000, 60_000);
    f.followLogs('a');
    await waitFor('some ticks', () => ticks(snap().logs).length >= 2);
    await stopDaemon();
    await waitFor('retrying', () => snap().logStream?.kind === 'retrying');
    await waitFor('supervisor absent', () => snap().supervisor.kind === 'absent');
    const again = await startDaemon();
    await again.start(nodeSpec(scripts.dir, 'a', 'forever.mjs', ['50']));
    const pid = again.list()[0]!.pid;
    await waitFor('the new child within seconds', () => texts().includes(`ready pid ${pid}`), 5000);
    expect(snap().logStream).toEqual({ kind: 'live', name: 'a' });
  });

  it('reconnects a dropped stream to the same supervisor without repeating or losing lines', async () => {
    const sup = await setup();
    await sup.start(nodeSpec(scripts.dir, 'a', 'forever.mjs', ['30']));
    const f = startFeed();
    f.followLogs('a');
    await waitFor('some ticks', () => ticks(snap().logs).length >= 3);
    daemon!.control.closeAll(); // every connection dropped; the supervisor keeps running
    await waitFor('retrying', () => snap().logStream?.kind === 'retrying');
    await waitFor('live again', () => snap().logStream?.kind === 'live');
    const at = Math.max(...ticks(snap().logs));
    await waitFor('more ticks', () => Math.max(...ticks(snap().logs)) >= at + 5);
    const n = ticks(snap().logs);
    expect(n).toEqual(Array.from({ length: n.length }, (_, i) => i + 1));
    expect(distinct(snap().logs)).toBe(snap().logs.length);
  });

  it('retries a follow of a child the supervisor does not have, with a doubling delay', async () => {
    await setup();
    const f = startFeed();
    f.followLogs('nope');
    const s = await waitFor('retry 3', () => {
      const st = snap().logStream;
      return st?.kind === 'retrying' && st.attempt >= 3 ? st : null;
    });
    expect(s.error).toContain("no child named 'nope'");
  });
});

describe('log buffer arithmetic', () => {
  const line = (n: number): LogLine => ({ ts: n, source: 's', text: String(n) });
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => line(a + i));
  it('appends and keeps only the last `capacity` lines, reusing the line objects', () => {
    const old = range(0, 5);
    expect(appendBounded(old, range(5, 7), 10).map((l) => l.ts)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const cut = appendBounded(old, range(5, 8), 4);
    expect(cut.map((l) => l.ts)).toEqual([4, 5, 6, 7]);
    expect(cut[0]).toBe(old[4]);
    expect(appendBounded(old, range(5, 20), 4).map((l) => l.ts)).toEqual([16, 17, 18, 19]);
  });
  it('doubles the reconnect delay up to the ceiling', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => retryDelay(a, 500, 10_000))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });
});
