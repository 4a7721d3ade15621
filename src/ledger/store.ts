/**
 * Durable chain storage in classic-level (LevelDB). Keys: `g` genesis config, `head` {number, hash},
 * `b<number:12>` a block (header, txs with receipts, epochs), `s<table>\0<key>` a state record (canonical
 * JSON), and the tx index: `t<tx_hash>` {block, index, status, error?} plus `ti`, the last block indexed.
 * Each block, the new head and its state changes are one atomic batch written with `{sync: true}`, so after a
 * crash the chain resumes exactly at the last acknowledged block. The tx index is derived from the blocks: it
 * is written right after each block's synced batch, without a sync of its own (the next synced write carries
 * it to disk), and whatever a crash lost of it is rebuilt from the stored blocks when the store opens.
 * LevelDB's LOCK file keeps a second node off the same data dir (E_NODE_LOCKED).
 */
import { mkdirSync } from 'node:fs';
import { ClassicLevel } from 'classic-level';
import { ExitCode, TaoError } from '../core/errors.js';
import type { Block, BlockHeader, RecordChange } from './block.js';

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
      throw new TaoError(
        'E_STORAGE',
        `cannot open the chain database in ${dir}: ${cause?.message ?? (e as Error).message}`,
        ExitCode.usage,
      );
    }
    return new ChainStore(db, dir);
  }

  async close(): Promise<void> {
    await this.indexing;
    await this.db.close();
  }

  async genesis(): Promise<string | undefined> {
    return this.db.get('g');
  }

  async head(): Promise<{ number: number; hash: string } | undefined> {
    const v = await this.db.get('head');
    return v === undefined ? undefined : JSON.parse(v);
  }

  async block(number: number): Promise<Block | undefined> {
    const v = await this.db.get(blockKey(number));
    return v === undefined ? undefined : (JSON.parse(v) as Block);
  }

  async tx(hash: string): Promise<TxLocation | undefined> {
    await this.indexing;
    const v = await this.db.get(`t${hash}`);
    return v === undefined ? undefined : (JSON.parse(v) as TxLocation);
  }

  async *records(): AsyncGenerator<[string, string]> {
    for await (const [k, v] of this.db.iterator({ gte: 's', lt: 't' })) yield [k.slice(1), v];
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
    await this.db.batch(
      [
        { type: 'put', key: 'g', value: genesisText },
        { type: 'put', key: blockKey(0), value: JSON.stringify(block) },
        { type: 'put', key: 'head', value: JSON.stringify({ number: 0, hash: header.hash }) },
        ...ChainStore.indexOps(block),
        ...ChainStore.stateOps(changes),
      ],
      {
        sync: true,
      },
    );
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
    await batch.write({ sync: true });
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
      this.indexError = e as Error; // the next commit fails with it (the node stops); a restart re-indexes
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
    const marker = await this.db.get(INDEXED);
    const from = marker === undefined ? head.number : Number(marker);
    for (let n = from + 1; n <= head.number; n++) {
      const b = await this.block(n);
      if (b) await this.db.batch(ChainStore.indexOps(b));
    }
    if (marker === undefined || from < head.number)
      await this.db.put(INDEXED, String(head.number), { sync: true });
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
    await this.db.batch(ops, { sync: true });
  }
}
