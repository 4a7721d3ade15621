/**
 * The RPC server's resource limits: their defaults, the `TAO_RPC_*` / `TAO_SSE_*` environment overrides (for
 * operators and tests), and the connection cap derived from this process's open-file limit, so that sockets
 * can never take the file descriptors LevelDB needs for its next write.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ServerLimits {
  /** Request headers must arrive within this (≤ requestTimeoutMs). */
  headersTimeoutMs: number;
  /** The whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** Open connections at most (the next are closed on accept). */
  maxConnections: number;
  /** `/events` subscribers at most (the next get 503). */
  sseMaxClients: number;
  /** Bytes an `/events` subscriber may have unsent (its socket's buffer and the queue); past it, dropped. */
  sseMaxBacklogBytes: number;
}

export const DEFAULT_LIMITS: Omit<ServerLimits, 'maxConnections'> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  sseMaxClients: 128,
  sseMaxBacklogBytes: 1024 * 1024,
};

/** Connections at most, however many descriptors the process may open. */
export const MAX_CONNECTIONS = 4096;

const ENV: Record<keyof ServerLimits, string> = {
  headersTimeoutMs: 'TAO_RPC_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'TAO_RPC_REQUEST_TIMEOUT_MS',
  maxConnections: 'TAO_RPC_MAX_CONNECTIONS',
  sseMaxClients: 'TAO_SSE_MAX_CLIENTS',
  sseMaxBacklogBytes: 'TAO_SSE_MAX_BACKLOG_BYTES',
};

/** The limits set in the environment; a value that is not a positive integer is ignored with a warning. */
export function limitsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Partial<ServerLimits> {
  const out: Partial<ServerLimits> = {};
  for (const [key, name] of Object.entries(ENV) as [keyof ServerLimits, string][]) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    if (/^[1-9]\d{0,9}$/.test(text.trim())) out[key] = Number(text.trim());
    else warn(`warning: ${name}=${text} is not a positive integer; using the default`);
  }
  return out;
}

/** The soft limit on open files (RLIMIT_NOFILE), or undefined when it cannot be read or is unlimited. */
export function openFileLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return m[1] === 'unlimited' ? undefined : Number(m[1]);
  } catch {}
  try {
    const text = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 }).trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Descriptors this process has open now (the store, worker threads, stdio), or undefined off Linux/BSD. */
export function openFiles(): number | undefined {
  for (const dir of ['/proc/self/fd', '/dev/fd'])
    try {
      return readdirSync(dir).length;
    } catch {}
  return undefined;
}

/**
 * How many connections fit under the open-file limit: the limit, less what is open now, less a reserve for
 * LevelDB (new log and table files, its table cache) and the node's own files — an eighth of the limit, at
 * least 32. At least 1; at most MAX_CONNECTIONS.
 */
export function connectionCap(limit = openFileLimit(), open = openFiles() ?? 64): number {
  if (limit === undefined) return MAX_CONNECTIONS;
  const reserve = Math.max(32, Math.floor(limit / 8));
  return Math.max(1, Math.min(MAX_CONNECTIONS, limit - open - reserve));
}

/** Every limit: `given`, else the defaults (the connection cap from the open-file limit). */
export function resolveLimits(given: Partial<ServerLimits> = {}): ServerLimits {
  const requestTimeoutMs = given.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs;
  return {
    requestTimeoutMs,
    headersTimeoutMs: Math.min(given.headersTimeoutMs ?? DEFAULT_LIMITS.headersTimeoutMs, requestTimeoutMs),
    maxConnections: given.maxConnections ?? connectionCap(),
    sseMaxClients: given.sseMaxClients ?? DEFAULT_LIMITS.sseMaxClients,
    sseMaxBacklogBytes: given.sseMaxBacklogBytes ?? DEFAULT_LIMITS.sseMaxBacklogBytes,
  };
}
