/**
 * The set of supervised children, by name: the operations the control socket exposes, free of any
 * socket code so tests can drive it in-process with real child processes.
 */
import { mkdirSync, rmSync } from 'node:fs';
import type { LineListener, LogRing } from './log-lines.js';
import { ManagedChild } from './managed-child.js';
import { type Orphan, orphanAlive, writeRegistry } from './orphans.js';
import { sameSpec, validateSpec } from './spec.js';
import type { ChildSpec, ChildStatus, LogLine } from './types.js';

export class SupervisorError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface StartResult {
  /** False when a child with the same name and spec was already active (start is idempotent). */
  started: boolean;
  child: ChildStatus;
}

interface Follower {
  listener: LineListener;
  unsubscribe: () => void;
}

export class Supervisor {
  private readonly children = new Map<string, ManagedChild>();
  /** Followers by child name: a child removed and started again under the same name keeps them. */
  private readonly followers = new Map<string, Set<Follower>>();

  /**
   * `registryFile`, when given, always lists the live child processes (pid + start time), so a daemon
   * that starts after this one crashed can find and stop the orphans (see orphans.ts).
   */
  constructor(
    readonly logsDir: string,
    readonly registryFile?: string,
  ) {
    mkdirSync(logsDir, { recursive: true, mode: 0o700 });
  }

  private persist(): void {
    if (!this.registryFile) return;
    const live = [...this.children.values()].flatMap((c) => {
      const s = c.status();
      return s.pid !== null && s.startedAt !== null
        ? [{ spec: c.spec, pid: s.pid, startedAt: s.startedAt }]
        : [];
    });
    writeRegistry(this.registryFile, live);
  }

  /**
   * Takes over a child a dead supervisor left running (see orphans.ts); false when its spec is unknown
   * or invalid, or the name is taken.
   */
  adopt(orphan: Orphan): boolean {
    if (!orphan.spec || this.children.has(orphan.name)) return false;
    let spec: ChildSpec;
    try {
      spec = validateSpec(orphan.spec);
    } catch {
      return false;
    }
    if (spec.name !== orphan.name) return false;
    const child = new ManagedChild(spec, this.logsDir, () => this.persist());
    this.children.set(spec.name, child);
    child.adopt({
      pid: orphan.pid,
      startedAt: orphan.startedAt ?? Date.now(),
      alive: () => orphanAlive(orphan),
      withheldEnv: orphan.withheldEnv ?? [],
    });
    return true;
  }

  /** Every child, each followed by the members it hosts (members.ts). */
  list(): ChildStatus[] {
    return [...this.children.values()].flatMap((c) => c.statusWithMembers());
  }

  get(name: string): ManagedChild {
    const child = this.children.get(name);
    if (!child) throw new SupervisorError('E_NO_CHILD', `no child named '${name}'`);
    return child;
  }

  /** The child hosting member `name`, if any. */
  private hostOf(name: string): ManagedChild | undefined {
    for (const child of this.children.values()) if (child.hostsMember(name)) return child;
    return undefined;
  }

  /** The log ring of a child or of a hosted member. */
  ring(name: string): LogRing {
    const ring = this.children.get(name)?.ring ?? this.hostOf(name)?.memberRing(name);
    if (!ring) throw new SupervisorError('E_NO_CHILD', `no child named '${name}'`);
    return ring;
  }

  /** A name already taken by another child or another host's member. */
  private nameTaken(spec: ChildSpec): string | null {
    const names = [spec.name, ...(spec.members ?? []).map((m) => m.name)];
    for (const [childName, child] of this.children) {
      if (childName === spec.name) continue;
      const taken = [childName, ...child.memberNames()];
      const clash = names.find((n) => taken.includes(n));
      if (clash !== undefined) return clash;
    }
    return null;
  }

  /** Stops or restarts one member inside its running host. */
  private async memberRequest(name: string, op: 'stop' | 'restart'): Promise<ChildStatus> {
    const host = this.hostOf(name);
    if (!host) throw new SupervisorError('E_NO_CHILD', `no child named '${name}'`);
    const report = await host.requestMember({ op, member: name });
    if (!report)
      throw new SupervisorError(
        'E_HOST_UNREACHABLE',
        `'${name}' runs inside '${host.spec.name}', which did not answer (a host adopted from a supervisor that died cannot be asked); ${op} '${host.spec.name}' instead`,
      );
    return host.statusWithMembers().find((s) => s.name === name)!;
  }

  /**
   * Starts a child by spec. Same name and spec while active: nothing happens. Same name, different spec:
   * refused while active unless `replace` (then it is stopped and started with the new spec).
   */
  async start(input: unknown, replace = false): Promise<StartResult> {
    let spec: ChildSpec;
    try {
      spec = validateSpec(input);
    } catch (error) {
      throw new SupervisorError('E_BAD_SPEC', (error as Error).message);
    }
    const clash = this.nameTaken(spec);
    if (clash !== null)
      throw new SupervisorError(
        'E_SPEC_CONFLICT',
        `'${clash}' already runs in this supervisor (as a child or inside a host); remove it first`,
      );
    const existing = this.children.get(spec.name);
    if (existing) {
      const same = sameSpec(existing.spec, spec);
      if (existing.active && same) return { started: false, child: existing.status() };
      if (existing.active && !replace) {
        throw new SupervisorError(
          'E_SPEC_CONFLICT',
          `'${spec.name}' is running with a different spec; restart it with replace, or remove it first`,
        );
      }
      await existing.stop();
      existing.replaceSpec(spec);
      existing.start();
      return { started: true, child: existing.status() };
    }
    const child = new ManagedChild(spec, this.logsDir, () => this.persist());
    this.children.set(spec.name, child);
    for (const f of this.followers.get(spec.name) ?? []) {
      f.unsubscribe();
      f.unsubscribe = child.ring.subscribe(f.listener);
    }
    child.start();
    return { started: true, child: child.status() };
  }

  async stop(name: string): Promise<ChildStatus> {
    if (!this.children.has(name)) return this.memberRequest(name, 'stop');
    const child = this.get(name);
    await child.stop();
    return child.status();
  }

  async restart(name: string): Promise<ChildStatus> {
    if (!this.children.has(name)) return this.memberRequest(name, 'restart');
    const child = this.get(name);
    await child.restart();
    return child.status();
  }

  /** Stops the child and forgets it (its log file stays on disk). */
  async remove(name: string): Promise<ChildStatus> {
    const host = this.children.has(name) ? undefined : this.hostOf(name);
    if (host)
      throw new SupervisorError(
        'E_HOSTED',
        `'${name}' runs inside '${host.spec.name}'; remove '${host.spec.name}' (all its members) instead`,
      );
    const child = this.get(name);
    await child.dispose();
    this.children.delete(name);
    return child.status();
  }

  logs(name: string, lines: number): LogLine[] {
    return this.ring(name).tail(lines);
  }

  /**
   * Sends the last `backlog` lines, then every new line, until the returned function is called. The
   * follow is by name: when the child is removed and started again (`tao down`, `tao up`), the new
   * child's lines keep coming.
   */
  follow(name: string, backlog: number, listener: LineListener): () => void {
    const ring = this.ring(name);
    for (const line of ring.tail(backlog)) listener(line);
    const follower: Follower = { listener, unsubscribe: ring.subscribe(listener) };
    let set = this.followers.get(name);
    if (!set) {
      set = new Set();
      this.followers.set(name, set);
    }
    set.add(follower);
    const followers = set;
    return () => {
      follower.unsubscribe();
      followers.delete(follower);
      if (followers.size === 0 && this.followers.get(name) === followers) this.followers.delete(name);
    };
  }

  /** Stops every child in parallel. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.children.values()].map((c) => c.stop()));
  }

  /** Forget the registry (children deliberately left running must not be treated as orphans later). */
  dropRegistry(): void {
    if (this.registryFile) rmSync(this.registryFile, { force: true });
  }

  async disposeAll(): Promise<void> {
    await Promise.all([...this.children.values()].map((c) => c.dispose()));
    this.children.clear();
  }
}
