/**
 * What to do when a child exits, as a pure function: restart after an exponential backoff, give up on a
 * crash loop, or leave it exited. No clocks or timers here; the caller passes `now`.
 */
import { DEFAULTS, type RestartSettings } from './types.js';

export interface RestartMemory {
  /** Consecutive quick crashes since the last stable run; sets the next delay. */
  failures: number;
  /** Epoch ms of recent exits, for crash-loop detection. */
  recentExits: number[];
}

export const freshMemory = (): RestartMemory => ({ failures: 0, recentExits: [] });

export type RestartDecision =
  | { action: 'restart'; delayMs: number; memory: RestartMemory }
  | { action: 'crash-loop'; memory: RestartMemory }
  | { action: 'exit'; memory: RestartMemory };

export interface ExitFacts {
  code: number | null;
  signal: string | null;
  /** How long the run lasted. */
  ranMs: number;
  now: number;
}

export function resolveRestart(settings: RestartSettings | undefined) {
  return {
    policy: settings?.policy ?? DEFAULTS.policy,
    initialDelayMs: settings?.initialDelayMs ?? DEFAULTS.initialDelayMs,
    maxDelayMs: settings?.maxDelayMs ?? DEFAULTS.maxDelayMs,
    stableAfterMs: settings?.stableAfterMs ?? DEFAULTS.stableAfterMs,
    crashLoopExits: settings?.crashLoopExits ?? DEFAULTS.crashLoopExits,
    crashLoopWindowMs: settings?.crashLoopWindowMs ?? DEFAULTS.crashLoopWindowMs,
  };
}

/** The delay before the restart that follows `failures` consecutive quick crashes (0 → initial). */
export function backoffDelay(failures: number, initialDelayMs: number, maxDelayMs: number): number {
  const delay = initialDelayMs * 2 ** Math.min(failures, 52);
  return Math.min(delay, maxDelayMs);
}

export function decideAfterExit(
  settings: RestartSettings | undefined,
  memory: RestartMemory,
  exit: ExitFacts,
): RestartDecision {
  const s = resolveRestart(settings);
  const recentExits = [...memory.recentExits, exit.now].filter((t) => exit.now - t < s.crashLoopWindowMs);
  const failures = exit.ranMs >= s.stableAfterMs ? 0 : memory.failures;
  const clean = exit.code === 0 && exit.signal === null;
  if (s.policy === 'never' || (s.policy === 'on-failure' && clean)) {
    return { action: 'exit', memory: { failures, recentExits } };
  }
  if (recentExits.length >= s.crashLoopExits) {
    return { action: 'crash-loop', memory: { failures, recentExits } };
  }
  const delayMs = backoffDelay(failures, s.initialDelayMs, s.maxDelayMs);
  return { action: 'restart', delayMs, memory: { failures: failures + 1, recentExits } };
}

/** "exited with code 1" / "killed by SIGKILL" — the one-line reason status shows. */
export function describeExit(code: number | null, signal: string | null): string {
  if (signal) return `killed by ${signal}`;
  return `exited with code ${code ?? 'unknown'}`;
}
