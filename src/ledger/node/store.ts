/**
 * Durable chain storage in classic-level (LevelDB). Keys: `g` genesis config, `head` {number, hash},
 * `b<number:12>` a block (header, txs with receipts, epochs), `s<table>\0<key>` a state record (canonical
 * JSON), and the tx index: `t<tx_hash>` {block, index, status, error?} plus `ti`, the last block indexed.
 * Each block, the new head and its state changes are one atomic batch written with `{sync: true}`, so after a
 * crash the chain resumes exactly at the last acknowledged block. The tx index is derived from the blocks: it
 * is written right after each block's synced batch, without a sync of its own (the next synced write carries
 * it to disk), and whatever a crash lost of it is rebuilt from the stored blocks when the store opens.
 * LevelDB's LOCK file keeps a second node off the same data dir (E_NODE_LOCKED). Nothing damaged is rebuilt
 * silently: a non-empty dir without LevelDB's CURRENT file is refused before LevelDB could start an empty
 * database there (and delete the old tables), and every LevelDB failure is E_STORAGE naming the data dir.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { ClassicLevel } from 'classic-level';
import { ExitCode, TaoError } from '../../core/errors.js';
import type { Block, BlockHeader, RecordChange } from '../state/block.js';
import { storageError } from './storage-error.js';

export interface TxLocation {
  block: number;
  index: number;
  status: 'included' | 'rejected';
  error?: { code: string; message: string };
}

type Op = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

const blockKey = (n: number) => `b${String(n).padStart(12, '0')}`;
const INDEXED = 'ti';

export class ChainStore {
  /** The tx index write of the last committed block (not awaited by the commit). */
  private indexing: Promise<void> = Promise.resolve();
  private indexError: Error | undefined;

  private constructor(
    private readonly db: ClassicLevel<string, string>,
    readonly dir: string,
  ) {}

  static async open(dir: string): Promise<ChainStore> {
    refuseWithoutCurrent(dir);
    mkdirSync(dir, { recursive: true });
    const db = new ClassicLevel<string, string>(dir, { valueEncoding: 'utf8' });
    try {
      await db.open();
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED')
        throw new TaoError(
          'E_NODE_LOCKED',
          `the data dir ${dir} is in use by another node (LevelDB lock held)`,
          ExitCode.usage,
          'stop the other node first (tao node stop), or use another --data dir',
        );
      throw storageError(dir, e, 'open');
    }
    return new ChainStore(db, dir);
  }

  /** Runs a LevelDB operation; its failure is E_STORAGE naming the data dir (and the file, when known). */
  private async guard<T>(doing: 'read' | 'write', fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw storageError(this.dir, e, doing);
    }
  }

  async close(): Promise<void> {
    await this.indexing;
    await this.db.close();
  }

  async genesis(): Promise<string | undefined> {
    return this.guard('read', () => this.db.get('g'));
  }

  /** True when the database holds no key at all (a new chain may be written). */
  async isEmpty(): Promise<boolean> {
    return this.guard('read', async () => (await this.db.keys({ limit: 1 }).all()).length === 0);
  }

  async head(): Promise<{ number: number; hash: string } | undefined> {
    const v = await this.guard('read', () => this.db.get('head'));
    return v === undefined ? undefined : JSON.parse(v);
  }

  async block(number: number): Promise<Block | undefined> {
    const v = await this.guard('read', () => this.db.get(blockKey(number)));
    return v === undefined ? undefined : (JSON.parse(v) as Block);
  }

  async tx(hash: string): Promise<TxLocation | undefined> {
    await this.indexing;
    const v = await this.guard('read', () => this.db.get(`t${hash}`));
    return v === undefined ? undefined : (JSON.parse(v) as TxLocation);
  }

  async *records(): AsyncGenerator<[string, string]> {
    const it = this.db.iterator({ gte: 's', lt: 't' });
    try {
      for (;;) {
        const entry = await this.guard('read', () => it.next());
        if (entry === undefined) return;
        yield [entry[0].slice(1), entry[1]];
      }
    } finally {
      await it.close();
    }
  }

  /**
   * The cheap continuity check of an open: blocks 0..head are all stored, each links to its parent, and
   * the last one is the head record's block. Reads only each block's header (the first bytes of its
   * record), no replay. Throws E_STORAGE with the first missing or unlinked block.
   */
  async checkLinks(head: { number: number; hash: string }): Promise<void> {
    const damaged = (what: string) =>
      new TaoError(
        'E_STORAGE',
        `the chain database in ${this.dir} is damaged: ${what} (the head record says block ${head.number}); LevelDB lost writes, e.g. to a corrupted log file`,
        ExitCode.usage,
        `restore ${this.dir} from a backup, or start a new chain with tao node reset --yes (tao node verify shows the damage)`,
      );
    const it = this.db.iterator<string, Buffer>({
      gte: blockKey(0),
      lte: blockKey(head.number),
      valueEncoding: 'buffer',
    });
    let next = 0;
    let parent = '';
    try {
      for (;;) {
        const entry = await this.guard('read', () => it.next());
        if (entry === undefined) break;
        const n = Number(entry[0].slice(1));
        if (n !== next) throw damaged(`block ${next} is missing`);
        const header = headerOf(entry[1]);
        if (!header || header.number !== n) throw damaged(`block ${n} is unreadable`);
        if (n > 0 && header.parent_hash !== parent)
          throw damaged(`block ${n} does not link to block ${n - 1}`);
        parent = header.hash;
        next++;
      }
    } finally {
      await it.close();
    }
    if (next <= head.number) throw damaged(`block ${next} is missing`);
    if (parent !== head.hash) throw damaged(`block ${head.number} is not the head record's block`);
  }

  private static stateOps(changes: readonly RecordChange[]): Op[] {
    return changes.map((c) =>
      c.value === undefined
        ? { type: 'del', key: `s${c.id}` }
        : { type: 'put', key: `s${c.id}`, value: c.value },
    );
  }

  /** The block's tx index records, then the `ti` marker: [key, value] pairs. */
  private static *indexEntries(block: Block): Generator<[string, string]> {
    const n = block.header.number;
    for (let index = 0; index < block.txs.length; index++) {
      const t = block.txs[index]!;
      const loc: TxLocation = { block: n, index, status: t.status };
      if (t.error) loc.error = t.error;
      yield [`t${t.tx_hash}`, JSON.stringify(loc)];
    }
    yield [INDEXED, String(n)];
  }

  private static indexOps(block: Block): Op[] {
    return Array.from(ChainStore.indexEntries(block), ([key, value]): Op => ({ type: 'put', key, value }));
  }

  async writeGenesis(
    genesisText: string,
    header: BlockHeader,
    changes: readonly RecordChange[],
  ): Promise<void> {
    const block: Block = { header, txs: [], epochs: [] };
    const ops: Op[] = [
      { type: 'put', key: 'g', value: genesisText },
      { type: 'put', key: blockKey(0), value: JSON.stringify(block) },
      { type: 'put', key: 'head', value: JSON.stringify({ number: 0, hash: header.hash }) },
      ...ChainStore.indexOps(block),
      ...ChainStore.stateOps(changes),
    ];
    await this.guard('write', () => this.db.batch(ops, { sync: true }));
  }

  /**
   * One atomic, synced batch: the block, the new head and the state changes (a chained batch: one native put
   * per record, far cheaper per op than the array form). Resolves once it is durable. The block's tx index
   * entries follow in their own unsynced batch, which this does not wait for (see `catchUpIndex`).
   */
  async commitBlock(block: Block, changes: readonly RecordChange[]): Promise<void> {
    if (this.indexError) throw this.indexError;
    const batch = this.db.batch();
    const n = block.header.number;
    batch.put(blockKey(n), JSON.stringify(block));
    batch.put('head', JSON.stringify({ number: n, hash: block.header.hash }));
    for (const c of changes) {
      if (c.value === undefined) batch.del(`s${c.id}`);
      else batch.put(`s${c.id}`, c.value);
    }
    await this.guard('write', () => batch.write({ sync: true }));
    const previous = this.indexing;
    this.indexing = previous.then(() => this.writeIndex(block));
  }

  private async writeIndex(block: Block): Promise<void> {
    if (this.indexError) return;
    const batch = this.db.batch();
    for (const [key, value] of ChainStore.indexEntries(block)) batch.put(key, value);
    try {
      await batch.write();
    } catch (e) {
      // The next commit fails with it (the node stops); a restart re-indexes.
      this.indexError = storageError(this.dir, e, 'write');
    }
  }

  /**
   * Brings the tx index up to the head after a crash: re-indexes every stored block after the last indexed
   * one. A store written before the index had its own batch (no `ti`) was indexed with each block. Returns
   * the number of blocks re-indexed.
   */
  async catchUpIndex(): Promise<number> {
    const head = await this.head();
    if (!head) return 0;
    const marker = await this.guard('read', () => this.db.get(INDEXED));
    const from = marker === undefined ? head.number : Number(marker);
    for (let n = from + 1; n <= head.number; n++) {
      const b = await this.block(n);
      if (b) await this.guard('write', () => this.db.batch(ChainStore.indexOps(b)));
    }
    if (marker === undefined || from < head.number)
      await this.guard('write', () => this.db.put(INDEXED, String(head.number), { sync: true }));
    return Math.max(0, head.number - from);
  }

  /** Dev revert: drop blocks after `head`, replace every state record, set the head — atomically. */
  async revertTo(
    head: BlockHeader,
    records: ReadonlyMap<string, string>,
    currentHead: number,
  ): Promise<void> {
    await this.indexing;
    const ops: Op[] = [];
    for (let n = head.number + 1; n <= currentHead; n++) {
      const b = await this.block(n);
      if (!b) continue;
      ops.push({ type: 'del', key: blockKey(n) });
      for (const t of b.txs) ops.push({ type: 'del', key: `t${t.tx_hash}` });
    }
    for await (const [id] of this.records()) if (!records.has(id)) ops.push({ type: 'del', key: `s${id}` });
    for (const [id, value] of records) ops.push({ type: 'put', key: `s${id}`, value });
    ops.push({ type: 'put', key: 'head', value: JSON.stringify({ number: head.number, hash: head.hash }) });
    ops.push({ type: 'put', key: INDEXED, value: String(head.number) });
    await this.guard('write', () => this.db.batch(ops, { sync: true }));
  }
}

/** `{number, parent_hash, hash}` from the first bytes of a stored block (its header is a flat object first). */
function headerOf(value: Buffer): BlockHeader | undefined {
  const text = value.toString('utf8', 0, Math.min(value.length, 1024));
  const end = text.indexOf('}');
  if (!text.startsWith('{"header":{') || end < 0) return undefined;
  try {
    return (JSON.parse(`${text.slice(0, end + 1)}}`) as { header: BlockHeader }).header;
  } catch {
    return undefined;
  }
}

/**
 * LevelDB started without its CURRENT file makes a new, empty database and deletes the tables it no longer
 * references: a non-empty dir without CURRENT is refused instead (a damaged chain, or not a chain at all).
 */
const LEVELDB_BOOKKEEPING = new Set(['LOCK', 'LOG', 'LOG.old']);

export function refuseWithoutCurrent(dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return; // missing: a new chain is created
  }
  // LOCK and LOG alone: an open that stopped before LevelDB wrote its first MANIFEST (nothing was stored).
  if (entries.includes('CURRENT') || entries.every((f) => LEVELDB_BOOKKEEPING.has(f))) return;
  const manifest = entries.find((f) => f.startsWith('MANIFEST-'));
  if (manifest || entries.some((f) => /\.(ldb|sst|log)$/.test(f)))
    throw new TaoError(
      'E_STORAGE',
      `the chain database in ${dir} has lost its CURRENT file (LevelDB's pointer to its MANIFEST); refusing to open it, because LevelDB would start an empty chain there and delete the old tables`,
      ExitCode.usage,
      manifest
        ? `if ${manifest} is the only MANIFEST, restore the pointer: printf '${manifest}\\n' > ${dir}/CURRENT; else restore ${dir} from a backup, or start over with tao node reset --yes`
        : `restore ${dir} from a backup, or start over with tao node reset --yes`,
    );
  throw new TaoError(
    'E_STORAGE',
    `the data dir ${dir} is not empty and holds no chain database; refusing to create a chain there`,
    ExitCode.usage,
    'pass an empty or new --data dir',
  );
}
