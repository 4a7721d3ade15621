/**
 * `tao node verify`: replays every stored block from the stored genesis config on a fresh state and checks
 * that each rebuilt block (receipts, state root, hash) equals the stored one, and that the replayed state
 * equals the stored state records. Signatures are re-verified, sr25519 with schnorrkel's wasm build (loading it
 * costs ~0.2 s, checking with it ~5× less than the pure-JS backend; the two give the same verdicts,
 * test/crypto/sr25519-backends.test.ts).
 *
 * It never writes to the data dir: LevelDB writes even when only reading (LOG, a new MANIFEST, its LOCK) and
 * cannot open a dir a running node holds, so the replay runs on a copy in a temporary dir (removed after).
 * A running node's files make a consistent copy: tables are immutable, CURRENT names the one MANIFEST to
 * read, each block is one write batch in the log (a torn last record is dropped, as after a crash), and a
 * compaction that deletes a file mid-copy makes the copy start over.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaoError } from '../../core/errors.js';
import { enableWasmSr25519 } from '../../crypto/sr25519-wasm.js';
import { buildBlock } from '../state/block.js';
import { isLedgerError } from '../state/errors.js';
import { buildGenesis, decodeStoredGenesis } from '../state/genesis.js';
import { loadState } from './node.js';
import { ChainStore, refuseWithoutCurrent } from './store.js';
import { checkTxStateless } from '../state/tx-check.js';

export interface VerifyResult {
  ok: boolean;
  head: number;
  blocks: number;
  txs: number;
  state_root: string;
  error?: { block: number; message: string };
}

const noChain = (dataDir: string) =>
  new TaoError('E_NO_CHAIN', `no chain in ${dataDir}`, 2, 'start a node first (tao up, tao node start)');

/** How often a copy is started over when the running node deletes a file it was copying. */
const SNAPSHOT_TRIES = 20;

/**
 * Copies the LevelDB files of `dataDir` (not its LOCK or info LOG) into a new temporary dir and returns it.
 * CURRENT and the MANIFEST it names go first; a file that vanishes mid-copy (a compaction of the running
 * node) or a CURRENT that changed meanwhile starts the copy over. E_NO_CHAIN when there is no database.
 */
export function snapshotDataDir(dataDir: string): string {
  refuseWithoutCurrent(dataDir); // a dir with tables but no CURRENT is damaged, not empty (E_STORAGE)
  if (!existsSync(join(dataDir, 'CURRENT'))) throw noChain(dataDir);
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'tao-verify-'));
    try {
      const current = readFileSync(join(dataDir, 'CURRENT'), 'utf8');
      const manifest = current.trim();
      copyFileSync(join(dataDir, manifest), join(dir, manifest));
      for (const f of readdirSync(dataDir))
        if (/\.(ldb|sst|log)$/.test(f)) copyFileSync(join(dataDir, f), join(dir, f));
      if (readFileSync(join(dataDir, 'CURRENT'), 'utf8') !== current) throw vanished();
      // CURRENT last: the copy is a database only once everything it names is there.
      copyFileSync(join(dataDir, 'CURRENT'), join(dir, 'CURRENT'));
      return dir;
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (!existsSync(join(dataDir, 'CURRENT'))) throw noChain(dataDir);
      if (attempt >= SNAPSHOT_TRIES)
        throw new TaoError(
          'E_STORAGE',
          `the chain database in ${dataDir} kept changing while it was copied (${attempt} tries)`,
          2,
          'retry, or stop the node first (tao node stop)',
        );
    }
  }
}

const vanished = () => Object.assign(new Error('CURRENT changed during the copy'), { code: 'ENOENT' });

/** Verifies the chain in `dataDir` on a temporary copy; nothing in `dataDir` is created or changed. */
export async function verifyChain(dataDir: string): Promise<VerifyResult> {
  const copy = snapshotDataDir(dataDir);
  try {
    return await verifyStore(copy, dataDir);
  } catch (e) {
    // Errors name the data dir the operator gave, never the temporary copy.
    if (e instanceof TaoError && e.message.includes(copy))
      throw new TaoError(
        e.code,
        e.message.replaceAll(copy, dataDir),
        e.exitCode,
        e.hint?.replaceAll(copy, dataDir),
      );
    throw e;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function verifyStore(copy: string, dataDir: string): Promise<VerifyResult> {
  await enableWasmSr25519();
  const store = await ChainStore.open(copy);
  try {
    const text = await store.genesis();
    if (text === undefined) throw noChain(dataDir);
    const config = decodeStoredGenesis(text, dataDir);
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
