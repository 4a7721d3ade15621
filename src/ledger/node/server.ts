/**
 * The node's HTTP face (node:http, no framework): JSON-RPC 2.0 on `POST /` (single or batch), Server-Sent
 * Events on `GET /events` (sse.ts), `GET /health`. Limits (limits.ts): bodies over 1 MiB → 413 + JSON-RPC
 * error; malformed JSON → -32700; headers and whole requests that arrive too slowly are cut off (408) within
 * a second of their timeout; open connections are capped below the process's open-file limit, and running out
 * of descriptors on accept is back-pressure (logged), never an exception.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLedgerError } from '../state/errors.js';
import { resolveLimits, type ServerLimits } from './limits.js';
import type { LedgerNode } from './node.js';
import { methods, RpcError } from './rpc.js';
import { SseHub } from './sse.js';

export const MAX_BODY = 1024 * 1024;
const MAX_BATCH = 1000;
/** Warnings about refused connections: at most one per this long. */
const WARN_EVERY_MS = 10_000;

interface RpcRequest {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

const errorBody = (id: unknown, code: number, message: string, dataCode?: string) => ({
  jsonrpc: '2.0',
  id: id ?? null,
  error: { code, message, ...(dataCode ? { data: { code: dataCode } } : {}) },
});

function validId(id: unknown): boolean {
  return (
    id === undefined ||
    id === null ||
    typeof id === 'string' ||
    (typeof id === 'number' && Number.isFinite(id))
  );
}

async function handleOne(node: LedgerNode, req: unknown): Promise<unknown | undefined> {
  if (typeof req !== 'object' || req === null || Array.isArray(req))
    return errorBody(null, -32600, 'invalid request: expected a JSON-RPC 2.0 object');
  const r = req as RpcRequest;
  const id = validId(r.id) ? r.id : null;
  if (r.jsonrpc !== '2.0' || typeof r.method !== 'string' || !validId(r.id))
    return errorBody(
      id,
      -32600,
      'invalid request: needs jsonrpc "2.0", a string method and a string/number id',
    );
  const notification = r.id === undefined;
  const handler = Object.hasOwn(methods, r.method) ? methods[r.method] : undefined;
  if (!handler)
    return notification ? undefined : errorBody(id, -32601, `method not found: ${r.method.slice(0, 60)}`);
  let params: Record<string, unknown>;
  if (r.params === undefined || r.params === null) params = {};
  else if (typeof r.params === 'object' && !Array.isArray(r.params))
    params = r.params as Record<string, unknown>;
  else if (Array.isArray(r.params) && r.params.length === 0) params = {};
  else if (
    Array.isArray(r.params) &&
    r.params.length === 1 &&
    typeof r.params[0] === 'object' &&
    r.params[0] !== null &&
    !Array.isArray(r.params[0])
  )
    params = r.params[0] as Record<string, unknown>;
  else return errorBody(id, -32602, 'params must be an object (named parameters)', 'E_INVALID_PARAMS');
  try {
    const result = await handler(node, params);
    return notification ? undefined : { jsonrpc: '2.0', id, result: result ?? null };
  } catch (e) {
    if (notification) return undefined;
    if (e instanceof RpcError) return errorBody(id, e.code, e.message, e.dataCode);
    if (isLedgerError(e)) return errorBody(id, -32000, e.message, e.code);
    node.events.emit('rpc-error', e);
    return errorBody(id, -32603, `internal error: ${(e as Error).message}`, 'E_INTERNAL');
  }
}

function send(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY) {
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > MAX_BODY) {
        done = true;
        resolve('too-large');
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('close', () => {
      if (!req.complete && !done) {
        done = true;
        resolve('aborted');
      }
    });
    req.on('error', reject);
  });
}

async function handleRpc(node: LedgerNode, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (body === 'aborted') return; // timed out or the client left: nothing to answer
  if (body === 'too-large') {
    send(res, 413, errorBody(null, -32600, `request body exceeds ${MAX_BODY} bytes`, 'E_TOO_LARGE'), true);
    req.resume();
    setTimeout(() => req.socket.destroy(), 1000).unref();
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    send(res, 200, errorBody(null, -32700, 'parse error: the body is not valid JSON'));
    return;
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0 || parsed.length > MAX_BATCH) {
      send(res, 200, errorBody(null, -32600, `a batch holds 1..${MAX_BATCH} requests`));
      return;
    }
    const out: unknown[] = [];
    for (const r of parsed) {
      const one = await handleOne(node, r);
      if (one !== undefined) out.push(one);
    }
    if (out.length === 0) {
      res.writeHead(204).end();
      return;
    }
    send(res, 200, out);
    return;
  }
  const one = await handleOne(node, parsed);
  if (one === undefined) res.writeHead(204).end();
  else send(res, 200, one);
}

/** The RPC server; `limits` override the defaults of limits.ts (node-process/foreground.ts passes the environment's). */
export function createRpcServer(node: LedgerNode, limits: Partial<ServerLimits> = {}): Server {
  const l = resolveLimits(limits);
  const events = new SseHub(node, { maxClients: l.sseMaxClients, maxBacklogBytes: l.sseMaxBacklogBytes });
  const server = createServer(
    {
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default: a 30 s timeout fired at up to 60 s)
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(l.headersTimeoutMs / 4))),
    },
    (req, res) => {
      const url = (req.url ?? '/').split('?')[0];
      if (req.method === 'POST' && (url === '/' || url === '')) {
        handleRpc(node, req, res).catch((e) => {
          if (!res.headersSent)
            send(res, 500, errorBody(null, -32603, `internal error: ${(e as Error).message}`));
          else res.destroy();
        });
        return;
      }
      if (req.method === 'GET' && url === '/events') return events.handle(req, res);
      if (req.method === 'GET' && url === '/health')
        return send(res, 200, { ok: true, head: node.head.number });
      send(
        res,
        req.method === 'POST' || req.method === 'GET' ? 404 : 405,
        errorBody(null, -32600, 'POST / for JSON-RPC, GET /events for events'),
      );
    },
  );
  server.keepAliveTimeout = 5_000;
  server.timeout = 120_000;
  server.maxHeadersCount = 100;
  server.maxConnections = l.maxConnections;
  const warned = { drop: 0, emfile: 0 };
  const warn = (kind: keyof typeof warned, line: string) => {
    const now = Date.now();
    if (now - warned[kind] < WARN_EVERY_MS) return;
    warned[kind] = now;
    process.stderr.write(`warning: ${line}\n`);
  };
  server.on('drop', () =>
    warn('drop', `${l.maxConnections} connections are open (the cap); refusing new ones until some close`),
  );
  // accept() failing for want of descriptors is back-pressure: libuv retries, the node keeps serving
  server.on('error', (e: NodeJS.ErrnoException) => {
    if (!server.listening) return; // listen's own errors go to listen()
    if (e.code === 'EMFILE' || e.code === 'ENFILE')
      warn('emfile', 'out of file descriptors: refusing new connections until some close');
    else process.stderr.write(`warning: RPC server: ${e.message}\n`);
  });
  server.on('close', () => events.close());
  return server;
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
