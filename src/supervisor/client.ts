/**
 * The typed client of the supervisor's control socket — what the node, peer and console code call.
 * `ensureSupervisor(home)` starts the daemon when none is running and waits until it answers.
 */
import { type Socket, connect } from 'node:net';
import { ExitCode, TaoError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';
import { pidAlive, readPid, runFiles } from './instance.js';
import { launchDaemon, supervisorLog } from './launch.js';
import { type LogEvent, type Response, encode, ndjsonReader } from './protocol.js';
import type { StartResult } from './supervisor.js';
import type { ChildSpec, ChildStatus, DaemonInfo, LogLine } from './types.js';

export type { StartResult } from './supervisor.js';

const USAGE_CODES = new Set([
  'E_NO_CHILD',
  'E_BAD_SPEC',
  'E_SPEC_CONFLICT',
  'E_BAD_REQUEST',
  'E_UNKNOWN_METHOD',
]);

export const supervisorUnreachable = (socket: string, detail?: string) =>
  new TaoError(
    'E_SUPERVISOR_UNREACHABLE',
    `the supervisor daemon is not running (no answer on ${socket}${detail ? `: ${detail}` : ''})`,
    ExitCode.unreachable,
    'start it with: tao daemon start',
  );

export interface SupervisorStatus {
  daemon: DaemonInfo;
  children: ChildStatus[];
}

export interface Following {
  /** Stops following (closes the dedicated connection). */
  close(): void;
  /** Resolves when the stream ends (close() or the daemon going away). */
  done: Promise<void>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

function openSocket(socketPath: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(supervisorUnreachable(socketPath, 'timed out'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(supervisorUnreachable(socketPath, error.code ?? error.message));
    });
  });
}

export class SupervisorClient {
  private nextId = 1;
  private readonly pending = new Map<number | string, Pending>();
  private readonly listeners = new Map<number | string, (line: LogLine) => void>();
  private closed = false;
  /** Resolves when the connection closes. */
  readonly closedPromise: Promise<void>;

  constructor(
    private readonly socket: Socket,
    readonly socketPath: string,
    private readonly timeoutMs = 15_000,
  ) {
    socket.setEncoding('utf8');
    socket.on(
      'data',
      ndjsonReader(
        (message) => this.receive(message as Response | LogEvent),
        () => undefined,
        64 * 1024 * 1024,
      ),
    );
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) => {
      socket.once('close', () => {
        this.closed = true;
        for (const [, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(supervisorUnreachable(socketPath, 'connection closed'));
        }
        this.pending.clear();
        resolve();
      });
    });
  }

  static async connect(socketPath: string, timeoutMs = 2000): Promise<SupervisorClient> {
    return new SupervisorClient(await openSocket(socketPath, timeoutMs), socketPath);
  }

  request<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = this.timeoutMs): Promise<T> {
    if (this.closed) return Promise.reject(supervisorUnreachable(this.socketPath, 'connection closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(supervisorUnreachable(this.socketPath, `no answer to '${method}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(encode({ id, method, params }));
    });
  }

  ping(): Promise<{ pong: true; pid: number; version: string; startedAt: number }> {
    return this.request('ping');
  }
  status(): Promise<SupervisorStatus> {
    return this.request('status');
  }
  /** Idempotent by name; `replace` restarts an active child whose spec changed. */
  start(spec: ChildSpec, options: { replace?: boolean } = {}): Promise<StartResult> {
    return this.request('start', { spec, replace: options.replace ?? false }, 60_000);
  }
  stop(name: string): Promise<ChildStatus> {
    return this.request('stop', { name }, 120_000);
  }
  restart(name: string): Promise<ChildStatus> {
    return this.request('restart', { name }, 120_000);
  }
  remove(name: string): Promise<ChildStatus> {
    return this.request('remove', { name }, 120_000);
  }
  async logs(name: string, lines = 100): Promise<LogLine[]> {
    return (await this.request<{ lines: LogLine[] }>('logs', { name, lines })).lines;
  }
  shutdown(options: { stopChildren?: boolean } = {}): Promise<{ stopping: true; stopChildren: boolean }> {
    return this.request('shutdown', { stopChildren: options.stopChildren ?? true });
  }

  /**
   * Streams a child's log lines (the last `lines` first) on a dedicated connection until close().
   * Rejects when there is no such child.
   */
  async follow(
    name: string,
    onLine: (line: LogLine) => void,
    options: { lines?: number } = {},
  ): Promise<Following> {
    const stream = await SupervisorClient.connect(this.socketPath);
    const id = stream.nextId++;
    stream.listeners.set(id, onLine);
    const ack = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(supervisorUnreachable(this.socketPath, 'no answer to follow')),
        this.timeoutMs,
      );
      stream.pending.set(id, { resolve, reject, timer });
    });
    stream.socket.write(encode({ id, method: 'follow', params: { name, lines: options.lines ?? 0 } }));
    try {
      await ack;
    } catch (error) {
      stream.close();
      throw error;
    }
    return { close: () => stream.close(), done: stream.closedPromise };
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private receive(message: Response | LogEvent): void {
    if ('event' in message) {
      this.listeners.get(message.id)?.(message.line);
      return;
    }
    if (message.id === null) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if ('error' in message) {
      const { code, message: text } = message.error;
      pending.reject(new TaoError(code, text, USAGE_CODES.has(code) ? ExitCode.usage : ExitCode.unexpected));
    } else pending.resolve(message.result);
  }
}

/** Connects to the running daemon of `home`; throws E_SUPERVISOR_UNREACHABLE (exit 4) if there is none. */
export function connectSupervisor(
  home: string,
  options: { timeoutMs?: number } = {},
): Promise<SupervisorClient> {
  return SupervisorClient.connect(runFiles(home).socket, options.timeoutMs);
}

/** The daemon's pid when one answers on the socket, else null. */
export async function runningSupervisorPid(home: string): Promise<number | null> {
  try {
    const client = await connectSupervisor(home);
    try {
      return (await client.ping()).pid;
    } finally {
      client.close();
    }
  } catch {
    return null;
  }
}

/**
 * A client of the daemon for `home`, starting the daemon first when none answers. Waits up to
 * `timeoutMs` for the socket; `started` says whether this call launched it.
 */
export async function ensureSupervisor(
  home: string,
  options: { timeoutMs?: number } = {},
): Promise<SupervisorClient & { started: boolean }> {
  const existing = await connectSupervisor(home).catch(() => null);
  if (existing) return Object.assign(existing, { started: false });
  const pid = launchDaemon(home);
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const client = await connectSupervisor(home);
      const answer = await client.ping();
      // Lost a simultaneous start: our daemon refuses and exits; wait for that so nothing lingers.
      const waitUntil = Date.now() + 5000;
      while (answer.pid !== pid && pidAlive(pid) && Date.now() < waitUntil) await sleep(50);
      return Object.assign(client, { started: answer.pid === pid });
    } catch (error) {
      lastError = error;
    }
    // Another daemon may have won a simultaneous start; keep trying while one is alive.
    const owner = readPid(runFiles(home).pidFile);
    if (!pidAlive(pid) && (owner === null || !pidAlive(owner))) {
      throw new TaoError(
        'E_DAEMON_START',
        `the supervisor daemon exited during startup; see ${supervisorLog(home)}`,
        ExitCode.unexpected,
      );
    }
    await sleep(50);
  }
  throw lastError instanceof TaoError
    ? lastError
    : supervisorUnreachable(runFiles(home).socket, 'startup timed out');
}

/**
 * Asks the daemon to shut down and waits until its process is gone. `stopped: false` when none ran.
 */
export async function stopSupervisor(
  home: string,
  options: { stopChildren?: boolean; timeoutMs?: number } = {},
): Promise<{ stopped: boolean; pid: number | null }> {
  const client = await connectSupervisor(home).catch(() => null);
  if (!client) return { stopped: false, pid: null };
  let pid: number;
  try {
    pid = (await client.ping()).pid;
    await client.shutdown({ stopChildren: options.stopChildren ?? true });
  } finally {
    client.close();
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (pidAlive(pid)) {
    if (Date.now() > deadline) {
      throw new TaoError(
        'E_DAEMON_STOP',
        `the supervisor (pid ${pid}) is still running`,
        ExitCode.unexpected,
      );
    }
    await sleep(50);
  }
  return { stopped: true, pid };
}
