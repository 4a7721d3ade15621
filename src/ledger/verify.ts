/**
 * `tao node verify`: replays every stored block from the stored genesis config on a fresh state and checks
 * that each rebuilt block (receipts, state root, hash) equals the stored one, and that the replayed state
 * equals the stored state records. Signatures are re-verified.
 */
import { TaoError } from '../core/errors.js';
import { buildBlock } from './block.js';
import { isLedgerError } from './errors.js';
import { buildGenesis, decodeGenesis } from './genesis.js';
import { loadState } from './node.js';
import { ChainStore } from './store.js';
import { checkTxStateless } from './tx-check.js';

export interface VerifyResult {
  ok: boolean;
  head: number;
  blocks: number;
  txs: number;
  state_root: string;
  error?: { block: number; message: string };
}

export async function verifyChain(dataDir: string): Promise<VerifyResult> {
  const store = await ChainStore.open(dataDir);
  try {
    const text = await store.genesis();
    if (text === undefined)
      throw new TaoError('E_NO_CHAIN', `no chain in ${dataDir}`, 2, 'start a node first');
    const config = decodeGenesis(text);
    const g = buildGenesis(config);
    const headRef = (await store.head())!;
    const fail = (block: number, message: string, txs: number): VerifyResult => ({
      ok: false,
      head: headRef.number,
      blocks: block,
      txs,
      state_root: g.hasher.root(),
      error: { block, message },
    });
    const stored0 = await store.block(0);
    if (!stored0 || stored0.header.hash !== g.header.hash)
      return fail(0, 'genesis block does not match the genesis config', 0);
    let parent = g.header;
    let txCount = 0;
    for (let n = 1; n <= headRef.number; n++) {
      const stored = await store.block(n);
      if (!stored) return fail(n, 'block missing from storage', txCount);
      const candidates = [];
      for (const t of stored.txs) {
        try {
          candidates.push(checkTxStateless(t.tx, g.header.hash));
        } catch (e) {
          if (!isLedgerError(e)) throw e;
          return fail(n, `stored tx ${t.tx_hash} is invalid: ${e.code} ${e.message}`, txCount);
        }
      }
      const { block } = buildBlock(g.state, g.hasher, parent, candidates, stored.header.timestamp);
      txCount += block.txs.length;
      for (let i = 0; i < block.txs.length; i++) {
        const a = block.txs[i]!;
        const b = stored.txs[i]!;
        if (a.tx_hash !== b.tx_hash || a.status !== b.status || a.error?.code !== b.error?.code)
          return fail(
            n,
            `tx ${i} replays as ${a.status}${a.error ? ` ${a.error.code}` : ''}, stored ${b.status}`,
            txCount,
          );
      }
      if (block.header.state_root !== stored.header.state_root)
        return fail(
          n,
          `state root ${block.header.state_root} differs from stored ${stored.header.state_root}`,
          txCount,
        );
      if (block.header.hash !== stored.header.hash) return fail(n, 'block hash differs', txCount);
      parent = block.header;
    }
    if (parent.hash !== headRef.hash)
      return fail(headRef.number, 'head hash differs from the replayed head', txCount);
    const loaded = await loadState(store, config);
    if (loaded.hasher.root() !== parent.state_root)
      return fail(headRef.number, 'stored state records do not match the replayed state root', txCount);
    return {
      ok: true,
      head: headRef.number,
      blocks: headRef.number + 1,
      txs: txCount,
      state_root: parent.state_root,
    };
  } finally {
    await store.close();
  }
}
