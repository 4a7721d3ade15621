/**
 * How supervisor records look in `--json` output (snake_case, per docs/cli.md) and as text tables; shared by
 * `tao daemon`, and by `tao node` / `tao peer` for their own status output.
 */
import type { ChildStatus, ExitRecord } from './types.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const exitJson = (e: ExitRecord | null) =>
  e === null
    ? null
    : { code: e.code, signal: e.signal, at: iso(e.at), ran_ms: e.ranMs, reason: e.reason, tail: e.tail };

/** One child for --json output. `meta` is passed through unchanged. */
export function childJson(c: ChildStatus) {
  return {
    name: c.name,
    kind: c.kind,
    state: c.state,
    stopping: c.stopping,
    pid: c.pid,
    command: c.command,
    args: c.args,
    cwd: c.cwd,
    started_at: iso(c.startedAt),
    uptime_ms: c.uptimeMs,
    restarts: c.restarts,
    last_exit: exitJson(c.lastExit),
    backoff_history_ms: c.backoffHistoryMs,
    next_restart_at: iso(c.nextRestartAt),
    health: c.health
      ? {
          status: c.health.status,
          last_check_at: iso(c.health.lastCheckAt),
          last_error: c.health.lastError,
          consecutive_failures: c.health.consecutiveFailures,
        }
      : null,
    cpu_percent: c.usage?.cpuPercent ?? null,
    cpu_seconds: c.usage?.cpuSeconds ?? null,
    rss_bytes: c.usage?.rssBytes ?? null,
    vms_bytes: c.usage?.vmsBytes ?? null,
    log_file: c.logFile,
    meta: c.meta,
  };
}

/** "3s", "4m12s", "2h05m", "3d4h". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '-';
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)}K`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)}M`;
  return `${(bytes / 1024 ** 3).toFixed(2)}G`;
}

/** The rows of a text table: name, kind, state, pid, uptime, restarts, health, cpu, mem, last exit. */
export function childRow(c: ChildStatus): string[] {
  return [
    c.name,
    c.kind,
    c.stopping ? `${c.state} (stopping)` : c.state,
    c.pid === null ? '-' : String(c.pid),
    formatDuration(c.uptimeMs),
    String(c.restarts),
    c.health?.status ?? '-',
    c.usage ? `${c.usage.cpuPercent.toFixed(1)}%` : '-',
    formatBytes(c.usage?.rssBytes),
    c.lastExit?.reason ?? '-',
  ];
}

export const CHILD_HEADERS = [
  'NAME',
  'KIND',
  'STATE',
  'PID',
  'UPTIME',
  'RESTARTS',
  'HEALTH',
  'CPU',
  'MEM',
  'LAST EXIT',
];
