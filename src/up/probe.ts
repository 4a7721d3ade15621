/**
 * Small network probes for `tao up`: is a local TCP port free, does a ledger node answer on an RPC URL,
 * does a peer answer `GET /health`. Every probe is bounded by a short timeout and never throws.
 */
import { createServer } from 'node:net';

/** True when nothing can bind 127.0.0.1:`port` (someone listens there). */
export function portBusy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => resolve(false));
    });
  });
}

/** The node's `system_info` result when a ledger node answers at `url`, else null. */
export async function probeNode(url: string, timeoutMs = 1500): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_info' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as { result?: Record<string, unknown> };
    return body.result && typeof body.result === 'object' ? body.result : null;
  } catch {
    return null;
  }
}

/** True when `GET url` answers 2xx within the timeout. */
export async function httpOk(url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => undefined);
    return res.ok;
  } catch {
    return false;
  }
}
