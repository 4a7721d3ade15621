/**
 * The supervisor's vocabulary: a child spec (what to run and how to keep it running), its states, and the
 * status record the control socket reports. Shared by the daemon, the client and the CLI.
 */

/** How a crashed child is restarted and when the supervisor gives up. Every field has a default. */
export interface RestartSettings {
  /** 'on-failure' (default): restart unless it exited with code 0; 'always'; 'never'. */
  policy?: 'always' | 'on-failure' | 'never';
  /** First restart delay (default 1000 ms); doubles on each consecutive crash. */
  initialDelayMs?: number;
  /** Ceiling for the delay (default 60000 ms). */
  maxDelayMs?: number;
  /** A run at least this long resets the backoff to the initial delay (default 30000 ms). */
  stableAfterMs?: number;
  /** This many exits within `crashLoopWindowMs` → state `crash-looping`, no more restarts (default 5). */
  crashLoopExits?: number;
  /** Default 60000 ms. */
  crashLoopWindowMs?: number;
}

export interface HealthSettings {
  /** An HTTP URL; a 2xx answer within `timeoutMs` is healthy. */
  url: string;
  intervalMs?: number;
  timeoutMs?: number;
  /** Consecutive failed checks before the child counts as unhealthy (default 3). */
  unhealthyAfter?: number;
  /**
   * Start period: failed checks before the first success within this many ms of the start do not count
   * (a peer loading its model is not unhealthy yet). Default 30000 ms.
   */
  graceMs?: number;
  /** Restart a child that is unhealthy (default false: only report it). */
  restartWhenUnhealthy?: boolean;
}

export interface LogSettings {
  /** Rotate `$TAO_HOME/logs/<name>.log` when it would grow past this size (default 10 MiB). */
  maxFileBytes?: number;
  /** Rotated files kept besides the current one: `<name>.log.1` … (default 5). */
  keepFiles?: number;
  /** Lines kept in memory for `logs` and `follow` (default 1000). */
  ringLines?: number;
}

/** A named long-running child. `name` is unique per supervisor and becomes the log file name. */
export interface ChildSpec {
  name: string;
  kind: 'node' | 'peer' | (string & {});
  command: string;
  args?: string[];
  /** Added to the daemon's environment (never reported back over the socket). */
  env?: Record<string, string>;
  cwd?: string;
  health?: HealthSettings;
  restart?: RestartSettings;
  logs?: LogSettings;
  /** SIGTERM, then SIGKILL after this many ms (default 5000). */
  stopGraceMs?: number;
  /** Free-form data for other tools (ports, netuid, device…); reported as given. */
  meta?: Record<string, unknown>;
  /**
   * Named services this one process hosts (members.ts): each is listed by `status` as a child of its own
   * (state, restarts, health, logs) while the process is the host's.
   */
  members?: MemberSpec[];
}

/** One service inside a host child: its name (unique in the supervisor), kind, meta, health and logs. */
export interface MemberSpec {
  name: string;
  kind: string;
  meta?: Record<string, unknown>;
  health?: HealthSettings;
  logs?: LogSettings;
}

export type ChildState = 'starting' | 'running' | 'restarting' | 'stopped' | 'crash-looping' | 'exited';

export interface ExitRecord {
  code: number | null;
  signal: string | null;
  /** Epoch ms. */
  at: number;
  /** How long that run lasted. */
  ranMs: number;
  /** Human summary: "exited with code 1", "killed by SIGKILL after the 5000 ms grace", "failed to start: …". */
  reason: string;
  /** The last output lines before the exit. */
  tail: string[];
}

export interface HealthStatus {
  status: 'healthy' | 'unhealthy' | 'unknown';
  lastCheckAt: number | null;
  lastError: string | null;
  consecutiveFailures: number;
}

export interface ResourceUsage {
  /** Average CPU use since the previous sample (or since the process started), in percent of one core. */
  cpuPercent: number;
  cpuSeconds: number;
  rssBytes: number;
  vmsBytes: number;
}

export interface ChildStatus {
  name: string;
  kind: string;
  state: ChildState;
  /** True while a stop (SIGTERM → SIGKILL) is in progress. */
  stopping: boolean;
  pid: number | null;
  command: string;
  /** Secret-looking flags redacted. */
  args: string[];
  cwd: string | null;
  startedAt: number | null;
  uptimeMs: number | null;
  restarts: number;
  lastExit: ExitRecord | null;
  /** Delays (ms) of every automatic restart scheduled so far, oldest first (capped at the last 50). */
  backoffHistoryMs: number[];
  nextRestartAt: number | null;
  health: HealthStatus | null;
  usage: ResourceUsage | null;
  logFile: string;
  meta: Record<string, unknown>;
}

export interface LogLine {
  /** Epoch ms. */
  ts: number;
  stream: 'stdout' | 'stderr' | 'supervisor';
  text: string;
}

export interface DaemonInfo {
  pid: number;
  startedAt: number;
  version: string;
  home: string;
  socket: string;
}

export const DEFAULTS = {
  policy: 'on-failure',
  initialDelayMs: 1000,
  maxDelayMs: 60_000,
  stableAfterMs: 30_000,
  crashLoopExits: 5,
  crashLoopWindowMs: 60_000,
  stopGraceMs: 5000,
  healthIntervalMs: 10_000,
  healthTimeoutMs: 2000,
  unhealthyAfter: 3,
  healthGraceMs: 30_000,
  maxFileBytes: 10 * 1024 * 1024,
  keepFiles: 5,
  ringLines: 1000,
} as const;
