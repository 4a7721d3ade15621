/**
 * Server-Sent Events from the node's `GET /events`: a pure incremental parser, and an async iterator that
 * reconnects with exponential backoff until its signal aborts (the console and the peer live on it).
 */
import { request } from 'undici';
import { sleep } from '../core/sleep.js';
import { decodeEvent } from './decode.js';
import type { RpcTransport } from './transport.js';
import type { NodeEvent } from './types.js';

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/** Incremental SSE parser (WHATWG rules): feed text chunks, get complete messages. */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;

  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message) out.push(message);
    }
    return out;
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = '';
        return null;
      }
      const message: SseMessage = { event: this.event || 'message', data: this.data.join('\n') };
      if (this.id !== undefined) message.id = this.id;
      this.event = '';
      this.data = [];
      return message;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return null;
  }
}

export type ConnectionState = 'open' | 'reconnecting';

export interface EventStreamOptions {
  /** Told when the stream opens, and when it dropped and a reconnect is scheduled (with why). */
  onConnection?: (state: ConnectionState, error?: unknown) => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** No byte for this long (the node sends a keep-alive every 15 s) counts as a dead stream. */
  idleTimeoutMs?: number;
}

/** Typed node events, forever (reconnecting), until `signal` aborts; then the iterator just ends. */
export async function* nodeEvents(
  transport: RpcTransport,
  signal?: AbortSignal,
  options: EventStreamOptions = {},
): AsyncGenerator<NodeEvent, void, undefined> {
  const min = options.minBackoffMs ?? 250;
  const max = options.maxBackoffMs ?? 5_000;
  const url = transport.resolve('/events');
  let backoff = min;
  while (!signal?.aborted) {
    let failure: unknown;
    try {
      const res = await request(url, {
        method: 'GET',
        headers: { accept: 'text/event-stream' },
        headersTimeout: 10_000,
        bodyTimeout: options.idleTimeoutMs ?? 45_000,
        ...(signal ? { signal } : {}),
        ...(transport.dispatcher ? { dispatcher: transport.dispatcher } : {}),
      });
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new Error(`GET /events answered HTTP ${res.statusCode}`);
      }
      options.onConnection?.('open');
      backoff = min;
      res.body.setEncoding('utf8');
      const parser = new SseParser();
      for await (const chunk of res.body) {
        for (const message of parser.push(chunk as string)) {
          let event: NodeEvent | null = null;
          try {
            event = decodeEvent(message.event, JSON.parse(message.data));
          } catch {
            event = null; // a malformed event is skipped, never fatal to the stream
          }
          if (event) yield event;
        }
      }
      failure = new Error('the node closed the event stream');
    } catch (error) {
      failure = error;
    }
    if (signal?.aborted) return;
    options.onConnection?.('reconnecting', failure);
    const jittered = backoff / 2 + Math.random() * (backoff / 2);
    if (!(await sleep(jittered, signal))) return;
    backoff = Math.min(backoff * 2, max);
  }
}
