import { describe, expect, it } from 'vitest';
import { emissionTrend, nextPollDelay } from '../../src/tui/data/chain-feed.js';
import { findOwnPeer, peerStatusPatch, processFromChild } from '../../src/tui/data/supervisor-feed.js';
import { colorParams, styled } from '../../src/tui/theme/sgr.js';
import type { ChildStatus } from '../../src/supervisor/types.js';

const child = (over: Partial<ChildStatus>): ChildStatus => ({
  name: 'x',
  kind: 'peer',
  state: 'running',
  stopping: false,
  pid: 10,
  command: 'node',
  args: [],
  cwd: null,
  startedAt: 0,
  uptimeMs: 5000,
  restarts: 2,
  lastExit: null,
  backoffHistoryMs: [],
  nextRestartAt: null,
  health: null,
  usage: { cpuPercent: 12.5, cpuSeconds: 1, rssBytes: 1024, vmsBytes: 2048 },
  logFile: '/tmp/x.log',
  meta: {},
  ...over,
});

describe('live data: polling schedule', () => {
  const o = { pollMs: 2000, slowPollMs: 15_000, maxBackoffMs: 30_000 };
  it('polls slowly while the event stream is open and faster while only polling', () => {
    expect(nextPollDelay(0, true, o)).toBe(15_000);
    expect(nextPollDelay(0, false, o)).toBe(2000);
  });
  it('backs off exponentially while the node is unreachable, up to the ceiling', () => {
    expect([1, 2, 3, 4, 5, 6].map((f) => nextPollDelay(f, false, o))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000,
    ]);
    expect(nextPollDelay(50, true, o)).toBe(30_000);
  });
  it('keeps the last 60 own-emission totals for the trend', () => {
    const n = { uid: 0, hotkey: 'H', coldkey: 'C', emission: 5n } as never;
    const prev = Array.from({ length: 60 }, () => 1n);
    const next = emissionTrend(prev, [n], [{ name: 'd', ss58: 'H' }], null);
    expect(next).toHaveLength(60);
    expect(next.at(-1)).toBe(5n);
  });
});

describe('live data: supervisor and own peer', () => {
  it('picks the own peer by flavour own, else validator, with its port from meta', () => {
    const children = [
      child({ name: 'node', kind: 'node', meta: { rpc_url: 'http://127.0.0.1:9944' } }),
      child({ name: 'peer-v', meta: { flavour: 'validator', port: 8101 } }),
      child({ name: 'peer-own', meta: { flavour: 'own', port: 8100 } }),
    ];
    expect(findOwnPeer(children)).toEqual({ name: 'peer-own', url: 'http://127.0.0.1:8100' });
    expect(findOwnPeer(children.slice(0, 2))).toEqual({ name: 'peer-v', url: 'http://127.0.0.1:8101' });
    expect(findOwnPeer([child({ meta: { flavour: 'good', port: 1 } })])).toBeNull();
  });
  it('maps a supervisor child into a process row (exit reason, cpu, memory, device)', () => {
    const p = processFromChild(
      child({
        state: 'crash-looping',
        lastExit: { code: 1, signal: null, at: 0, ranMs: 10, reason: 'exited with code 1', tail: [] },
      }),
      'cuda',
    );
    expect(p).toMatchObject({
      kind: 'peer',
      state: 'crash-looping',
      lastExit: 'exited with code 1',
      cpu: 12.5,
      memBytes: 1024,
      device: 'cuda',
      restarts: 2,
    });
  });
  it("maps the peer's /status (snake_case) into neighbour scores and the weights schedule", () => {
    const patch = peerStatusPatch({
      uid: 3,
      round: 9,
      device: { device: 'cpu', reason: 'no CUDA', gpus: [] },
      neighbours: [
        {
          uid: 7,
          hotkey: '5H',
          score: 0.5,
          se: 0.1,
          ema: 0.4,
          ema_se: 0,
          gate: 1,
          weight: 0.6,
          latency_ms: 12,
          failures: 1,
        },
      ],
      last_weights_tx: { tx_hash: '0xab', block: null, status: 'rejected', error: 'E_RATE_LIMIT' },
      next_weights_due: 40,
    });
    expect(patch.neighbours).toEqual([
      {
        uid: 7,
        hotkey: '5H',
        score: 0.5,
        se: 0.1,
        ema: 0.4,
        gate: 1,
        weight: 0.6,
        latencyMs: 12,
        failures: 1,
      },
    ]);
    expect(patch.lastWeightsTx).toEqual({
      txHash: '0xab',
      block: null,
      status: 'rejected',
      error: 'E_RATE_LIMIT',
    });
    expect(patch).toMatchObject({ nextWeightsDue: 40, uid: 3, round: 9, device: 'cpu' });
    expect(peerStatusPatch({}).neighbours).toEqual([]);
  });
});

describe('pre-styled rows', () => {
  it('encodes truecolor, 256-colour and named colours as SGR parameters', () => {
    expect(colorParams('#ff8000', false)).toBe('38;2;255;128;0');
    expect(colorParams('ansi256(33)', true)).toBe('48;5;33');
    expect(colorParams('redBright', false)).toBe('91');
    expect(colorParams('gray', false)).toBe('90');
    expect(colorParams(undefined, false)).toBeNull();
  });
  it('wraps text in one SGR sequence and a reset, and leaves unstyled text alone', () => {
    expect(styled('row', { color: 'green', bold: true })).toBe('\x1b[1;32mrow\x1b[0m');
    expect(styled('row', {})).toBe('row');
  });
});
