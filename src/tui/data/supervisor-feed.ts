/**
 * The process half of the live console data: polls the supervisor daemon (never starts one) for its
 * children, streams the selected child's log with the daemon's `follow` (LogFollower), finds the
 * operator's own peer (flavour `own`, else `validator`) and polls that peer's `GET /status` for the
 * neighbour scores. Process control goes through the daemon.
 */
import { requestSignal } from '../../client/transport.js';
import type { TxState } from '../../core/wire.js';
import type { ChildStatus, LogLine as SupervisorLogLine } from '../../supervisor/types.js';
import { type FollowStream, LogFollower } from './log-follower.js';
import type { SnapshotStore } from './snapshot-store.js';
import {
  type MarketSnapshot,
  type NeighbourScore,
  type OwnPeerState,
  type ProcessInfo,
  type ProcessState,
  peerScoringOf,
  stableNames,
  type WeightsTx,
} from './types.js';

/** The slice of the supervisor client the feed uses (src/supervisor/client.ts SupervisorClient). */
export interface SupervisorLink {
  status(): Promise<{ daemon: { pid: number }; children: ChildStatus[] }>;
  /** A dedicated stream of `name`'s lines: the last `options.lines` first, then each new one. */
  follow(
    name: string,
    onLine: (line: SupervisorLogLine) => void,
    options?: { lines?: number },
  ): Promise<FollowStream>;
  stop(name: string): Promise<unknown>;
  restart(name: string): Promise<unknown>;
  close(): void;
  readonly closedPromise: Promise<void>;
}

export interface SupervisorFeedOptions {
  /** Connects to the running daemon; rejects when none runs. */
  connect: () => Promise<SupervisorLink>;
  /** Poll period (default 1000 ms). */
  intervalMs?: number;
  /** Log lines of the followed process kept in memory (default 1000). */
  logLines?: number;
  /** First log-stream reconnect delay (default 500 ms; doubles up to 10 s). */
  logRetryMs?: number;
}

const STATES: readonly ProcessState[] = [
  'starting',
  'running',
  'restarting',
  'crash-looping',
  'stopped',
  'exited',
];

export function processFromChild(c: ChildStatus, device: string | null = null): ProcessInfo {
  const d = typeof c.meta.device === 'string' ? c.meta.device : device;
  return {
    name: c.name,
    kind: c.kind === 'node' || c.kind === 'peer' ? c.kind : 'other',
    state: STATES.includes(c.state as ProcessState) ? (c.state as ProcessState) : 'exited',
    pid: c.pid,
    uptimeMs: c.uptimeMs,
    restarts: c.restarts,
    lastExit: c.lastExit?.reason ?? null,
    cpu: c.usage?.cpuPercent ?? null,
    memBytes: c.usage?.rssBytes ?? null,
    gpu: typeof c.meta.gpu === 'string' ? c.meta.gpu : null,
    device: d === 'cuda' || d === 'cpu' ? d : null,
    hotkey: typeof c.meta.hotkey === 'string' ? c.meta.hotkey : null,
  };
}

/**
 * Supervised peers by hotkey: ss58 → process name (`peer:noisy`), so the console can name the neurons and
 * neighbours it runs. Returns `previous` when nothing changed (the snapshot keeps its identity).
 */
export function processNames(
  children: readonly ChildStatus[],
  previous?: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const c of children) {
    if (typeof c.meta.hotkey === 'string' && c.meta.hotkey !== '') names[c.meta.hotkey] = c.name;
  }
  return stableNames(names, previous);
}

/** The operator's own peer among the children: flavour `own`, else `validator`; null when neither. */
export function findOwnPeer(children: readonly ChildStatus[]): { name: string; url: string } | null {
  const peers = children.filter((c) => c.kind === 'peer' && typeof c.meta.port === 'number');
  const pick =
    peers.find((c) => c.meta.flavour === 'own') ?? peers.find((c) => c.meta.flavour === 'validator');
  if (!pick) return null;
  const host = typeof pick.meta.host === 'string' ? pick.meta.host : '127.0.0.1';
  return { name: pick.name, url: `http://${host}:${pick.meta.port as number}` };
}

const num = (v: unknown, fallback = Number.NaN) => (typeof v === 'number' ? v : fallback);
const TX_STATES: readonly TxState[] = ['pending', 'included', 'rejected', 'unknown'];

/** Maps the peer's `GET /status` JSON (docs/peer-contract.md, snake_case) into the console's model. */
export function peerStatusPatch(json: unknown): Pick<
  MarketSnapshot,
  'neighbours' | 'lastWeightsTx' | 'nextWeightsDue' | 'peerScoring'
> & {
  uid: number | null;
  round: number | null;
  device: string | null;
} {
  const o = (json ?? {}) as Record<string, unknown>;
  const list = Array.isArray(o.neighbours) ? (o.neighbours as Record<string, unknown>[]) : [];
  const neighbours: NeighbourScore[] = list.map((n) => ({
    uid: num(n.uid, -1),
    hotkey: typeof n.hotkey === 'string' ? n.hotkey : '',
    score: num(n.score),
    se: num(n.se),
    ema: num(n.ema),
    gate: num(n.gate),
    weight: num(n.weight, 0),
    latencyMs: typeof n.latency_ms === 'number' ? n.latency_ms : null,
    failures: num(n.failures, 0),
  }));
  const tx = o.last_weights_tx as Record<string, unknown> | null | undefined;
  let lastWeightsTx: WeightsTx | null = null;
  if (tx && typeof tx.tx_hash === 'string') {
    const status = TX_STATES.includes(tx.status as TxState) ? (tx.status as TxState) : 'unknown';
    lastWeightsTx = { txHash: tx.tx_hash, block: typeof tx.block === 'number' ? tx.block : null, status };
    if (typeof tx.error === 'string') lastWeightsTx.error = tx.error;
  }
  const device = (o.device ?? null) as { device?: unknown } | null;
  return {
    neighbours,
    lastWeightsTx,
    nextWeightsDue: typeof o.next_weights_due === 'number' ? o.next_weights_due : null,
    peerScoring: peerScoringOf(json),
    uid: typeof o.uid === 'number' ? o.uid : null,
    round: typeof o.round === 'number' ? o.round : null,
    device: device && typeof device.device === 'string' ? device.device : null,
  };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class SupervisorFeed {
  private link: SupervisorLink | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly abort = new AbortController();
  private readonly follower: LogFollower;

  constructor(
    private readonly store: SnapshotStore,
    private readonly options: SupervisorFeedOptions,
  ) {
    this.follower = new LogFollower({
      open: async (name, onLine, lines) => (await this.supervisor()).follow(name, onLine, { lines }),
      publish: (logs, logStream) => {
        if (this.running) this.store.update({ logs, logStream });
      },
      capacity: options.logLines ?? 1000,
      ...(options.logRetryMs !== undefined
        ? { initialRetryMs: options.logRetryMs, maxRetryMs: Math.max(10_000, options.logRetryMs) }
        : {}),
    });
  }

  /** Streams `name`'s log into the snapshot's `logs` (null: none); the previous stream is closed. */
  followLogs(name: string | null): void {
    this.follower.select(name);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  close(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    this.follower.close();
    this.link?.close();
    this.link = null;
  }

  /** The connected daemon, connecting on demand; throws E_SUPERVISOR_UNREACHABLE when none runs. */
  async supervisor(): Promise<SupervisorLink> {
    if (this.link) return this.link;
    const link = await this.options.connect();
    if (!this.running) {
      link.close();
      throw new Error('the console is closing');
    }
    this.link = link;
    void link.closedPromise.then(() => {
      if (this.link === link) this.link = null;
    });
    return link;
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    try {
      await this.refresh();
    } catch {
      // refresh records what went wrong in the snapshot
    }
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), this.options.intervalMs ?? 1000);
    this.timer.unref?.();
  }

  async refresh(): Promise<void> {
    let status: Awaited<ReturnType<SupervisorLink['status']>>;
    try {
      status = await (await this.supervisor()).status();
    } catch (error) {
      this.link?.close();
      this.link = null;
      // The log buffer stays: the follower shows that it is reconnecting.
      this.store.update({
        supervisor: { kind: 'absent', message: message(error) },
        processes: [],
        ownPeer: null,
        neighbours: [],
        lastWeightsTx: null,
        nextWeightsDue: null,
        peerScoring: null,
      });
      return;
    }
    // The supervisor is back: the log stream need not wait out its backoff.
    if (this.store.getSnapshot().supervisor.kind === 'absent') this.follower.retryNow();
    const children = status.children;
    const own = findOwnPeer(children);
    const patch: Partial<MarketSnapshot> = {
      supervisor: { kind: 'running', pid: status.daemon.pid },
    };
    let ownPeer: OwnPeerState | null = null;
    if (own) {
      ownPeer = { name: own.name, url: own.url, reachable: false, uid: null, round: null, device: null };
      // Not AbortSignal.any with the feed's long-lived signal: on Node 20 that keeps one entry per call.
      const { signal, done } = requestSignal(2000, this.abort.signal);
      try {
        const res = await fetch(`${own.url}/status`, { signal });
        if (!res.ok) throw new Error(`GET /status answered HTTP ${res.status}`);
        const peer = peerStatusPatch(await res.json());
        patch.neighbours = peer.neighbours;
        patch.lastWeightsTx = peer.lastWeightsTx;
        patch.nextWeightsDue = peer.nextWeightsDue;
        patch.peerScoring = peer.peerScoring;
        ownPeer = { ...ownPeer, reachable: true, uid: peer.uid, round: peer.round, device: peer.device };
      } catch (error) {
        ownPeer.error = message(error);
      } finally {
        done();
      }
    } else {
      patch.neighbours = [];
      patch.lastWeightsTx = null;
      patch.nextWeightsDue = null;
      patch.peerScoring = null;
    }
    patch.ownPeer = ownPeer;
    patch.names = processNames(children, this.store.getSnapshot().names);
    // The own peer first, so the Overview's "your peer" is the one the operator runs.
    const ordered = own
      ? [...children].sort((a, b) => Number(b.name === own.name) - Number(a.name === own.name))
      : children;
    patch.processes = ordered.map((c) =>
      processFromChild(c, c.name === own?.name ? (ownPeer?.device ?? null) : null),
    );
    if (!this.running) return;
    this.store.update(patch);
  }

  async control(op: 'start' | 'stop' | 'restart', name: string): Promise<void> {
    const link = await this.supervisor();
    // A stopped child is started again by restarting it (the daemon keeps its spec).
    if (op === 'stop') await link.stop(name);
    else await link.restart(name);
    await this.refresh();
  }
}
