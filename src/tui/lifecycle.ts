/**
 * The console's lifecycle in one place: enter the alternate screen, register cleanups for SIGINT,
 * SIGTERM and SIGHUP (unmount Ink, close the data source, restore the terminal), and run each cleanup
 * once however the console ends. Closing the console never stops supervised processes.
 */

export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
export const LEAVE_ALT_SCREEN = '\x1b[?25h\x1b[?1049l';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SIGNAL_EXIT: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export interface Lifecycle {
  /** Registers a cleanup; cleanups run in reverse order of registration. */
  add(cleanup: () => void): void;
  /** Runs every cleanup once (idempotent) and removes the signal handlers. */
  dispose(): void;
}

export function createLifecycle(options: {
  stdout: NodeJS.WriteStream;
  /** Called after cleanups when a signal ended the console (default: process.exit with 128+n). */
  onSignal?: (signal: string, exitCode: number) => void;
  altScreen?: boolean;
}): Lifecycle {
  const cleanups: (() => void)[] = [];
  let disposed = false;
  const write = (text: string) => {
    try {
      if (options.stdout.writable) options.stdout.write(text);
    } catch {
      // A dropped SSH session leaves no terminal to restore.
    }
  };
  // Writes to a terminal that went away (SIGHUP) must not crash the cleanup.
  const swallow = () => undefined;
  options.stdout.on('error', swallow);
  if (options.altScreen) write(ENTER_ALT_SCREEN);
  const handlers = SIGNALS.map((signal) => {
    const handler = () => {
      dispose();
      (options.onSignal ?? ((_s, code) => process.exit(code)))(signal, SIGNAL_EXIT[signal]);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  function dispose() {
    if (disposed) return;
    disposed = true;
    for (const [signal, handler] of handlers) process.off(signal, handler);
    for (const cleanup of cleanups.reverse()) {
      try {
        cleanup();
      } catch {
        // Keep going: every cleanup gets its chance.
      }
    }
    if (options.altScreen) write(LEAVE_ALT_SCREEN);
    options.stdout.off('error', swallow);
  }
  return { add: (c) => cleanups.push(c), dispose };
}
