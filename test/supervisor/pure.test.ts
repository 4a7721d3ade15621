import { describe, expect, it } from 'vitest';
import { nextHealth, unknownHealth } from '../../src/supervisor/health.js';
import { LineSplitter, LogRing } from '../../src/supervisor/log-lines.js';
import { parseProcStat, parseStatm } from '../../src/supervisor/proc-stats.js';
import { ndjsonReader } from '../../src/supervisor/protocol.js';
import { backoffDelay, decideAfterExit, freshMemory } from '../../src/supervisor/restart-policy.js';
import { SpecError, sameSpec, validateSpec } from '../../src/supervisor/spec.js';

const crash = (now: number, ranMs = 10) => ({ code: 1, signal: null, ranMs, now });

describe('restart policy', () => {
  it('doubles the delay from 1 s up to a 60 s ceiling by default', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((f) => backoffDelay(f, 1000, 60_000))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });

  it('schedules growing delays for consecutive quick crashes', () => {
    let memory = freshMemory();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      // spaced 100 s apart so the crash-loop window never fills
      const d = decideAfterExit(undefined, memory, crash(i * 100_000));
      expect(d.action).toBe('restart');
      if (d.action === 'restart') delays.push(d.delayMs);
      memory = d.memory;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
  });

  it('resets the backoff after a run that lasted the stable period', () => {
    let memory = freshMemory();
    for (let i = 0; i < 3; i++) memory = decideAfterExit(undefined, memory, crash(i * 100_000)).memory;
    const d = decideAfterExit(undefined, memory, crash(400_000, 30_000));
    expect(d).toMatchObject({ action: 'restart', delayMs: 1000 });
  });

  it('declares a crash loop at the fifth exit within 60 s', () => {
    let memory = freshMemory();
    const actions: string[] = [];
    for (let i = 0; i < 5; i++) {
      const d = decideAfterExit(undefined, memory, crash(1000 + i * 5000));
      actions.push(d.action);
      memory = d.memory;
    }
    expect(actions).toEqual(['restart', 'restart', 'restart', 'restart', 'crash-loop']);
  });

  it('forgets exits older than the window', () => {
    let memory = freshMemory();
    for (let i = 0; i < 4; i++) memory = decideAfterExit(undefined, memory, crash(i * 1000)).memory;
    expect(decideAfterExit(undefined, memory, crash(70_000)).action).toBe('restart');
  });

  it('leaves a clean exit alone under on-failure, restarts it under always, never restarts under never', () => {
    const clean = { code: 0, signal: null, ranMs: 5, now: 1 };
    expect(decideAfterExit(undefined, freshMemory(), clean).action).toBe('exit');
    expect(decideAfterExit({ policy: 'always' }, freshMemory(), clean).action).toBe('restart');
    expect(decideAfterExit({ policy: 'never' }, freshMemory(), crash(1)).action).toBe('exit');
    expect(
      decideAfterExit(undefined, freshMemory(), { code: null, signal: 'SIGSEGV', ranMs: 1, now: 1 }).action,
    ).toBe('restart');
  });
});

describe('log lines', () => {
  it('splits chunks into lines across chunk boundaries, strips CR, flushes a trailing partial line', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('one\r\ntw');
    s.push('o\n\nthr');
    expect(lines).toEqual(['one', 'two', '']);
    s.flush();
    expect(lines).toEqual(['one', 'two', '', 'thr']);
  });

  it('cuts over-long lines at the cap', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 4);
    s.push('abcdefghij');
    s.flush();
    expect(lines).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('keeps only the last N lines and tells subscribers about new ones', () => {
    const ring = new LogRing(3);
    const seen: string[] = [];
    const unsubscribe = ring.subscribe((l) => seen.push(l.text));
    for (const text of ['a', 'b', 'c', 'd']) ring.add({ ts: 1, stream: 'stdout', text });
    unsubscribe();
    ring.add({ ts: 2, stream: 'stdout', text: 'e' });
    expect(ring.tail(10).map((l) => l.text)).toEqual(['c', 'd', 'e']);
    expect(ring.tail(1).map((l) => l.text)).toEqual(['e']);
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('/proc parsing', () => {
  it('reads cpu ticks and start time even when the command name has spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    const text = `1234 (a (weird) name) ${fields.join(' ')}`;
    // field n holds the number n here
    expect(parseProcStat(text)).toEqual({ utimeTicks: 14, stimeTicks: 15, startTicks: 22 });
    expect(parseProcStat('garbage')).toBeNull();
  });

  it('reads sizes from statm', () => {
    expect(parseStatm('1000 250 10 1 0 300 0\n')).toEqual({ sizePages: 1000, residentPages: 250 });
    expect(parseStatm('')).toBeNull();
  });
});

describe('health status', () => {
  it('turns unhealthy only after the configured number of consecutive failures, healthy on one success', () => {
    let h = unknownHealth();
    h = nextHealth(h, 'ECONNREFUSED', 1, 2);
    expect(h).toMatchObject({
      status: 'unknown',
      consecutiveFailures: 1,
      lastError: 'ECONNREFUSED',
      lastCheckAt: 1,
    });
    h = nextHealth(h, 'HTTP 503', 2, 2);
    expect(h.status).toBe('unhealthy');
    h = nextHealth(h, null, 3, 2);
    expect(h).toEqual({ status: 'healthy', lastCheckAt: 3, lastError: null, consecutiveFailures: 0 });
  });
});

describe('health start period', () => {
  it('records failures during the start period without counting them', () => {
    const h = nextHealth(unknownHealth(), 'ECONNREFUSED', 5, 1, true);
    expect(h).toEqual({
      status: 'unknown',
      lastCheckAt: 5,
      lastError: 'ECONNREFUSED',
      consecutiveFailures: 0,
    });
  });
});

describe('spec validation', () => {
  const ok = { name: 'peer-1', kind: 'peer', command: 'node', args: ['x.js'] };

  it('accepts a minimal spec and compares specs regardless of key order', () => {
    expect(validateSpec(ok)).toEqual(ok);
    expect(
      sameSpec(validateSpec(ok), { command: 'node', args: ['x.js'], kind: 'peer', name: 'peer-1' }),
    ).toBe(true);
    expect(sameSpec(validateSpec(ok), { ...ok, args: ['y.js'] })).toBe(false);
  });

  it.each([
    [{ ...ok, name: '../etc' }, 'spec.name'],
    [{ ...ok, name: '' }, 'spec.name'],
    [{ ...ok, command: '' }, 'spec.command'],
    [{ ...ok, args: [1] }, 'spec.args'],
    [{ ...ok, env: { A: 1 } }, 'spec.env'],
    [{ ...ok, health: { url: 'ftp://x' } }, 'spec.health.url'],
    [{ ...ok, restart: { policy: 'sometimes' } }, 'spec.restart.policy'],
    [{ ...ok, restart: { initialDelayMs: -1 } }, 'initialDelayMs'],
    [{ ...ok, stopGraceMs: 'soon' }, 'stopGraceMs'],
    ['nope', 'object'],
  ])('rejects a bad spec (%j)', (spec, mention) => {
    expect(() => validateSpec(spec)).toThrow(SpecError);
    expect(() => validateSpec(spec)).toThrow(mention);
  });
});

describe('ndjson framing', () => {
  it('yields one message per line across chunks and reports bad lines without stopping', () => {
    const messages: unknown[] = [];
    const bad: string[] = [];
    const push = ndjsonReader(
      (m) => messages.push(m),
      (r) => bad.push(r),
    );
    push('{"id":1,"met');
    push('hod":"ping"}\nnot json\n{"id":2}\n');
    expect(messages).toEqual([{ id: 1, method: 'ping' }, { id: 2 }]);
    expect(bad).toEqual(['not JSON']);
  });

  it('refuses a message over the size limit', () => {
    const bad: string[] = [];
    const push = ndjsonReader(
      () => undefined,
      (r) => bad.push(r),
      10,
    );
    push('{"id":1,"method":"aaaaaaaaaaaa');
    expect(bad).toEqual(['message too long']);
  });
});
