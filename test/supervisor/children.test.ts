/** The Supervisor in-process, driving real child processes (node scripts) — restarts, stops, logs, health. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RotatingFile } from '../../src/supervisor/rotating-file.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import type { LogLine } from '../../src/supervisor/types.js';
import { freePort, nodeSpec, pidAlive, scriptDir, waitFor } from './fixtures.js';

let scripts: ReturnType<typeof scriptDir>;
let logsDir: string;
let sup: Supervisor;

beforeAll(() => {
  scripts = scriptDir();
});
afterAll(() => scripts.cleanup());

const fresh = () => {
  logsDir = mkdtempSync(join(tmpdir(), 'tao-sup-logs-'));
  sup = new Supervisor(logsDir);
  return sup;
};
afterEach(async () => {
  await sup?.disposeAll();
  rmSync(logsDir, { recursive: true, force: true });
});

const child = (name: string) => sup.list().find((c) => c.name === name)!;

describe('restarts', () => {
  it('restarts a crashing child with doubling delays up to the ceiling', async () => {
    fresh();
    await sup.start(
      nodeSpec(scripts.dir, 'crasher', 'crash-now.mjs', [], {
        restart: { initialDelayMs: 40, maxDelayMs: 320, crashLoopExits: 100 },
      }),
    );
    const c = await waitFor(
      '6 scheduled restarts',
      () => child('crasher').backoffHistoryMs.length >= 6 && child('crasher'),
    );
    expect(c.backoffHistoryMs.slice(0, 6)).toEqual([40, 80, 160, 320, 320, 320]);
    expect(c.restarts).toBeGreaterThanOrEqual(5);
    expect(c.lastExit).toMatchObject({ code: 3, signal: null, reason: 'exited with code 3' });
    // The real gaps between starts follow the schedule (lower bounds only; a busy machine is slower).
    const starts = sup
      .logs('crasher', 1000)
      .filter((l) => l.stream === 'supervisor' && l.text.startsWith('started pid'))
      .map((l) => l.ts);
    expect(starts.length).toBeGreaterThanOrEqual(5);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(40);
    expect(gaps[2]).toBeGreaterThanOrEqual(160);
    expect(gaps[3]).toBeGreaterThanOrEqual(320);
  });

  it('keeps the delay at the initial value when each run lasted the stable period', async () => {
    fresh();
    await sup.start(
      nodeSpec(scripts.dir, 'steady', 'crash-after.mjs', ['250'], {
        restart: { initialDelayMs: 30, stableAfterMs: 150, crashLoopExits: 100 },
      }),
    );
    const c = await waitFor(
      '3 restarts',
      () => child('steady').backoffHistoryMs.length >= 3 && child('steady'),
    );
    expect(c.backoffHistoryMs.slice(0, 3)).toEqual([30, 30, 30]);
    expect(c.lastExit?.code).toBe(4);
  });

  it('stops restarting a crash loop and keeps the exit reason and the last output lines', async () => {
    fresh();
    await sup.start(
      nodeSpec(scripts.dir, 'looper', 'crash-now.mjs', [], {
        restart: { initialDelayMs: 20, crashLoopExits: 3, crashLoopWindowMs: 60_000 },
      }),
    );
    const c = await waitFor(
      'crash-looping',
      () => child('looper').state === 'crash-looping' && child('looper'),
    );
    expect(c.restarts).toBe(2);
    expect(c.pid).toBeNull();
    expect(c.nextRestartAt).toBeNull();
    expect(c.lastExit).toMatchObject({ code: 3, reason: 'exited with code 3' });
    expect(c.lastExit?.tail).toContain('boom: crashing on purpose');
    expect(
      sup
        .logs('looper', 5)
        .map((l) => l.text)
        .join('\n'),
    ).toContain('crash loop');
    // A witness with the same schedule but no crash-loop limit, started now: once its supervisor timers
    // have fired four times (20+40+80+160 ms), any restart the looper had scheduled (its next delay would
    // be 80 ms, timed from before the witness started) has fired too.
    await sup.start(
      nodeSpec(scripts.dir, 'witness', 'crash-now.mjs', [], {
        restart: { initialDelayMs: 20, crashLoopExits: 100 },
      }),
    );
    await waitFor('the witness restarted 4 times', () => child('witness').restarts >= 4);
    expect(child('looper')).toMatchObject({ state: 'crash-looping', restarts: 2 });
  });

  it('starts a crash-looping child again on an explicit restart', async () => {
    fresh();
    await sup.start(
      nodeSpec(scripts.dir, 'again', 'crash-now.mjs', [], {
        restart: { initialDelayMs: 10, crashLoopExits: 2 },
      }),
    );
    await waitFor('crash-looping', () => child('again').state === 'crash-looping');
    await sup.restart('again');
    expect(['starting', 'running', 'restarting']).toContain(child('again').state);
  });

  it('leaves a child that exited cleanly in state exited under the default on-failure policy', async () => {
    fresh();
    await sup.start(nodeSpec(scripts.dir, 'oneshot', 'clean-exit.mjs'));
    const c = await waitFor('exited', () => child('oneshot').state === 'exited' && child('oneshot'));
    expect(c.restarts).toBe(0);
    expect(c.lastExit).toMatchObject({ code: 0, reason: 'exited with code 0' });
  });

  it('reports a command that cannot be started', async () => {
    fresh();
    await sup.start({
      name: 'ghost',
      kind: 'test',
      command: '/nonexistent/binary',
      restart: { policy: 'never' },
    });
    const c = await waitFor('exited', () => child('ghost').state === 'exited' && child('ghost'));
    expect(c.lastExit?.reason).toMatch(/failed to start.*ENOENT|failed to start/);
  });
});

describe('stopping', () => {
  it('stops a child with SIGTERM when it obeys', async () => {
    fresh();
    await sup.start(nodeSpec(scripts.dir, 'polite', 'forever.mjs'));
    const pid = (await waitFor('running', () => child('polite').state === 'running' && child('polite'))).pid!;
    await waitFor('ready line', () => sup.logs('polite', 50).some((l) => l.text.startsWith('ready')));
    const s = await sup.stop('polite');
    expect(s.state).toBe('stopped');
    expect(s.lastExit?.signal).not.toBe('SIGKILL');
    expect(sup.logs('polite', 50).map((l) => l.text)).toContain('got SIGTERM');
    expect(pidAlive(pid)).toBe(false);
  });

  it('escalates to SIGKILL after the grace period for a child that ignores SIGTERM', async () => {
    fresh();
    await sup.start(nodeSpec(scripts.dir, 'stubborn', 'ignore-term.mjs', [], { stopGraceMs: 300 }));
    const pid = (await waitFor('running', () => child('stubborn').state === 'running' && child('stubborn')))
      .pid!;
    await waitFor('ready line', () => sup.logs('stubborn', 50).some((l) => l.text === 'ready'));
    const s = await sup.stop('stubborn');
    expect(s.state).toBe('stopped');
    expect(s.lastExit).toMatchObject({
      signal: 'SIGKILL',
      reason: 'killed by SIGKILL after the 300 ms grace',
    });
    expect(sup.logs('stubborn', 50).map((l) => l.text)).toContain('ignoring SIGTERM');
    expect(pidAlive(pid)).toBe(false);
  });

  it('cancels a pending restart when stopped', async () => {
    fresh();
    await sup.start(
      nodeSpec(scripts.dir, 'pending', 'crash-now.mjs', [], { restart: { initialDelayMs: 60_000 } }),
    );
    await waitFor('restarting', () => child('pending').state === 'restarting');
    await sup.stop('pending');
    expect(child('pending')).toMatchObject({ state: 'stopped', nextRestartAt: null });
  });
});

describe('start, remove', () => {
  it('is idempotent by name and refuses a different spec unless replacing', async () => {
    fresh();
    const spec = nodeSpec(scripts.dir, 'svc', 'forever.mjs');
    const first = await sup.start(spec);
    expect(first.started).toBe(true);
    const pid = (await waitFor('running', () => child('svc').pid)) as number;
    const again = await sup.start({ ...spec });
    expect(again.started).toBe(false);
    expect(child('svc').pid).toBe(pid);
    await expect(sup.start({ ...spec, args: [...(spec.args ?? []), '50'] })).rejects.toMatchObject({
      code: 'E_SPEC_CONFLICT',
    });
    const replaced = await sup.start({ ...spec, args: [...(spec.args ?? []), '50'] }, true);
    expect(replaced.started).toBe(true);
    await waitFor('new pid', () => child('svc').pid !== null && child('svc').pid !== pid);
    expect(pidAlive(pid)).toBe(false);
  });

  it('forgets a removed child and reports unknown names', async () => {
    fresh();
    await sup.start(nodeSpec(scripts.dir, 'gone', 'forever.mjs'));
    await sup.remove('gone');
    expect(sup.list()).toEqual([]);
    expect(() => sup.logs('gone', 1)).toThrow("no child named 'gone'");
    await expect(sup.stop('gone')).rejects.toMatchObject({ code: 'E_NO_CHILD' });
  });

  it('rejects an invalid spec', async () => {
    fresh();
    await expect(sup.start({ name: '../x', kind: 'peer', command: 'node' })).rejects.toMatchObject({
      code: 'E_BAD_SPEC',
    });
  });
});

describe('status and logs', () => {
  it('reports pid, uptime, cpu and memory of a running child, and never its env', async () => {
    fresh();
    await sup.start(
      nodeSpec(scripts.dir, 'stats', 'forever.mjs', [], {
        env: { SECRET_TOKEN: 's3cret' },
        meta: { port: 1 },
      }),
    );
    const c = await waitFor('running', () => child('stats').state === 'running' && child('stats'));
    expect(c.pid).toBeGreaterThan(0);
    expect(c.uptimeMs).toBeGreaterThanOrEqual(0);
    expect(c.meta).toEqual({ port: 1 });
    expect(JSON.stringify(c)).not.toContain('s3cret');
    if (existsSync('/proc/self/stat')) {
      expect(c.usage?.rssBytes).toBeGreaterThan(1024 * 1024);
      expect(c.usage?.cpuSeconds).toBeGreaterThanOrEqual(0);
    }
  });

  it('writes timestamped lines to the ring and to <name>.log, and follows new lines', async () => {
    fresh();
    await sup.start(nodeSpec(scripts.dir, 'talker', 'forever.mjs', ['20']));
    const seen: LogLine[] = [];
    await waitFor('ready', () => sup.logs('talker', 100).some((l) => l.text.startsWith('ready')));
    const unsubscribe = sup.follow('talker', 1, (l) => seen.push(l));
    await waitFor('followed ticks', () => seen.filter((l) => l.text.startsWith('tick')).length >= 3);
    unsubscribe();
    const tail = sup.logs('talker', 3);
    expect(tail).toHaveLength(3);
    expect(tail[0]).toMatchObject({ stream: 'stdout' });
    expect(tail[0]!.ts).toBeGreaterThan(Date.now() - 60_000);
    const file = readFileSync(join(logsDir, 'talker.log'), 'utf8');
    expect(file).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z \[supervisor\] started pid \d+/);
    expect(file).toMatch(/Z \[stdout\] tick 1\n/);
    expect(statSync(join(logsDir, 'talker.log')).mode & 0o777).toBe(0o600);
  });

  it('rotates a child log at the size limit and keeps N old files', async () => {
    fresh();
    await sup.start(
      nodeSpec(scripts.dir, 'flood', 'chatty.mjs', ['400', '100'], {
        logs: { maxFileBytes: 4096, keepFiles: 2, ringLines: 50 },
      }),
    );
    await waitFor('400 lines', () => sup.logs('flood', 1).some((l) => l.text.startsWith('399 ')));
    const base = join(logsDir, 'flood.log');
    expect(existsSync(`${base}.1`)).toBe(true);
    expect(existsSync(`${base}.2`)).toBe(true);
    expect(existsSync(`${base}.3`)).toBe(false);
    for (const f of [base, `${base}.1`, `${base}.2`]) expect(statSync(f).size).toBeLessThanOrEqual(4096);
    expect(readFileSync(base, 'utf8')).toContain('399 ');
    expect(sup.logs('flood', 1000)).toHaveLength(50);
  });
});

describe('rotating file', () => {
  it('shifts files down and drops the oldest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tao-rot-'));
    try {
      const f = new RotatingFile(join(dir, 'a.log'), 10, 2);
      for (const text of ['111111\n', '222222\n', '333333\n', '444444\n']) f.write(text);
      f.close();
      expect(readFileSync(join(dir, 'a.log'), 'utf8')).toBe('444444\n');
      expect(readFileSync(join(dir, 'a.log.1'), 'utf8')).toBe('333333\n');
      expect(readFileSync(join(dir, 'a.log.2'), 'utf8')).toBe('222222\n');
      expect(existsSync(join(dir, 'a.log.3'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('health checks', () => {
  it('reports healthy with the time of the last check', async () => {
    fresh();
    const port = await freePort();
    await sup.start(
      nodeSpec(scripts.dir, 'web', 'health.mjs', [String(port)], {
        health: { url: `http://127.0.0.1:${port}/health`, intervalMs: 50, timeoutMs: 1000 },
      }),
    );
    expect(child('web').health?.status).toBe('unknown');
    const c = await waitFor('healthy', () => child('web').health?.status === 'healthy' && child('web'));
    expect(c.health?.lastCheckAt).toBeGreaterThan(Date.now() - 60_000);
    expect(c.health?.consecutiveFailures).toBe(0);
  });

  it('marks a failing child unhealthy without restarting it by default', async () => {
    fresh();
    const port = await freePort();
    await sup.start(
      nodeSpec(scripts.dir, 'sick', 'health.mjs', [String(port), '503'], {
        health: { url: `http://127.0.0.1:${port}/health`, intervalMs: 40, unhealthyAfter: 2, graceMs: 0 },
      }),
    );
    const c = await waitFor('unhealthy on HTTP 503', () => {
      const h = child('sick').health;
      return h?.status === 'unhealthy' && h.lastError === 'HTTP 503' && child('sick');
    });
    expect(c.health?.lastError).toBe('HTTP 503');
    // Three more failed checks after it turned unhealthy (or a restart under way, which fails below at once): each
    // check was a chance to restart it, and none did.
    const failures = c.health!.consecutiveFailures;
    await waitFor('3 more failed checks', () => {
      const now = child('sick');
      return (
        now.restarts > 0 || now.state !== 'running' || (now.health?.consecutiveFailures ?? 0) >= failures + 3
      );
    });
    expect(child('sick')).toMatchObject({ state: 'running', restarts: 0, pid: c.pid });
  });

  it('restarts a child after N consecutive failed checks when configured', async () => {
    fresh();
    const port = await freePort();
    await sup.start(
      nodeSpec(scripts.dir, 'flaky', 'health.mjs', [String(port), '503'], {
        stopGraceMs: 1000,
        health: {
          url: `http://127.0.0.1:${port}/health`,
          intervalMs: 40,
          unhealthyAfter: 2,
          graceMs: 300,
          restartWhenUnhealthy: true,
        },
      }),
    );
    const first = (await waitFor('running', () => child('flaky').pid)) as number;
    await waitFor('a restart', () => child('flaky').restarts >= 1 && child('flaky').pid !== null);
    expect(child('flaky').pid).not.toBe(first);
    expect(
      sup
        .logs('flaky', 200)
        .some((l) => /^unhealthy after 2 failed checks \((HTTP 503|ECONNREFUSED)\)/.test(l.text)),
    ).toBe(true);
  });
});
