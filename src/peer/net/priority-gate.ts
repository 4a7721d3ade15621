/**
 * Bounded concurrency with priority: at most `limit` tasks run at once; waiting tasks are served highest
 * priority first (the caller's stake), FIFO among equals; a full queue refuses instead of growing.
 */

interface Waiter {
  priority: bigint;
  seq: number;
  start: () => void;
}

export class PriorityGate {
  private active = 0;
  private seq = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxQueue: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `task` when a slot is free; resolves to null (without running it) when the queue is full. */
  async run<T>(priority: bigint, task: () => Promise<T>): Promise<{ value: T } | null> {
    if (this.active >= this.limit) {
      if (this.queue.length >= this.maxQueue) return null;
      await new Promise<void>((start) => this.enqueue({ priority, seq: this.seq++, start }));
    } else this.active++;
    try {
      return { value: await task() };
    } finally {
      const next = this.queue.shift();
      if (next) next.start();
      else this.active--;
    }
  }

  private enqueue(waiter: Waiter): void {
    let i = this.queue.length;
    while (i > 0) {
      const prev = this.queue[i - 1]!;
      if (prev.priority > waiter.priority || (prev.priority === waiter.priority && prev.seq < waiter.seq))
        break;
      i--;
    }
    this.queue.splice(i, 0, waiter);
  }
}
