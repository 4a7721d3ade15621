/**
 * One supervised child process (spawned with execa in its own process group): its state machine, restart
 * with backoff, crash-loop detection, graceful stop (SIGTERM → SIGKILL), output to a rotated file and an
 * in-memory ring, health checks and /proc usage. A process left by a supervisor that died can be adopted:
 * it is watched by pid (its exit status and output are out of reach) until it exits and is restarted.
 */
import { execa, type ResultPromise } from 'execa';
import { redactArgv } from '../core/redact.js';
import { HealthMonitor, unknownHealth } from './health.js';
import { LineSplitter, type LogRing, formatLogLine, openChildLog } from './log-lines.js';
import { HostedMembers, type MemberReport, type MemberRequest } from './members.js';
import { type CpuSample, readUsage } from './proc-stats.js';
import { decideAfterExit, describeExit, freshMemory, type RestartMemory } from './restart-policy.js';
import type { RotatingFile } from './rotating-file.js';
import { childSecrets, scrub } from './secrets.js';
import {
  type ChildSpec,
  type ChildState,
  type ChildStatus,
  DEFAULTS,
  type ExitRecord,
  type LogLine,
} from './types.js';

const TAIL_ON_EXIT = 20;
const BACKOFF_HISTORY = 50;
/** After 'exit', how long to wait for the stdio pipes to close before handling the exit anyway. */
const CLOSE_WAIT_MS = 500;
/** How often an adopted process (not our child: no exit event) is checked for life. */
const ADOPTED_POLL_MS = 200;

interface Run {
  /** Null for an adopted process. */
  proc: ResultPromise | null;
  pid: number | null;
  startedAt: number;
  handled: boolean;
  splitters: LineSplitter[];
  watch: NodeJS.Timeout | null;
}

export interface Adoption {
  pid: number;
  startedAt: number;
  /** Whether the process is still the one adopted (a recycled pid is not). */
  alive: () => boolean;
  /** Secret environment variables its spec lacks: no automatic restart, which would run without them. */
  withheldEnv: string[];
}

export class ManagedChild {
  state: ChildState = 'stopped';
  readonly ring: LogRing;
  readonly logFile: string;
  private readonly file: RotatingFile;
  private run: Run | null = null;
  private restarts = 0;
  private lastExit: ExitRecord | null = null;
  private backoffHistory: number[] = [];
  private nextRestartAt: number | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private memory: RestartMemory = freshMemory();
  private health: HealthMonitor | null = null;
  private stopping: { promise: Promise<void>; resolve: () => void; killTimer: NodeJS.Timeout } | null = null;
  private killedAfterGrace = false;
  private cpuSample: CpuSample | null = null;
  private disposed = false;
  private withheldEnv: string[] = [];
  /** The services this process hosts (spec.members), each reported as a child of its own. */
  private members: HostedMembers | null = null;
  private readonly logsDir: string;

  constructor(
    public spec: ChildSpec,
    logsDir: string,
    /** Called when a process starts or exits (the supervisor records live pids for crash recovery). */
    private readonly onRunChange: () => void = () => undefined,
  ) {
    ({
      ring: this.ring,
      logFile: this.logFile,
      file: this.file,
    } = openChildLog(logsDir, spec.name, spec.logs));
    if (spec.members) this.members = new HostedMembers(spec.members, logsDir);
    this.logsDir = logsDir;
  }

  get active(): boolean {
    return this.state === 'starting' || this.state === 'running' || this.state === 'restarting';
  }

  /** Starts a child that is not active; forgets the crash history (an operator asked for it). */
  start(): void {
    if (this.active || this.disposed) return;
    this.memory = freshMemory();
    this.spawn();
  }

  /** Stops the process (SIGTERM, SIGKILL after the grace) and cancels any pending restart. */
  async stop(): Promise<void> {
    this.cancelRestart();
    if (!this.run || this.run.handled) {
      if (this.active) this.state = 'stopped';
      return;
    }
    if (!this.stopping) {
      const grace = this.spec.stopGraceMs ?? DEFAULTS.stopGraceMs;
      this.log('supervisor', `stopping: SIGTERM, SIGKILL after ${grace} ms`);
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.killedAfterGrace = false;
      const killTimer = setTimeout(() => {
        this.killedAfterGrace = true;
        this.log('supervisor', `still running after ${grace} ms: SIGKILL`);
        this.signal('SIGKILL');
      }, grace);
      this.stopping = { promise, resolve, killTimer };
      this.signal('SIGTERM');
    }
    await this.stopping.promise;
  }

  /** Stop, then start again with a fresh crash history; counts as a restart. */
  async restart(reason = 'restart requested'): Promise<void> {
    this.log('supervisor', reason);
    await this.stop();
    if (this.disposed) return;
    this.restarts++;
    this.memory = freshMemory();
    this.spawn();
  }

  /** Replaces the spec of a child that is not active (used by `start` with a changed spec). */
  replaceSpec(spec: ChildSpec): void {
    this.spec = spec;
    this.withheldEnv = [];
    if (!spec.members) {
      this.members?.close();
      this.members = null;
    } else if (this.members) this.members.update(spec.members);
    else this.members = new HostedMembers(spec.members, this.logsDir);
  }

  /** Names of the members this child hosts. */
  memberNames(): string[] {
    return this.members?.names() ?? [];
  }

  hostsMember(name: string): boolean {
    return this.members?.has(name) ?? false;
  }

  memberRing(name: string): LogRing | undefined {
    return this.members?.ring(name);
  }

  /** This child and then each member it hosts, as status records. */
  statusWithMembers(now = Date.now()): ChildStatus[] {
    const own = this.status(now);
    return this.members ? [own, ...this.members.statuses(own, now)] : [own];
  }

  /**
   * Asks the running host to stop or restart one member (a line on its stdin); resolves with the member's
   * next state record, or null when the host does not answer within `timeoutMs`.
   */
  async requestMember(request: MemberRequest, timeoutMs = 15_000): Promise<MemberReport | null> {
    const stdin = this.run && !this.run.handled ? this.run.proc?.stdin : null;
    if (!this.members?.has(request.member) || !stdin || this.state !== 'running') return null;
    const next = this.members.nextReport(request.member, timeoutMs);
    stdin.write(`${JSON.stringify(request)}\n`);
    const first = await next;
    // A restart reports 'stopped' or 'restarting' first; the answer is the state it settles in.
    if (request.op === 'restart' && first && first.state !== 'running')
      return (await this.members.nextReport(request.member, timeoutMs)) ?? first;
    return first;
  }

  /** Takes over a running process that a dead supervisor started from this spec. */
  adopt(adoption: Adoption): void {
    if (this.active || this.disposed) return;
    this.withheldEnv = adoption.withheldEnv;
    const run: Run = {
      proc: null,
      pid: adoption.pid,
      startedAt: adoption.startedAt,
      handled: false,
      splitters: [],
      watch: null,
    };
    this.run = run;
    this.state = 'running';
    this.log(
      'supervisor',
      `adopted pid ${adoption.pid}, left running by a supervisor that died; its output is not captured until it restarts`,
    );
    run.watch = setInterval(() => {
      if (!adoption.alive()) this.onExit(run, null, null, null);
    }, ADOPTED_POLL_MS);
    this.startHealth();
    this.members?.hostStarted();
    this.onRunChange();
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.disposed = true;
    this.file.close();
    this.members?.close();
  }

  status(now = Date.now()): ChildStatus {
    const pid = this.run && !this.run.handled ? this.run.pid : null;
    let usage = null;
    if (pid !== null) {
      const read = readUsage(pid, this.cpuSample, now);
      if (read) {
        usage = read.usage;
        this.cpuSample = read.sample;
      }
    }
    return {
      name: this.spec.name,
      kind: this.spec.kind,
      state: this.state,
      stopping: this.stopping !== null,
      pid,
      command: this.spec.command,
      args: redactArgv(this.spec.args ?? []),
      cwd: this.spec.cwd ?? null,
      startedAt: pid !== null ? this.run!.startedAt : null,
      uptimeMs: pid !== null ? now - this.run!.startedAt : null,
      restarts: this.restarts,
      lastExit: this.lastExit,
      backoffHistoryMs: [...this.backoffHistory],
      nextRestartAt: this.nextRestartAt,
      health: this.spec.health ? (this.health?.status ?? unknownHealth()) : null,
      usage,
      logFile: this.logFile,
      meta: this.spec.meta ?? {},
    };
  }

  private spawn(): void {
    this.state = 'starting';
    this.nextRestartAt = null;
    this.cpuSample = null;
    const spec = this.spec;
    const proc = execa(spec.command, spec.args ?? [], {
      cwd: spec.cwd,
      env: spec.env,
      extendEnv: true,
      // A host reads its members' stop/restart requests on stdin.
      stdin: spec.members ? 'pipe' : 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: false,
      detached: true,
      forceKillAfterDelay: false,
    });
    const run: Run = {
      proc,
      pid: proc.pid ?? null,
      startedAt: Date.now(),
      handled: false,
      splitters: [],
      watch: null,
    };
    this.run = run;
    proc.stdin?.on('error', () => undefined); // a host that exits mid-request: EPIPE
    // The child's output never carries the secrets it was given (env passwords, secret flags).
    const secrets = childSecrets(spec);
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = proc[stream];
      if (!readable) continue;
      const splitter = new LineSplitter((text) => {
        const clean = scrub(text, secrets);
        if (!this.members?.route(stream, clean)) this.log(stream, clean);
      });
      run.splitters.push(splitter);
      readable.setEncoding('utf8');
      readable.on('data', (chunk: string) => splitter.push(chunk));
    }
    proc.once('spawn', () => {
      if (this.run !== run || run.handled) return;
      run.pid = proc.pid ?? null;
      this.state = 'running';
      this.log(
        'supervisor',
        `started pid ${run.pid}: ${[spec.command, ...redactArgv(spec.args ?? [])].join(' ')}`,
      );
      this.startHealth();
      this.members?.hostStarted();
      this.onRunChange();
    });
    let exitTimer: NodeJS.Timeout | null = null;
    proc.once('exit', (code, signal) => {
      exitTimer = setTimeout(() => this.onExit(run, code, signal, null), CLOSE_WAIT_MS);
    });
    proc.once('close', (code, signal) => {
      if (exitTimer) clearTimeout(exitTimer);
      this.onExit(run, code, signal, null);
    });
    proc.then(
      (result) => {
        if (result.failed && run.pid === null)
          this.onExit(run, null, null, result.shortMessage ?? 'unknown error');
      },
      () => undefined,
    );
  }

  private onExit(run: Run, code: number | null, signal: string | null, spawnError: string | null): void {
    if (run.handled) return;
    run.handled = true;
    if (run.watch) clearInterval(run.watch);
    this.onRunChange();
    for (const splitter of run.splitters) splitter.flush();
    this.health?.stop();
    const now = Date.now();
    const ranMs = now - run.startedAt;
    let reason = spawnError ? `failed to start: ${spawnError}` : describeExit(code, signal);
    if (!run.proc) reason = 'the adopted process ended (its exit status is out of reach)';
    if (this.stopping && this.killedAfterGrace && signal === 'SIGKILL') {
      reason = `killed by SIGKILL after the ${this.spec.stopGraceMs ?? DEFAULTS.stopGraceMs} ms grace`;
    }
    this.lastExit = {
      code,
      signal,
      at: now,
      ranMs,
      reason,
      tail: this.ring.tail(TAIL_ON_EXIT).map((l) => l.text),
    };
    this.log('supervisor', `${reason} after ${ranMs} ms`);
    this.members?.hostEnded(reason);
    if (this.stopping) {
      const { resolve, killTimer } = this.stopping;
      clearTimeout(killTimer);
      this.stopping = null;
      this.state = 'stopped';
      resolve();
      return;
    }
    if (this.disposed) return;
    if (!run.proc && this.withheldEnv.length > 0) {
      this.state = 'exited';
      this.log(
        'supervisor',
        `not restarting: its secret environment (${this.withheldEnv.join(', ')}) was not kept; start it again`,
      );
      return;
    }
    const decision = decideAfterExit(this.spec.restart, this.memory, { code, signal, ranMs, now });
    this.memory = decision.memory;
    if (decision.action === 'exit') {
      this.state = 'exited';
    } else if (decision.action === 'crash-loop') {
      this.state = 'crash-looping';
      this.log(
        'supervisor',
        `crash loop: ${decision.memory.recentExits.length} exits in the window; not restarting`,
      );
    } else {
      this.state = 'restarting';
      this.backoffHistory.push(decision.delayMs);
      if (this.backoffHistory.length > BACKOFF_HISTORY) this.backoffHistory.shift();
      this.nextRestartAt = now + decision.delayMs;
      this.log('supervisor', `restarting in ${decision.delayMs} ms`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.restarts++;
        this.spawn();
      }, decision.delayMs);
    }
  }

  private startHealth(): void {
    const settings = this.spec.health;
    if (!settings) return;
    this.health?.stop();
    this.health = new HealthMonitor(settings, (health) => {
      if (health.status !== 'unhealthy' || this.state !== 'running' || this.stopping) return;
      if (settings.restartWhenUnhealthy) {
        void this.restart(
          `unhealthy after ${health.consecutiveFailures} failed checks (${health.lastError})`,
        );
      }
    });
    this.health.start();
  }

  private cancelRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.nextRestartAt = null;
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.run?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  }

  log(stream: LogLine['stream'], text: string): void {
    const line: LogLine = { ts: Date.now(), stream, text };
    this.ring.add(line);
    if (this.disposed) return;
    try {
      this.file.write(`${formatLogLine(line)}\n`);
    } catch {
      // a full or vanished disk must not take the supervisor down; the ring still has the line
    }
  }
}
