/**
 * `tao node status --network …` on Subtensor: which chain answers, its runtime and head, over plain HTTP
 * JSON-RPC (no client library: status must stay quick and work where the WebSocket is firewalled).
 */
import { isTaoError } from '../../core/errors.js';
import { httpUrlOf } from '../network.js';
import { expectSubtensor } from '../probe.js';
import { chainHead, httpRpc } from './http-rpc.js';

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
  const [head, chain, genesis] = await Promise.all([
    chainHead(http, 10_000),
    httpRpc<string>(http, 'system_chain', [], 10_000),
    httpRpc<string>(http, 'chain_getBlockHash', [0], 10_000),
  ]);
  return {
    running: true,
    backend: 'subtensor',
    endpoint,
    chain,
    spec_name: head.spec_name,
    spec_version: head.spec_version,
    block: head.head,
    head_hash: head.head_hash,
    genesis_hash: genesis,
  };
}
