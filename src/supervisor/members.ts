/**
 * Members of a host child: one supervised process that runs several named services (the simulated
 * neighbours of `tao up` in one Node process). Each member has its own status record (state, restarts, last
 * exit, health on its own URL), log ring and log file, so `status`, `logs` and `follow` treat it like a
 * child of its own; the process itself (pid, restarts, stop) is the host's.
 *
 * The host speaks on its stdout: a line `[NAME] text` is member NAME's log line, and a line starting with
 * RS (U+001E) followed by JSON `{member, state, restarts, started_at, last_exit}` is NAME's new state. Other
 * lines are the host's own. The supervisor writes NDJSON `{op: 'stop' | 'restart', member}` to the host's
 * stdin to stop or restart one member.
 */
import { HealthMonitor, unknownHealth } from './health.js';
import { formatLogLine, type LogRing, openChildLog } from './log-lines.js';
import type { RotatingFile } from './rotating-file.js';
import type { ChildState, ChildStatus, ExitRecord, LogLine, MemberSpec } from './types.js';

export const MEMBER_STATE_MARK = '\u001e';
const MEMBER_STATES: readonly ChildState[] = [
  'starting',
  'running',
  'restarting',
  'stopped',
  'crash-looping',
  'exited',
];

/** What a host reports about one member (the JSON after the RS mark). */
export interface MemberReport {
  member: string;
  state: ChildState;
  restarts: number;
  /** Epoch ms the member's current run started, null when it is not running. */
  started_at: number | null;
  last_exit: { reason: string; at: number; ran_ms: number; tail: string[] } | null;
}

/** A member's log line as the host writes it. */
export const memberLogLine = (member: string, text: string) => `[${member}] ${text}`;
/** A member's state record as the host writes it (one line). */
export const memberStateLine = (report: MemberReport) => `${MEMBER_STATE_MARK}${JSON.stringify(report)}`;

/** A control request from the supervisor to the host, one JSON line on the host's stdin. */
export interface MemberRequest {
  op: 'stop' | 'restart';
  member: string;
}

function parseReport(json: string): MemberReport | null {
  try {
    const r = JSON.parse(json) as Partial<MemberReport>;
    if (typeof r.member !== 'string' || !MEMBER_STATES.includes(r.state as ChildState)) return null;
    return {
      member: r.member,
      state: r.state as ChildState,
      restarts: typeof r.restarts === 'number' ? r.restarts : 0,
      started_at: typeof r.started_at === 'number' ? r.started_at : null,
      last_exit: r.last_exit ?? null,
    };
  } catch {
    return null;
  }
}

class Member {
  readonly ring: LogRing;
  readonly logFile: string;
  private readonly file: RotatingFile;
  report: MemberReport | null = null;
  health: HealthMonitor | null = null;
  readonly waiters = new Set<(report: MemberReport) => void>();

  constructor(
    public spec: MemberSpec,
    logsDir: string,
  ) {
    ({
      ring: this.ring,
      logFile: this.logFile,
      file: this.file,
    } = openChildLog(logsDir, spec.name, spec.logs));
  }

  log(stream: LogLine['stream'], text: string): void {
    const line: LogLine = { ts: Date.now(), stream, text };
    this.ring.add(line);
    try {
      this.file.write(`${formatLogLine(line)}\n`);
    } catch {
      // the ring still has the line
    }
  }

  startHealth(): void {
    this.health?.stop();
    this.health = null;
    if (!this.spec.health) return;
    this.health = new HealthMonitor(this.spec.health, () => undefined);
    this.health.start();
  }

  stopHealth(): void {
    this.health?.stop();
  }

  close(): void {
    this.stopHealth();
    this.file.close();
  }
}

export class HostedMembers {
  private readonly members = new Map<string, Member>();

  constructor(
    specs: readonly MemberSpec[],
    private readonly logsDir: string,
  ) {
    for (const spec of specs) this.members.set(spec.name, new Member(spec, logsDir));
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  has(name: string): boolean {
    return this.members.has(name);
  }

  ring(name: string): LogRing | undefined {
    return this.members.get(name)?.ring;
  }

  /**
   * A new member list (the host's spec changed): members that stay keep their ring and file, so their
   * followers keep following; the others are closed.
   */
  update(specs: readonly MemberSpec[]): void {
    const keep = new Set(specs.map((s) => s.name));
    for (const [name, member] of this.members)
      if (!keep.has(name)) {
        member.close();
        this.members.delete(name);
      }
    for (const spec of specs) {
      const member = this.members.get(spec.name);
      if (member) member.spec = spec;
      else this.members.set(spec.name, new Member(spec, this.logsDir));
    }
  }

  /** Takes one line of the host's output; true when it belonged to a member (routed or a state record). */
  route(stream: LogLine['stream'], text: string): boolean {
    if (text.startsWith(MEMBER_STATE_MARK)) {
      const report = parseReport(text.slice(1));
      const member = report && this.members.get(report.member);
      if (!report || !member) return false;
      const before = member.report?.state;
      member.report = report;
      if (report.state !== before) {
        const failed = report.state === 'restarting' || report.state === 'crash-looping';
        const why = failed && report.last_exit ? `: ${report.last_exit.reason}` : '';
        member.log('supervisor', `${report.state}${why}`);
      }
      for (const waiter of [...member.waiters]) waiter(report);
      return true;
    }
    if (!text.startsWith('[')) return false;
    const end = text.indexOf('] ');
    if (end < 0) return false;
    const member = this.members.get(text.slice(1, end));
    if (!member) return false;
    member.log(stream, text.slice(end + 2));
    return true;
  }

  /** Resolves with the member's next state record (or null after `timeoutMs`). */
  nextReport(name: string, timeoutMs: number): Promise<MemberReport | null> {
    const member = this.members.get(name);
    if (!member) return Promise.resolve(null);
    return new Promise((resolve) => {
      const done = (report: MemberReport | null) => {
        clearTimeout(timer);
        member.waiters.delete(done);
        resolve(report);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      member.waiters.add(done);
    });
  }

  /** The host process started (or was adopted): every member is starting until the host says otherwise. */
  hostStarted(): void {
    for (const member of this.members.values()) {
      member.report = null;
      member.startHealth();
    }
  }

  /** The host process ended: nothing of it runs any more. */
  hostEnded(reason: string): void {
    for (const member of this.members.values()) {
      member.stopHealth();
      member.log('supervisor', `its host process ended (${reason})`);
    }
  }

  /** Each member as a child status; state, pid and uptime follow the host's while the host is not running. */
  statuses(host: ChildStatus, now = Date.now()): ChildStatus[] {
    return [...this.members.values()].map((member) => {
      const r = member.report;
      const hostRunning = host.state === 'running' && host.pid !== null;
      // No report yet: starting, or, for a host adopted from a dead supervisor (its output is out of
      // reach), running once the member answers its health check.
      const unreported: ChildState = member.health?.status.status === 'healthy' ? 'running' : 'starting';
      const state: ChildState = hostRunning ? (r?.state ?? unreported) : host.state;
      const live = hostRunning && (state === 'running' || state === 'starting');
      const startedAt = live ? (r?.started_at ?? host.startedAt) : null;
      const lastExit: ExitRecord | null = r?.last_exit
        ? {
            code: null,
            signal: null,
            at: r.last_exit.at,
            ranMs: r.last_exit.ran_ms,
            reason: r.last_exit.reason,
            tail: r.last_exit.tail,
          }
        : host.lastExit;
      return {
        name: member.spec.name,
        kind: member.spec.kind,
        state,
        stopping: host.stopping,
        pid: live ? host.pid : null,
        command: host.command,
        args: host.args,
        cwd: host.cwd,
        startedAt,
        uptimeMs: startedAt !== null ? now - startedAt : null,
        restarts: host.restarts + (r?.restarts ?? 0),
        lastExit,
        backoffHistoryMs: [],
        nextRestartAt: null,
        health: member.spec.health ? (member.health?.status ?? unknownHealth()) : null,
        usage: null,
        logFile: member.logFile,
        meta: { ...(member.spec.meta ?? {}), hosted_by: host.name },
      };
    });
  }

  close(): void {
    for (const member of this.members.values()) member.close();
  }
}
