/**
 * A real HTTP server speaking JSON-RPC and SSE with per-test scripted answers, for pinning the client's
 * behaviour on failures a real node rarely shows on cue (resets, stalls, lost answers, stream drops).
 * The client under test is real; only the far side is scripted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RpcReply =
  | { result: unknown }
  | { error: { code: number; message: string; data?: unknown } }
  | 'reset'
  | 'stall';
export type RpcHandler = (params: unknown, call: number) => RpcReply | Promise<RpcReply>;

export interface ScriptedNode {
  url: string;
  calls: { method: string; params: unknown }[];
  /** Each /events connection gets the next handler; it writes to the response and may end it. */
  events: ((res: ServerResponse, connection: number) => void)[];
  eventConnections: number;
  close: () => Promise<void>;
}

export async function startScriptedNode(methods: Record<string, RpcHandler>): Promise<ScriptedNode> {
  const calls: { method: string; params: unknown }[] = [];
  const counts = new Map<string, number>();
  const node: Partial<ScriptedNode> = { calls, events: [], eventConnections: 0 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/events') {
      const n = node.eventConnections!;
      node.eventConnections = n + 1;
      const handler = node.events![n];
      if (!handler) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      handler(res, n);
      return;
    }
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', async () => {
      const msg = JSON.parse(body) as { id: number; method: string; params?: unknown };
      calls.push({ method: msg.method, params: msg.params });
      const count = (counts.get(msg.method) ?? 0) + 1;
      counts.set(msg.method, count);
      const handler = methods[msg.method];
      const reply: RpcReply = handler
        ? await handler(msg.params, count)
        : { error: { code: -32601, message: `method not found: ${msg.method}` } };
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      if (reply === 'stall') return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, ...reply }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  node.url = `http://127.0.0.1:${port}`;
  node.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return node as ScriptedNode;
}

/** A port on which nothing listens (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export const sse = (res: ServerResponse, event: string, data: unknown) =>
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
