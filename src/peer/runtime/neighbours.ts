/**
 * The simulated neighbours of `tao up` in one process: every member is a full peer (runPeer: its own
 * hotkey, axon port, model, scoring and weights) sharing this process's event loop and its one onnxruntime
 * environment. The supervisor sees one host child with members (src/supervisor/members.ts): this process
 * prefixes each member's log lines with `[peer:NAME] ` and reports each member's state on a line of its own.
 *
 * Isolation: each member runs inside its own AsyncLocalStorage context, so an exception or rejection that
 * escapes one member (a timer or socket callback throwing) is charged to that member alone: it is stopped
 * and restarted with the supervisor's backoff and crash-loop rules, while the others keep serving. A member
 * whose runPeer fails (its port taken, its wallet unreadable) is restarted the same way. SIGTERM stops every
 * member gracefully and exits 0.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createInterface } from 'node:readline';
import {
  memberLogLine,
  type MemberReport,
  type MemberRequest,
  memberStateLine,
} from '../../supervisor/members.js';
import { decideAfterExit, freshMemory, type RestartMemory } from '../../supervisor/restart-policy.js';
import type { ChildState, RestartSettings } from '../../supervisor/types.js';
import { type PeerConfig, parsePeerFlags, type PeerFlags } from './config.js';
import { outputIsBestEffort, runPeer } from './peer.js';

/** One hosted neighbour: its supervisor name (`peer:NAME`), wallet, hotkey and `tao peer run` flags. */
export interface NeighbourMember {
  child: string;
  wallet: string;
  hotkey: string;
  flags: PeerFlags;
}

export interface NeighbourHostOptions {
  home: string;
  node: string;
  members: readonly NeighbourMember[];
  /** Restart rules for a member that fails (default: the supervisor's defaults, as for a peer child). */
  restart?: RestartSettings;
  /** Where lines go (default: stdout). */
  write?: (line: string) => void;
  /**
   * Test hook: the member with this child name throws from one of its own timers once it listens (an
   * uncaught exception inside that member). Set from TAO_NEIGHBOUR_FAULT by the entry point.
   */
  faultIn?: string;
}

const TAIL = 20;
/** How long a failed member gets to close its axon before it is restarted regardless. */
const STOP_WAIT_MS = 10_000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

class Neighbour {
  state: ChildState = 'stopped';
  restarts = 0;
  private startedAt: number | null = null;
  private lastExit: MemberReport['last_exit'] = null;
  private memory: RestartMemory = freshMemory();
  private readonly tail: string[] = [];
  private stopper: AbortController | null = null;
  private running: Promise<void> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Set when the member failed (rejection or an uncaught exception charged to it). */
  private failure: string | null = null;
  private faulted = false;

  constructor(
    readonly member: NeighbourMember,
    readonly config: PeerConfig,
    private readonly host: NeighbourHost,
  ) {}

  log(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL) this.tail.shift();
    this.host.write(memberLogLine(this.member.child, line));
  }

  private report(state: ChildState): void {
    this.state = state;
    this.host.write(
      memberStateLine({
        member: this.member.child,
        state,
        restarts: this.restarts,
        started_at: state === 'running' || state === 'starting' ? this.startedAt : null,
        last_exit: this.lastExit,
      }),
    );
  }

  start(): void {
    if (this.running) return;
    this.cancelRestart();
    const stopper = new AbortController();
    this.stopper = stopper;
    this.failure = null;
    this.startedAt = Date.now();
    this.report('starting');
    const started = this.startedAt;
    this.running = this.host.context.run(this, async () => {
      try {
        await runPeer(this.config, {
          home: this.host.options.home,
          node: this.host.options.node,
          wallet: this.member.wallet,
          hotkey: this.member.hotkey,
          log: (line) => this.log(line),
          stop: stopper.signal,
          onListening: () => {
            if (stopper.signal.aborted) return;
            this.report('running');
            if (this.host.options.faultIn === this.member.child && !this.faulted) {
              this.faulted = true;
              setTimeout(() => {
                throw new Error(`injected fault in ${this.member.child} (TAO_NEIGHBOUR_FAULT)`);
              }, 50);
            }
          },
        });
      } catch (error) {
        this.failure ??= message(error);
      }
    });
    void this.running.then(() => this.ended(started));
  }

  /** An exception that escaped this member: it stops and is restarted like a crashed process. */
  fail(error: unknown): void {
    const why = message(error);
    this.log(`crashed: ${error instanceof Error && error.stack ? error.stack : why}`);
    this.failure ??= why;
    this.stopper?.abort();
  }

  private ended(started: number): void {
    this.running = null;
    this.stopper = null;
    const now = Date.now();
    const ranMs = now - started;
    const requested = this.state === 'stopped';
    if (this.failure === null) {
      // A clean stop: asked for by the supervisor or the host's own shutdown.
      this.lastExit = { reason: 'stopped', at: now, ran_ms: ranMs, tail: [...this.tail] };
      this.report('stopped');
      return;
    }
    const reason = `crashed: ${this.failure}`;
    this.lastExit = { reason, at: now, ran_ms: ranMs, tail: [...this.tail] };
    if (requested || this.host.stopping) {
      this.report('stopped');
      return;
    }
    const decision = decideAfterExit(this.host.options.restart, this.memory, {
      code: 1,
      signal: null,
      ranMs,
      now,
    });
    this.memory = decision.memory;
    if (decision.action === 'crash-loop') {
      this.log(`crash loop: ${decision.memory.recentExits.length} failures in the window; not restarting`);
      this.report('crash-looping');
    } else if (decision.action === 'exit') {
      this.report('exited');
    } else {
      this.log(`${reason}; restarting in ${decision.delayMs} ms`);
      this.report('restarting');
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.restarts++;
        this.start();
      }, decision.delayMs);
    }
  }

  /** Stops the member (its axon closes); resolves when it has stopped, or after STOP_WAIT_MS. */
  async stop(): Promise<void> {
    this.cancelRestart();
    const running = this.running;
    if (!running) {
      if (this.state !== 'stopped') this.report('stopped');
      return;
    }
    this.state = 'stopped';
    this.stopper?.abort();
    await Promise.race([running, new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref())]);
  }

  async restart(): Promise<void> {
    await this.stop();
    this.restarts++;
    this.memory = freshMemory();
    this.start();
  }

  private cancelRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }
}

export class NeighbourHost {
  readonly context = new AsyncLocalStorage<Neighbour>();
  readonly neighbours = new Map<string, Neighbour>();
  stopping = false;
  readonly write: (line: string) => void;

  constructor(readonly options: NeighbourHostOptions) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    for (const member of options.members) {
      const config = parsePeerFlags(member.flags);
      this.neighbours.set(member.child, new Neighbour(member, config, this));
    }
  }

  start(): void {
    for (const n of this.neighbours.values()) n.start();
  }

  /**
   * Charges an error that escaped to the member whose context it ran in; false when it belongs to none
   * (the host's own code), which the caller treats as fatal.
   */
  charge(error: unknown): boolean {
    const member = this.context.getStore();
    if (!member) return false;
    member.fail(error);
    return true;
  }

  async request(req: MemberRequest): Promise<void> {
    const member = this.neighbours.get(req.member);
    if (!member) return;
    if (req.op === 'stop') await member.stop();
    else await member.restart();
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.neighbours.values()].map((n) => n.stop()));
  }
}

/** The validated members (a usage error names a bad one before anything starts). */
export function parseMembers(json: string): NeighbourMember[] {
  const list = JSON.parse(json) as NeighbourMember[];
  if (!Array.isArray(list)) throw new Error('--members must be a JSON array');
  for (const m of list) {
    if (typeof m?.child !== 'string' || typeof m.wallet !== 'string' || typeof m.hotkey !== 'string')
      throw new Error('each member needs child, wallet and hotkey');
    parsePeerFlags(m.flags ?? {});
  }
  return list;
}

/**
 * Runs the host until SIGTERM/SIGINT: every member started, stop/restart requests read from stdin, escaped
 * errors charged to their member. Resolves once every member has stopped.
 */
export async function runNeighbourHost(options: NeighbourHostOptions): Promise<void> {
  outputIsBestEffort();
  const host = new NeighbourHost(options);
  const onEscaped = (error: unknown) => {
    if (host.charge(error)) return;
    host.write(`host error outside any neighbour: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(70);
  };
  process.on('uncaughtException', onEscaped);
  process.on('unhandledRejection', onEscaped);
  const requests = createInterface({ input: process.stdin });
  requests.on('line', (line) => {
    try {
      const req = JSON.parse(line) as MemberRequest;
      if (req.op === 'stop' || req.op === 'restart') void host.request(req);
    } catch {
      host.write(`ignored a control line that is not JSON: ${line.slice(0, 80)}`);
    }
  });
  host.write(`hosting ${host.neighbours.size} neighbours in pid ${process.pid}`);
  host.start();
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  host.write('stopping every neighbour');
  await host.stopAll();
  requests.close();
  host.write('stopped');
}
