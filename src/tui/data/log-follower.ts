/**
 * The console's log stream of one supervised process: follows it over the supervisor's control socket
 * (the backlog, then every pushed line), keeps only the last `capacity` lines, coalesces bursts into one
 * publish per `flushMs`, switches stream when another process is selected, and reconnects with a
 * doubling backoff when the supervisor goes away — merging the new backlog without repeating lines.
 */
import type { LogLine as SupervisorLogLine } from '../../supervisor/types.js';
import type { LogLine, LogStreamState } from './types.js';

export interface FollowStream {
  close(): void;
  /** Resolves when the stream ends (closed here, or the supervisor went away). */
  done: Promise<void>;
}

/** Opens a follow of `name` asking for the last `lines` lines first; rejects when it cannot. */
export type OpenFollow = (
  name: string,
  onLine: (line: SupervisorLogLine) => void,
  lines: number,
) => Promise<FollowStream>;

export interface LogFollowerOptions {
  open: OpenFollow;
  /** Receives the buffer (a new array on every change) and the stream state. */
  publish: (lines: LogLine[], state: LogStreamState) => void;
  /** Lines kept (default 1000). */
  capacity?: number;
  /** Pushed lines are published at most this often (default 50 ms). */
  flushMs?: number;
  /** First reconnect delay (default 500 ms), doubling per failed try up to `maxRetryMs` (default 10 s). */
  initialRetryMs?: number;
  maxRetryMs?: number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The delay before reconnect try `attempt` (1-based): doubling from `initial`, capped at `max`. */
export function retryDelay(attempt: number, initial: number, max: number): number {
  return Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
}

/** `lines` then `more`, keeping only the last `capacity` (a new array). */
export function appendBounded(
  lines: readonly LogLine[],
  more: readonly LogLine[],
  capacity: number,
): LogLine[] {
  const total = lines.length + more.length;
  if (total <= capacity) return [...lines, ...more];
  const drop = total - capacity;
  return drop >= lines.length ? more.slice(drop - lines.length) : [...lines.slice(drop), ...more];
}

export class LogFollower {
  private name: string | null = null;
  /** Bumped by every select/close and every connection attempt: late callbacks of older ones do nothing. */
  private epoch = 0;
  private stream: FollowStream | null = null;
  private lines: LogLine[] = [];
  private pending: LogLine[] = [];
  /** After a reconnect: the last line already shown; backlog lines up to it are repeats. */
  private anchor: LogLine | null = null;
  /** Lines with the anchor's timestamp that may or may not be repeats (decided by the next line). */
  private held: LogLine[] = [];
  private state: LogStreamState = { kind: 'off' };
  private attempt = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly capacity: number;

  constructor(private readonly options: LogFollowerOptions) {
    this.capacity = Math.max(1, options.capacity ?? 1000);
  }

  get following(): string | null {
    return this.name;
  }

  /** Streams `name` (null: nothing). The same name again changes nothing. */
  select(name: string | null): void {
    if (name === this.name) return;
    this.halt();
    this.name = name;
    this.lines = [];
    this.pending = [];
    this.anchor = null;
    this.held = [];
    this.attempt = 0;
    if (name === null) this.setState({ kind: 'off' });
    else void this.connect(name);
  }

  /** Retries now when waiting to retry (the supervisor is known to be back); otherwise nothing. */
  retryNow(): void {
    if (this.state.kind !== 'retrying' || !this.retryTimer || this.name === null) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    void this.connect(this.name);
  }

  /** Stops streaming for good (the buffer is kept, the state becomes off). */
  close(): void {
    this.halt();
    this.name = null;
    this.state = { kind: 'off' };
  }

  private halt(): void {
    this.epoch++;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.flushTimer = null;
    this.retryTimer = null;
    this.stream?.close();
    this.stream = null;
  }

  private async connect(name: string): Promise<void> {
    const epoch = ++this.epoch;
    if (this.attempt === 0) this.setState({ kind: 'connecting', name });
    let stream: FollowStream;
    try {
      stream = await this.options.open(
        name,
        (line) => {
          if (epoch === this.epoch) this.receive(line, name);
        },
        this.capacity,
      );
    } catch (error) {
      if (epoch === this.epoch) this.retry(name, message(error));
      return;
    }
    if (epoch !== this.epoch) {
      stream.close();
      return;
    }
    this.stream = stream;
    this.attempt = 0;
    this.setState({ kind: 'live', name });
    void stream.done.then(() => {
      if (epoch !== this.epoch || this.stream !== stream) return;
      this.stream = null;
      this.epoch++;
      this.flush();
      this.anchor = this.lines.at(-1) ?? null;
      this.held = [];
      this.retry(name, 'the supervisor closed the log stream');
    });
  }

  private retry(name: string, error: string): void {
    this.attempt++;
    const delay = retryDelay(
      this.attempt,
      this.options.initialRetryMs ?? 500,
      this.options.maxRetryMs ?? 10_000,
    );
    this.setState({ kind: 'retrying', name, retryAt: Date.now() + delay, attempt: this.attempt, error });
    const epoch = this.epoch;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (epoch === this.epoch) void this.connect(name);
    }, delay);
    this.retryTimer.unref?.();
  }

  private receive(raw: SupervisorLogLine, name: string): void {
    const line: LogLine = { ts: raw.ts, source: name, text: raw.text };
    const anchor = this.anchor;
    if (anchor) {
      // The supervisor's ring is in time order: older lines were shown already, the anchor itself ends
      // the repeats, and the first later line means the anchor is gone (a new supervisor, or rolled off).
      if (line.ts < anchor.ts) return;
      if (line.ts === anchor.ts) {
        if (line.text === anchor.text) {
          this.anchor = null;
          this.held = [];
        } else if (this.held.length < this.capacity) this.held.push(line);
        return;
      }
      this.anchor = null;
      this.pending.push(...this.held);
      this.held = [];
    }
    this.pending.push(line);
    if (this.pending.length > 2 * this.capacity) this.pending.splice(0, this.pending.length - this.capacity);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.options.flushMs ?? 50);
      this.flushTimer.unref?.();
    }
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    this.lines = appendBounded(this.lines, this.pending, this.capacity);
    this.pending = [];
    this.options.publish(this.lines, this.state);
  }

  private setState(state: LogStreamState): void {
    this.state = state;
    this.options.publish(this.lines, state);
  }
}
