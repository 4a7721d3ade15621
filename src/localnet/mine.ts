/**
 * `tao localnet mine N`: Chopsticks' `dev_newBlock {count}` over HTTP JSON-RPC, in chunks so a large N can
 * report progress; returns the new head.
 */
import { usageError } from '../core/errors.js';
import { httpRpc } from '../chain/subtensor/http-rpc.js';

export interface MineResult {
  mined: number;
  head: number;
  head_hash: string;
  ms: number;
}

const CHUNK = 10;
const LOCALNET_HINT = 'is the localnet running? tao localnet status';

export async function mineBlocks(
  httpUrl: string,
  count: number,
  progress: (done: number, total: number) => void = () => undefined,
): Promise<MineResult> {
  if (!Number.isInteger(count) || count < 1) throw usageError('E_BAD_FLAG', `N must be a positive integer`);
  const t0 = Date.now();
  let done = 0;
  while (done < count) {
    const n = Math.min(CHUNK, count - done);
    await httpRpc(httpUrl, 'dev_newBlock', [{ count: n }], 60_000 + n * 10_000, LOCALNET_HINT);
    done += n;
    if (count > CHUNK) progress(done, count);
  }
  const header = await httpRpc<{ number: string }>(httpUrl, 'chain_getHeader', []);
  const head = Number.parseInt(header.number, 16);
  const head_hash = await httpRpc<string>(httpUrl, 'chain_getBlockHash', [head]);
  return { mined: count, head, head_hash, ms: Date.now() - t0 };
}
