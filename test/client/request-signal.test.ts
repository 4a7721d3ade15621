import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { requestSignal } from '../../src/client/transport.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('requestSignal (per-request timeout + caller signal, without AbortSignal.any)', () => {
  it('aborts with a TimeoutError after the timeout, as AbortSignal.timeout does', async () => {
    const { signal } = requestSignal(20);
    expect(signal.aborted).toBe(false);
    await wait(60);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it("follows the caller's signal with its reason, also when it is already aborted", () => {
    const outer = new AbortController();
    const { signal, done } = requestSignal(10_000, outer.signal);
    outer.abort(new Error('console closed'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('console closed');
    done();
    const late = requestSignal(10_000, outer.signal);
    expect(late.signal.aborted).toBe(true);
    late.done();
  });

  it("leaves nothing on a long-lived caller's signal once done, and its timer no longer fires", async () => {
    const outer = new AbortController();
    for (let i = 0; i < 100; i++) requestSignal(10_000, outer.signal).done();
    expect(getEventListeners(outer.signal, 'abort')).toHaveLength(0);
    const { signal, done } = requestSignal(20, outer.signal);
    expect(getEventListeners(outer.signal, 'abort')).toHaveLength(1);
    done();
    expect(getEventListeners(outer.signal, 'abort')).toHaveLength(0);
    await wait(60);
    expect(signal.aborted).toBe(false);
  });
});
