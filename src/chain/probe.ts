/**
 * What answers at an endpoint: a Subtensor chain, tao's own ledger, or something else. One HTTP JSON-RPC
 * round trip (Substrate nodes and Chopsticks serve HTTP on their WebSocket port), so `--network local`
 * pointed at tao's ledger on 9944 is told apart instead of hanging in a WebSocket reconnect loop.
 */
import { ExitCode, TaoError, unreachableError } from '../core/errors.js';
import { httpUrlOf } from './network.js';

export type ProbeResult =
  | { kind: 'subtensor'; specName: string; specVersion: number }
  | { kind: 'ledger' }
  | { kind: 'substrate'; specName: string }
  | { kind: 'no-http' };

async function rpc(
  url: string,
  method: string,
  timeoutMs: number,
): Promise<{ result?: unknown; error?: { code: number } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok && response.status !== 400 && response.status !== 404)
    throw new HttpStatus(response.status);
  const body: unknown = await response.json().catch(() => undefined);
  if (!body || typeof body !== 'object') throw new HttpStatus(response.status);
  return body as { result?: unknown; error?: { code: number } };
}

class HttpStatus extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

export async function probeEndpoint(url: string, timeoutMs = 10_000): Promise<ProbeResult> {
  const http = httpUrlOf(url);
  let answer: { result?: unknown; error?: { code: number } };
  try {
    answer = await rpc(http, 'state_getRuntimeVersion', timeoutMs);
  } catch (error) {
    if (error instanceof HttpStatus) return { kind: 'no-http' };
    const why =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw unreachableError(`cannot reach ${url}: ${why}`, 'is the node running and the URL right?');
  }
  const version = answer.result as { specName?: unknown; specVersion?: unknown } | undefined;
  if (version && typeof version.specName === 'string') {
    return /subtensor/i.test(version.specName)
      ? { kind: 'subtensor', specName: version.specName, specVersion: Number(version.specVersion) }
      : { kind: 'substrate', specName: version.specName };
  }
  const ledger = await rpc(http, 'system_info', timeoutMs).catch(() => undefined);
  return ledger?.result && typeof ledger.result === 'object' ? { kind: 'ledger' } : { kind: 'no-http' };
}

/** Refuses anything that is not a Subtensor chain (exit 2), naming what answered instead. */
export async function expectSubtensor(url: string): Promise<ProbeResult> {
  const found = await probeEndpoint(url);
  if (found.kind === 'ledger')
    throw new TaoError(
      'E_NOT_SUBTENSOR',
      `${url} is tao's own ledger, not a Subtensor chain`,
      ExitCode.usage,
      `talk to it with --node ${httpUrlOf(url)} (or --network ${httpUrlOf(url)})`,
    );
  if (found.kind === 'substrate')
    throw new TaoError(
      'E_NOT_SUBTENSOR',
      `${url} runs '${found.specName}', not Subtensor`,
      ExitCode.usage,
      'point --network at a Subtensor node (finney, test, local, or a ws:// URL)',
    );
  return found;
}
