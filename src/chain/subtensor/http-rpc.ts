/**
 * JSON-RPC over HTTP to a Substrate node (Chopsticks serves HTTP and WebSocket on one port). Connection
 * failures are exit 4 (unreachable); an error answer is E_NODE_ERROR (exit 1) with the node's message.
 */
import { TaoError, unreachableError } from '../../core/errors.js';

let nextId = 1;

export async function httpRpc<T = unknown>(
  url: string,
  method: string,
  params: unknown[] = [],
  timeoutMs = 30_000,
  hint = 'is the node running and the URL right?',
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const why = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    throw unreachableError(`no answer from ${url} (${method}): ${why}`, hint);
  }
  const text = await res.text();
  let body: { result?: T; error?: { code: number; message: string; data?: unknown } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw unreachableError(
      `${url} answered ${method} with HTTP ${res.status}, not JSON-RPC: ${text.slice(0, 200)}`,
    );
  }
  if (body.error)
    throw new TaoError(
      'E_NODE_ERROR',
      `${method} failed: ${body.error.message}${body.error.data ? ` (${JSON.stringify(body.error.data)})` : ''}`,
      1,
    );
  return body.result as T;
}

export interface RuntimeVersionRpc {
  specName: string;
  specVersion: number;
}

export interface ChainHead {
  spec_name: string;
  spec_version: number;
  head: number;
  head_hash: string;
}

/** The runtime version and best block of the node at `url`. */
export async function chainHead(url: string, timeoutMs = 5000): Promise<ChainHead> {
  const [version, header] = await Promise.all([
    httpRpc<RuntimeVersionRpc>(url, 'state_getRuntimeVersion', [], timeoutMs),
    httpRpc<{ number: string }>(url, 'chain_getHeader', [], timeoutMs),
  ]);
  const head = Number.parseInt(header.number, 16);
  const hash = await httpRpc<string>(url, 'chain_getBlockHash', [head], timeoutMs);
  return { spec_name: version.specName, spec_version: version.specVersion, head, head_hash: hash };
}
