/**
 * The axon: the peer's HTTP endpoint that answers batched forward requests from registered neighbours.
 * Every request is signed by the caller's hotkey over the body and a fresh nonce; the caller must be
 * registered on the subnet; replays, oversized bodies and malformed batches are refused; under load,
 * higher-stake callers are served first.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scheme } from '../../crypto/tx-payload.js';
import { verify } from '../../crypto/keys.js';
import { decodeAddress } from '../../crypto/ss58.js';
import { fromHex } from '../../crypto/hex.js';
import { PriorityGate } from './priority-gate.js';
import {
  CLASSES,
  FEATURES,
  FLOAT32_MAX,
  type ForwardRequest,
  HEADER_HOTKEY,
  HEADER_NONCE,
  HEADER_SCHEME,
  HEADER_SIGNATURE,
  MAX_BATCH,
  MAX_BODY_BYTES,
  requestPayload,
} from './protocol.js';

export interface CallerInfo {
  uid: number;
  stake: bigint;
}

export interface AxonOptions {
  /** The serving peer's hotkey public key (requests are signed for this axon only). */
  hotkeyPublicKey: Uint8Array;
  host?: string;
  port: number;
  /** Answers one batch: x is b × 32 features, returns b × 10 probabilities. */
  forward: (x: Float32Array, b: number) => Promise<Float32Array>;
  /** The caller's registration on the subnet, or null when it is not registered. */
  resolveCaller: (ss58: string) => CallerInfo | null;
  /** Extra fields for GET /health. */
  health?: () => Record<string, unknown>;
  /** The body of GET /status (404 when absent). */
  status?: () => unknown;
  maxConcurrent?: number;
  maxQueue?: number;
  /** Nonces older than this are refused even if never seen (bounds replay memory across restarts). */
  maxNonceAgeMs?: number;
}

export interface AxonStats {
  served: number;
  rejected: Record<string, number>;
  running: number;
  waiting: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Axon {
  private server: Server | null = null;
  private readonly gate: PriorityGate;
  /** Nonces seen per caller inside the freshness window (requests may arrive out of order). */
  private readonly seenNonces = new Map<string, Set<bigint>>();
  private readonly startedAtMicros = BigInt(Date.now()) * 1000n;
  private readonly stats: AxonStats = { served: 0, rejected: {}, running: 0, waiting: 0 };

  constructor(private readonly options: AxonOptions) {
    this.gate = new PriorityGate(options.maxConcurrent ?? 4, options.maxQueue ?? 256);
  }

  async listen(): Promise<number> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail(res, error));
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    server.keepAliveTimeout = 5_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  snapshot(): AxonStats {
    return {
      ...this.stats,
      rejected: { ...this.stats.rejected },
      running: this.gate.running,
      waiting: this.gate.waiting,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/health') {
      return this.reply(res, 200, { ok: true, ...(this.options.health?.() ?? {}), axon: this.snapshot() });
    }
    if (req.method === 'GET' && req.url === '/status' && this.options.status) {
      return this.reply(res, 200, this.options.status());
    }
    if (req.method !== 'POST' || req.url !== '/forward')
      throw new HttpError(404, 'E_NOT_FOUND', 'no such endpoint');
    const body = await readBody(req);
    const caller = this.authenticate(req, body);
    const batch = parseBatch(body);
    const outcome = await this.gate.run(caller.stake, () => this.options.forward(batch.x, batch.b));
    if (!outcome) throw new HttpError(503, 'E_BUSY', 'axon queue is full; retry later');
    const probs = outcome.value;
    if (probs.length !== batch.b * CLASSES)
      throw new Error(`model returned ${probs.length} values for ${batch.b} rows`);
    // JSON would turn NaN/Infinity into null: a caller must never get 200 with non-numbers in it.
    if (!probs.every(Number.isFinite))
      throw new HttpError(500, 'E_MODEL_OUTPUT', 'the model returned a non-finite probability');
    this.stats.served++;
    this.reply(res, 200, { probs: Array.from(probs) });
  }

  private authenticate(req: IncomingMessage, body: Uint8Array): CallerInfo {
    const hotkey = header(req, HEADER_HOTKEY);
    const nonceText = header(req, HEADER_NONCE);
    const signatureHex = header(req, HEADER_SIGNATURE);
    const scheme = (req.headers[HEADER_SCHEME] ?? 'sr25519') as Scheme;
    if (scheme !== 'sr25519' && scheme !== 'ed25519')
      throw new HttpError(400, 'E_BAD_REQUEST', 'unknown scheme');
    let callerKey: Uint8Array;
    let signature: Uint8Array;
    try {
      callerKey = decodeAddress(hotkey);
      signature = fromHex(signatureHex);
    } catch {
      throw new HttpError(400, 'E_BAD_REQUEST', 'malformed hotkey or signature header');
    }
    if (!/^\d{1,20}$/.test(nonceText)) throw new HttpError(400, 'E_BAD_REQUEST', 'malformed nonce');
    const nonce = BigInt(nonceText);
    const caller = this.options.resolveCaller(hotkey);
    if (!caller)
      throw new HttpError(403, 'E_NOT_REGISTERED', 'caller hotkey is not registered on this subnet');
    const payload = requestPayload(this.options.hotkeyPublicKey, callerKey, nonce, body);
    if (!verify(scheme, callerKey, payload, signature))
      throw new HttpError(401, 'E_BAD_SIGNATURE', 'bad signature');
    if (!this.acceptNonce(hotkey, nonce)) {
      throw new HttpError(401, 'E_REPLAY', 'nonce already used or too old (replay refused)');
    }
    return caller;
  }

  /**
   * A nonce is fresh when it is inside the window [now − maxAge, now + maxAge], not older than this axon's
   * start (so a restart cannot be fed old requests) and not seen before. Seen nonces older than the window
   * are forgotten, which keeps memory bounded.
   */
  private acceptNonce(hotkey: string, nonce: bigint): boolean {
    const window = BigInt(this.options.maxNonceAgeMs ?? 60_000) * 1000n;
    const now = BigInt(Date.now()) * 1000n;
    const oldest = now - window > this.startedAtMicros ? now - window : this.startedAtMicros;
    if (nonce < oldest || nonce > now + window) return false;
    let seen = this.seenNonces.get(hotkey);
    if (!seen) {
      seen = new Set();
      this.seenNonces.set(hotkey, seen);
    }
    if (seen.has(nonce)) return false;
    for (const old of seen) if (old < oldest) seen.delete(old);
    seen.add(nonce);
    return true;
  }

  private fail(res: ServerResponse, error: unknown): void {
    const http = error instanceof HttpError ? error : new HttpError(500, 'E_INTERNAL', String(error));
    this.stats.rejected[http.code] = (this.stats.rejected[http.code] ?? 0) + 1;
    if (!res.headersSent) this.reply(res, http.status, { error: { code: http.code, message: http.message } });
    else res.destroy();
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new HttpError(401, 'E_UNAUTHENTICATED', `missing ${name} header`);
  }
  return value;
}

function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return Promise.reject(new HttpError(413, 'E_TOO_LARGE', `body above ${MAX_BODY_BYTES} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'E_TOO_LARGE', `body above ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function parseBatch(body: Uint8Array): { b: number; x: Float32Array } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new HttpError(400, 'E_BAD_REQUEST', 'body is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new HttpError(400, 'E_BAD_REQUEST', 'body must be a JSON object {"b": rows, "x": [numbers]}');
  const { b, x } = parsed as Partial<ForwardRequest>;
  if (typeof b !== 'number' || !Number.isInteger(b) || b < 1 || b > MAX_BATCH) {
    throw new HttpError(400, 'E_BAD_REQUEST', `batch size must be an integer in 1..${MAX_BATCH}`);
  }
  if (!Array.isArray(x) || x.length !== b * FEATURES) {
    throw new HttpError(400, 'E_BAD_REQUEST', `x must hold b × ${FEATURES} numbers`);
  }
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v: unknown = x[i];
    if (typeof v !== 'number') throw new HttpError(400, 'E_BAD_REQUEST', 'x holds a non-number');
    out[i] = v;
    // Checked after the float32 conversion: 1e300 is a finite double but becomes Infinity here.
    if (!Number.isFinite(out[i]))
      throw new HttpError(
        400,
        'E_BAD_REQUEST',
        `x holds a value outside the float32 range (±${FLOAT32_MAX})`,
      );
  }
  return { b, x: out };
}
