/**
 * The node's Server-Sent Events (`GET /events`): one hub per server listens to the node's head, epoch and tx
 * events while anyone subscribes, encodes each event once and hands it to every subscriber. Memory is bounded:
 * at most `maxClients` subscribers (the next one gets 503), and a subscriber whose unsent backlog — what its
 * socket buffers plus what waits here while the socket is full — passes `maxBacklogBytes` is disconnected.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LedgerNode } from './node.js';

const KEEP_ALIVE_MS = 15_000;
/** Heap an event waiting in a queue takes beyond its text (the array slot, the string header). */
const ENTRY_OVERHEAD = 64;

interface Encoded {
  text: string;
  bytes: number;
}

const encode = (text: string): Encoded => ({ text, bytes: Buffer.byteLength(text) });

class Subscriber {
  /** Events held back while the socket is full; written as one chunk when it drains. */
  private queue: string[] = [];
  private queuedBytes = 0;
  private blocked = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly maxBacklog: number,
  ) {
    res.on('drain', () => this.flush());
  }

  send(e: Encoded): void {
    if (this.res.destroyed) return;
    if (this.blocked) {
      this.queue.push(e.text);
      this.queuedBytes += e.bytes + ENTRY_OVERHEAD;
    } else if (!this.res.write(e.text)) this.blocked = true;
    if (this.queuedBytes + this.res.writableLength > this.maxBacklog) this.drop();
  }

  private flush(): void {
    this.blocked = false;
    if (this.queue.length === 0) return;
    const text = this.queue.join('');
    this.queue = [];
    this.queuedBytes = 0;
    this.send(encode(text));
  }

  drop(): void {
    this.queue = [];
    this.queuedBytes = 0;
    this.res.destroy();
  }
}

export class SseHub {
  private readonly subscribers = new Set<Subscriber>();
  private keepAlive: NodeJS.Timeout | undefined;
  private readonly onHead = (h: { number: number; hash: string; timestamp: number }) =>
    this.broadcast('head', { number: h.number, hash: h.hash, timestamp: h.timestamp });
  private readonly onEpoch = (e: unknown) => this.broadcast('epoch', e);
  private readonly onTx = (t: unknown) => this.broadcast('tx', t);
  private readonly onSwap = (w: unknown) => this.broadcast('swap', w);

  constructor(
    private readonly node: LedgerNode,
    private readonly limits: { maxClients: number; maxBacklogBytes: number },
  ) {}

  get size(): number {
    return this.subscribers.size;
  }

  handle(_req: IncomingMessage, res: ServerResponse): void {
    if (this.subscribers.size >= this.limits.maxClients) {
      const text = JSON.stringify({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32000,
          message: `the node serves at most ${this.limits.maxClients} event subscribers; retry later`,
        },
      });
      res.writeHead(503, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'retry-after': '5',
      });
      res.end(text);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': tao ledger events\n\n');
    const sub = new Subscriber(res, this.limits.maxBacklogBytes);
    this.subscribers.add(sub);
    if (this.subscribers.size === 1) this.attach();
    res.on('close', () => {
      if (this.subscribers.delete(sub) && this.subscribers.size === 0) this.detach();
    });
  }

  /** Disconnects every subscriber. */
  close(): void {
    for (const s of this.subscribers) s.drop();
  }

  private broadcast(event: string, data: unknown): void {
    this.sendAll(encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
  }

  private sendAll(e: Encoded): void {
    for (const s of this.subscribers) s.send(e);
  }

  private attach(): void {
    this.node.events.on('head', this.onHead);
    this.node.events.on('epoch', this.onEpoch);
    this.node.events.on('tx', this.onTx);
    this.node.events.on('swap', this.onSwap);
    this.keepAlive = setInterval(() => this.sendAll(encode(': keep-alive\n\n')), KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  private detach(): void {
    this.node.events.off('head', this.onHead);
    this.node.events.off('epoch', this.onEpoch);
    this.node.events.off('tx', this.onTx);
    this.node.events.off('swap', this.onSwap);
    clearInterval(this.keepAlive);
  }
}
