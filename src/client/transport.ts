/**
 * JSON-RPC 2.0 over HTTP (undici) to the ledger node: per-request timeouts, retries on connection errors
 * only, and every failure mapped to a TaoError (unreachable → exit 4, ledger rejection → exit 5).
 */
import { type Dispatcher, request } from 'undici';
import { ExitCode, rejectedError, TaoError, unreachableError, usageError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';

export const NODE_HINT =
  'start a local dev ledger with `tao node start --dev`, or point --node at a running node';

export interface TransportOptions {
  /** Per-request timeout (connect + response), default 10 s. */
  timeoutMs?: number;
  /** Extra attempts after a connection error, default 2. */
  retries?: number;
  /** First retry delay; doubles each time. Default 150 ms. */
  retryDelayMs?: number;
  dispatcher?: Dispatcher;
}

export interface CallOptions {
  timeoutMs?: number;
  /**
   * Whether repeating the request is harmless. A non-idempotent call is retried only when the error
   * proves the request never reached the node (connection refused, connect timeout).
   */
  idempotent?: boolean;
  signal?: AbortSignal;
}

/** Network failure classes: whether the node can have seen the request. */
export type ConnectionFailure = 'not-sent' | 'maybe-sent';

const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const MAYBE_SENT = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
]);

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== 'object' || depth > 4) return;
    const o = e as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    if (typeof o.code === 'string') codes.push(o.code);
    if (o.name === 'TimeoutError') codes.push('ETIMEDOUT');
    visit(o.cause, depth + 1);
    if (Array.isArray(o.errors)) for (const inner of o.errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return codes;
}

/** Classifies a thrown network error; null when it is not a connection problem. */
export function classifyConnectionError(error: unknown): ConnectionFailure | null {
  const codes = errorCodes(error);
  if (codes.length > 0 && codes.every((c) => NOT_SENT.has(c))) return 'not-sent';
  if (codes.some((c) => NOT_SENT.has(c) || MAYBE_SENT.has(c))) return 'maybe-sent';
  return null;
}

function describeConnectionError(error: unknown): string {
  const codes = errorCodes(error);
  if (codes.includes('ECONNREFUSED')) return 'connection refused';
  if (codes.some((c) => c === 'ETIMEDOUT' || c.endsWith('_TIMEOUT'))) return 'timed out';
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) return 'host not found';
  if (codes.includes('ECONNRESET') || codes.includes('UND_ERR_SOCKET')) return 'connection reset';
  return codes[0] ?? (error instanceof Error ? error.message : String(error));
}

export const unreachable = (url: string, error: unknown): TaoError =>
  unreachableError(`cannot reach the ledger node at ${url}: ${describeConnectionError(error)}`, NODE_HINT);

interface JsonRpcError {
  code: number;
  message: string;
  data?: { code?: string; [key: string]: unknown };
}

/** Maps a JSON-RPC error object to the TaoError of docs/cli.md's exit-code table. */
export function mapRpcError(method: string, error: JsonRpcError): TaoError {
  const ledgerCode = typeof error.data?.code === 'string' ? error.data.code : undefined;
  const message = typeof error.message === 'string' ? error.message : 'unknown error';
  switch (error.code) {
    case -32000:
      return rejectedError(ledgerCode ?? 'E_REJECTED', message);
    case -32601:
      return rejectedError(
        ledgerCode ?? 'E_METHOD_NOT_FOUND',
        `the node does not offer '${method}' (${message}); dev_* methods exist only on a dev ledger`,
      );
    case -32602:
      return usageError(ledgerCode ?? 'E_INVALID_PARAMS', `invalid parameters for ${method}: ${message}`);
    default:
      return new TaoError(
        ledgerCode ?? 'E_NODE_ERROR',
        `the node failed on ${method}: ${message} (JSON-RPC ${error.code})`,
        ExitCode.unexpected,
      );
  }
}

/**
 * One request's signal: aborts after `timeoutMs` (reason: a TimeoutError, as AbortSignal.timeout) or when
 * `outer` aborts. `done()` clears the timer and the listener on `outer`. Not AbortSignal.any: on Node 20
 * a signal made by any() stays in its long-lived source's set of dependants (a WeakRef, never pruned),
 * so a console whose feed passes one signal to every request kept ~150 bytes per request for good.
 */
export function requestSignal(
  timeoutMs: number,
  outer?: AbortSignal,
): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    timeoutMs,
  );
  timer.unref?.();
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

export class RpcTransport {
  readonly url: string;
  private readonly endpoint: URL;
  private nextId = 1;

  constructor(
    url: string,
    private readonly options: TransportOptions = {},
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw usageError('E_BAD_NODE_URL', `malformed node URL '${url}': expected e.g. http://127.0.0.1:9944`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw usageError('E_BAD_NODE_URL', `node URL '${url}' must be http:// or https://`);
    }
    this.url = url;
    this.endpoint = parsed;
  }

  /** The absolute URL of a path on the node (`/events`). */
  resolve(path: string): URL {
    return new URL(path, this.endpoint);
  }

  get dispatcher(): Dispatcher | undefined {
    return this.options.dispatcher;
  }

  /** Calls `method`, returning its `result`; throws TaoError on every failure. */
  async call(method: string, params?: unknown, options: CallOptions = {}): Promise<unknown> {
    const idempotent = options.idempotent ?? true;
    const retries = this.options.retries ?? 2;
    let delay = this.options.retryDelayMs ?? 150;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, params, options);
      } catch (error) {
        if (error instanceof TaoError) throw error;
        if (options.signal?.aborted) throw error;
        const failure = classifyConnectionError(error);
        if (failure === null) throw error;
        const mayRetry = failure === 'not-sent' || idempotent;
        if (!mayRetry || attempt >= retries) throw unreachable(this.url, error);
        if (!(await sleep(delay, options.signal))) throw options.signal?.reason;
        delay *= 2;
      }
    }
  }

  private async once(method: string, params: unknown, options: CallOptions): Promise<unknown> {
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const { signal, done } = requestSignal(timeoutMs, options.signal);
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      res = await request(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
      text = await res.body.text();
    } finally {
      done();
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (res.statusCode >= 500 || res.statusCode === 404) {
        throw unreachableError(
          `the service at ${this.url} is not a tao ledger node (HTTP ${res.statusCode} to ${method})`,
          NODE_HINT,
        );
      }
      throw new TaoError(
        'E_BAD_RESPONSE',
        `the node at ${this.url} answered ${method} with something that is not JSON (HTTP ${res.statusCode})`,
        ExitCode.unexpected,
      );
    }
    const reply = parsed as { result?: unknown; error?: JsonRpcError } | null;
    if (reply && typeof reply === 'object' && reply.error && typeof reply.error === 'object') {
      throw mapRpcError(method, reply.error);
    }
    if (!reply || typeof reply !== 'object' || !('result' in reply)) {
      throw new TaoError(
        'E_BAD_RESPONSE',
        `the node at ${this.url} answered ${method} without a JSON-RPC result (HTTP ${res.statusCode})`,
        ExitCode.unexpected,
      );
    }
    return reply.result;
  }
}
