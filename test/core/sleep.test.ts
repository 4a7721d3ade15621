import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/core/sleep.js';

describe('sleep', () => {
  it('resolves true once the time has passed, leaving no listener on the signal', async () => {
    const ac = new AbortController();
    expect(await sleep(1, ac.signal)).toBe(true);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    expect(await sleep(0)).toBe(true);
  });

  it('resolves false when the signal aborts during the wait, and removes its listener', async () => {
    const ac = new AbortController();
    const waiting = sleep(3_600_000, ac.signal);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    ac.abort();
    expect(await waiting).toBe(false);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('resolves false at once on a signal that has already aborted (no hour-long wait)', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await sleep(3_600_000, ac.signal)).toBe(false);
  });
});
