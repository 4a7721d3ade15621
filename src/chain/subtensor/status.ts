/**
 * `tao node status --network …` on Subtensor: which chain answers, its runtime and head, over plain HTTP
 * JSON-RPC (no client library: status must stay quick and work where the WebSocket is firewalled).
 */
import { isTaoError } from '../../core/errors.js';
import { httpUrlOf } from '../network.js';
import { expectSubtensor } from '../probe.js';

async function call(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { result?: unknown };
  return body.result;
}

export interface SubtensorStatus {
  running: boolean;
  backend: 'subtensor';
  endpoint: string;
  chain?: string;
  spec_name?: string;
  spec_version?: number;
  block?: number | null;
  head_hash?: string;
  genesis_hash?: string;
}

export async function subtensorStatus(endpoint: string): Promise<SubtensorStatus> {
  try {
    await expectSubtensor(endpoint);
  } catch (error) {
    if (isTaoError(error) && error.code === 'E_NODE_UNREACHABLE')
      return { running: false, backend: 'subtensor', endpoint, block: null };
    throw error;
  }
  const http = httpUrlOf(endpoint);
  const [version, header, chain, genesis] = await Promise.all([
    call(http, 'state_getRuntimeVersion') as Promise<{ specName: string; specVersion: number }>,
    call(http, 'chain_getHeader') as Promise<{ number: string }>,
    call(http, 'system_chain') as Promise<string>,
    call(http, 'chain_getBlockHash', [0]) as Promise<string>,
  ]);
  const head = await call(http, 'chain_getBlockHash');
  return {
    running: true,
    backend: 'subtensor',
    endpoint,
    chain,
    spec_name: version.specName,
    spec_version: version.specVersion,
    block: Number.parseInt(header.number, 16),
    head_hash: String(head),
    genesis_hash: genesis,
  };
}
