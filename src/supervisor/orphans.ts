/**
 * Crash recovery: the daemon keeps `run/children.json` listing its live children (pid and start time).
 * A daemon that starts after a crash stops the processes still listed there — they would otherwise run
 * unsupervised, holding their ports. The start time guards against a recycled pid.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { pidAlive } from './instance.js';
import { parseProcStat } from './proc-stats.js';
import type { ChildStatus } from './types.js';

interface Entry {
  name: string;
  pid: number;
  startTicks: number | null;
}

function startTicksOf(pid: number): number | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.startTicks ?? null;
  } catch {
    return null;
  }
}

export function writeRegistry(file: string, live: ChildStatus[]): void {
  const entries: Entry[] = live.map((c) => ({ name: c.name, pid: c.pid!, startTicks: startTicksOf(c.pid!) }));
  try {
    writeFileSync(`${file}.tmp`, `${JSON.stringify(entries)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  } catch {
    // best effort: losing the registry only loses crash recovery
  }
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

/**
 * Stops the children a crashed daemon left behind (SIGTERM, SIGKILL after `graceMs`); returns their
 * names and pids. Removes the registry.
 */
export async function reapOrphans(file: string, graceMs = 3000): Promise<{ name: string; pid: number }[]> {
  let entries: Entry[];
  try {
    entries = JSON.parse(readFileSync(file, 'utf8')) as Entry[];
  } catch {
    return [];
  }
  rmSync(file, { force: true });
  const orphans = entries.filter(
    (e) =>
      Number.isInteger(e.pid) &&
      e.pid > 1 &&
      pidAlive(e.pid) &&
      (e.startTicks === null || startTicksOf(e.pid) === e.startTicks),
  );
  for (const o of orphans) kill(o.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (orphans.some((o) => pidAlive(o.pid)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  for (const o of orphans) if (pidAlive(o.pid)) kill(o.pid, 'SIGKILL');
  return orphans.map((o) => ({ name: o.name, pid: o.pid }));
}
