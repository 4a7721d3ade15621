/**
 * CPU and memory of a child from Linux's /proc/<pid>/stat and /proc/<pid>/statm. Parsing is pure; the
 * reader returns null where /proc is missing (other systems) or the process is gone.
 */
import { readFileSync } from 'node:fs';
import type { ResourceUsage } from './types.js';

/** Clock ticks per second for /proc times; 100 on every mainstream Linux build. */
export const CLOCK_TICKS = 100;

export interface ProcStat {
  utimeTicks: number;
  stimeTicks: number;
  /** Ticks after boot at which the process started. */
  startTicks: number;
}

/** Parses /proc/<pid>/stat; the command name (field 2) may contain spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state); field n is fields[n - 3].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const start = Number(fields[19]);
  if (![utime, stime, start].every(Number.isFinite)) return null;
  return { utimeTicks: utime, stimeTicks: stime, startTicks: start };
}

/** Parses /proc/<pid>/statm: sizes in pages. */
export function parseStatm(text: string): { sizePages: number; residentPages: number } | null {
  const [size, resident] = text.trim().split(/\s+/).map(Number);
  if (size === undefined || resident === undefined || !Number.isFinite(size) || !Number.isFinite(resident)) {
    return null;
  }
  return { sizePages: size, residentPages: resident };
}

let cachedPageSize: number | null = null;

/** The page size, inferred from this process's own statm and rss (4096 when that is not possible). */
export function pageSize(): number {
  if (cachedPageSize !== null) return cachedPageSize;
  cachedPageSize = 4096;
  try {
    const statm = parseStatm(readFileSync('/proc/self/statm', 'utf8'));
    if (statm && statm.residentPages > 0) {
      const ratio = process.memoryUsage.rss() / statm.residentPages;
      const candidate = 2 ** Math.round(Math.log2(ratio));
      if (candidate >= 4096 && candidate <= 65536) cachedPageSize = candidate;
    }
  } catch {
    // not Linux: keep the default
  }
  return cachedPageSize;
}

export interface CpuSample {
  cpuTicks: number;
  /** Epoch ms of the sample. */
  at: number;
}

/**
 * Reads usage of `pid`; `previous` (the last sample for the same process) makes cpuPercent an average
 * over the interval between the two; without it, the average since the process started.
 */
export function readUsage(
  pid: number,
  previous: CpuSample | null,
  now = Date.now(),
): { usage: ResourceUsage; sample: CpuSample } | null {
  try {
    const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const statm = parseStatm(readFileSync(`/proc/${pid}/statm`, 'utf8'));
    if (!stat || !statm) return null;
    const cpuTicks = stat.utimeTicks + stat.stimeTicks;
    let elapsedSec: number;
    let deltaTicks: number;
    if (previous && now > previous.at) {
      elapsedSec = (now - previous.at) / 1000;
      deltaTicks = cpuTicks - previous.cpuTicks;
    } else {
      const uptimeSec = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
      elapsedSec = uptimeSec - stat.startTicks / CLOCK_TICKS;
      deltaTicks = cpuTicks;
    }
    const cpuPercent = elapsedSec > 0 ? Math.max(0, (deltaTicks / CLOCK_TICKS / elapsedSec) * 100) : 0;
    const page = pageSize();
    return {
      usage: {
        cpuPercent: Math.round(cpuPercent * 10) / 10,
        cpuSeconds: cpuTicks / CLOCK_TICKS,
        rssBytes: statm.residentPages * page,
        vmsBytes: statm.sizePages * page,
      },
      sample: { cpuTicks, at: now },
    };
  } catch {
    return null;
  }
}
