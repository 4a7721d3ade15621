/**
 * The one timer wait of the code base. Resolves `true` when `ms` have passed, `false` as soon as `signal`
 * aborts (at once when it already has); never rejects, and leaves no listener on the signal either way.
 * `unref` lets the process exit while it waits (a background poll).
 */
export function sleep(ms: number, signal?: AbortSignal, options: { unref?: boolean } = {}): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    if (options.unref) timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
