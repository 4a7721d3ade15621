/**
 * Crash recovery: the daemon keeps `run/children.json` listing its live children (pid, start time and
 * spec). A daemon that starts after one died adopts the processes still listed there, so the node and the
 * peers outlive a killed supervisor (an SSH drop) and come back under supervision. The start time guards
 * against a recycled pid. Secret environment values are never written: an adopted child that had some is
 * not restarted automatically (its spec lacks them), and says so.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { pidAlive } from './instance.js';
import { parseProcStat } from './proc-stats.js';
import { isSecretEnv } from './secrets.js';
import type { ChildSpec } from './types.js';

export interface Orphan {
  name: string;
  pid: number;
  startTicks: number | null;
  /** Epoch ms the process started (as its supervisor saw it). */
  startedAt?: number;
  /** Absent in a registry written by an older daemon: such an orphan can only be stopped. */
  spec?: ChildSpec;
  /** Names of the secret environment variables left out of `spec`. */
  withheldEnv?: string[];
}

/** A live child as the registry records it. */
export interface LiveChild {
  spec: ChildSpec;
  pid: number;
  startedAt: number;
}

export function startTicksOf(pid: number): number | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.startTicks ?? null;
  } catch {
    return null;
  }
}

/** The spec without its secret environment values, and the names of those left out. */
function withoutSecrets(spec: ChildSpec): { spec: ChildSpec; withheld: string[] } {
  const env = spec.env ?? {};
  const withheld = Object.keys(env).filter(isSecretEnv);
  if (withheld.length === 0) return { spec, withheld };
  const kept = Object.fromEntries(Object.entries(env).filter(([k]) => !isSecretEnv(k)));
  return { spec: { ...spec, env: kept }, withheld };
}

export function writeRegistry(file: string, live: LiveChild[]): void {
  const entries: Orphan[] = live.map((c) => {
    const { spec, withheld } = withoutSecrets(c.spec);
    return {
      name: spec.name,
      pid: c.pid,
      startTicks: startTicksOf(c.pid),
      startedAt: c.startedAt,
      spec,
      ...(withheld.length > 0 ? { withheldEnv: withheld } : {}),
    };
  });
  try {
    writeFileSync(`${file}.tmp`, `${JSON.stringify(entries)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  } catch {
    // best effort: losing the registry only loses crash recovery
  }
}

/** Whether the registered process still runs (same pid, same start time). */
export function orphanAlive(o: Pick<Orphan, 'pid' | 'startTicks'>): boolean {
  return (
    Number.isInteger(o.pid) &&
    o.pid > 1 &&
    pidAlive(o.pid) &&
    (o.startTicks === null || startTicksOf(o.pid) === o.startTicks)
  );
}

/** The registered children that still run (the registry stays in place). */
export function liveOrphans(file: string): Orphan[] {
  let entries: Orphan[];
  try {
    entries = JSON.parse(readFileSync(file, 'utf8')) as Orphan[];
  } catch {
    return [];
  }
  return Array.isArray(entries)
    ? entries.filter((e) => e && typeof e.name === 'string' && orphanAlive(e))
    : [];
}

/** The live orphans of a dead daemon; removes the registry (the new daemon writes its own). */
export function takeOrphans(file: string): Orphan[] {
  const orphans = liveOrphans(file);
  rmSync(file, { force: true });
  return orphans;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

/** Stops orphans that cannot be adopted (SIGTERM, SIGKILL after `graceMs`). */
export async function stopOrphans(orphans: Orphan[], graceMs = 3000): Promise<void> {
  for (const o of orphans) kill(o.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (orphans.some((o) => pidAlive(o.pid)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  for (const o of orphans) if (pidAlive(o.pid)) kill(o.pid, 'SIGKILL');
}
