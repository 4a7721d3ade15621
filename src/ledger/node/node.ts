/**
 * The ledger node: owns the state, the mempool and the store, produces blocks (every `blockTimeMs`, or as
 * soon as transactions arrive in instant mode), persists each one durably before announcing it, and serves
 * the reads and dev controls the RPC layer exposes. One block at a time: every state-changing step runs
 * through a single queue.
 */
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { ExitCode, TaoError } from '../../core/errors.js';
import type { TxStatus } from '../../core/wire.js';
import { applyTx, type CheckedTx } from '../state/apply.js';
import { type Block, type BlockHeader, buildBlock } from '../state/block.js';
import { decoders } from '../state/codec.js';
import { LedgerError, reject } from '../state/errors.js';
import { buildGenesis, decodeStoredGenesis, encodeGenesis, type GenesisConfig } from '../state/genesis.js';
import { Mempool } from './mempool.js';
import { StateHasher } from '../state/state-root.js';
import { LedgerState } from '../state/state.js';
import { ChainStore } from './store.js';
import { checkTxStateless } from '../state/tx-check.js';
import { type Verdict, VerifyPool } from './verify-pool.js';

export const MAX_NONCE_AHEAD = 1024;
const STATUS_CACHE = 100_000;
/** Txs per worker message when a batch's signatures are checked in the pool (admitted chunk by chunk). */
const VERIFY_CHUNK = 128;
/** Checking and admitting a batch in this thread yields to the event loop after this long (block commits). */
const YIELD_AFTER_MS = 4;
/** Instant mode, while a batch is being admitted: a block waits for this many pending txs, or this long. */
const INSTANT_GATHER_TXS = 512;
const INSTANT_GATHER_MS = 20;
const TIMES_KEPT = 10_000;

export interface NodeOptions {
  dataDir: string;
  /** Genesis to create when the data dir is empty (ignored when a chain exists). */
  genesis: () => GenesisConfig;
  blockTimeMs: number; // 0 = instant
  poolCapacity?: number;
  now?: () => number;
  /** Most txs this node puts in one block (≤ the chain's max_txs_per_block); bounds block commit time. */
  maxBlockTxs?: number;
  /** Worker threads for signature checks of large batches (default min(8, cores)); 0 = none. */
  verifyWorkers?: number;
}

interface Snapshot {
  head: BlockHeader;
  records: Map<string, string>;
}

export class LedgerNode {
  readonly events = new EventEmitter();
  readonly mempool: Mempool;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private scheduled = false;
  private instantTimer: NodeJS.Timeout | undefined;
  /** Batches being admitted now, and since when the pending txs have been gathering for a block. */
  private admitting = 0;
  private gatherSince: number | undefined;
  private readonly statuses = new Map<string, TxStatus>();
  private readonly snapshots = new Map<number, Snapshot>();
  private nextSnapshot = 1;
  private timeOffset = 0;
  private failure: unknown;
  /** Per block, ms: build + durable write as awaited (commit), the synchronous build, the awaited write. */
  readonly commitTimes: number[] = [];
  readonly buildTimes: number[] = [];
  readonly writeTimes: number[] = [];
  readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly verifier: VerifyPool;

  private constructor(
    readonly store: ChainStore,
    readonly genesisConfig: GenesisConfig,
    readonly genesisHash: string,
    public state: LedgerState,
    private hasher: StateHasher,
    public head: BlockHeader,
    readonly options: NodeOptions,
    /** True when this open wrote the genesis (a new chain), false when it resumed a stored one. */
    readonly created: boolean,
  ) {
    this.mempool = new Mempool(options.poolCapacity ?? 100_000);
    this.events.setMaxListeners(0);
    this.verifier = new VerifyPool(options.verifyWorkers ?? Math.min(8, availableParallelism()));
    this.loopDelay.enable();
  }

  get dev(): boolean {
    return this.genesisConfig.params.dev;
  }

  static async open(options: NodeOptions): Promise<LedgerNode> {
    const store = await ChainStore.open(options.dataDir);
    try {
      const text = await store.genesis();
      if (text === undefined) {
        if (!(await store.isEmpty()))
          throw new TaoError(
            'E_STORAGE',
            `the chain database in ${options.dataDir} has data but no genesis record; refusing to write a new genesis over it`,
            ExitCode.usage,
            `restore ${options.dataDir} from a backup, or start a new chain with tao node reset --yes`,
          );
        const config = options.genesis();
        const g = buildGenesis(config);
        await store.writeGenesis(encodeGenesis(config), g.header, g.changes);
        return new LedgerNode(store, config, g.header.hash, g.state, g.hasher, g.header, options, true);
      }
      const config = decodeStoredGenesis(text, options.dataDir);
      const headRef = await store.head();
      if (!headRef)
        throw new TaoError(
          'E_STORAGE',
          `the chain database in ${options.dataDir} has a genesis but no head record`,
          ExitCode.usage,
          `restore ${options.dataDir} from a backup, or start a new chain with tao node reset --yes`,
        );
      await store.checkLinks(headRef); // a damaged log can leave a hole below an intact head
      await store.catchUpIndex(); // a crash may have lost the index of the last blocks (store.ts)
      const block0 = (await store.block(0))!;
      const head = (await store.block(headRef.number))!.header;
      const { state, hasher } = await loadState(store, config);
      if (hasher.root() !== head.state_root)
        throw new TaoError(
          'E_STATE_CORRUPT',
          `stored state does not match the head's state root at block ${head.number}: run tao node verify`,
          ExitCode.usage,
        );
      return new LedgerNode(store, config, block0.header.hash, state, hasher, head, options, false);
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  /** Runs `fn` after every earlier state-changing step. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  start(): void {
    this.running = true;
    if (this.options.blockTimeMs > 0) this.tick();
  }

  private tick(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.exclusive(() => this.produce())
        .catch((e) => this.fatal(e))
        .finally(() => this.tick());
    }, this.options.blockTimeMs);
  }

  /**
   * Instant mode: a block as soon as txs are pending. While a batch is being admitted (its chunks arrive from
   * the workers one by one) the block gathers the batch's txs — until INSTANT_GATHER_TXS are pending, the
   * batch is done, or INSTANT_GATHER_MS passed — so a batch lands in a few blocks, not one per chunk. A block
   * that included nothing (only txs waiting behind a nonce gap) does not schedule another one.
   */
  private scheduleInstant(delayMs = 0): void {
    if (!this.running || this.options.blockTimeMs > 0) return;
    if (this.scheduled) {
      if (delayMs > 0 || !this.instantTimer) return;
      clearTimeout(this.instantTimer); // a deferred check, wanted now
    }
    this.scheduled = true;
    const fire = () => {
      this.scheduled = false;
      this.instantTimer = undefined;
      this.exclusive(async () => {
        if (this.mempool.size === 0) return undefined;
        const now = performance.now();
        this.gatherSince ??= now;
        if (
          this.admitting > 0 &&
          this.mempool.size < INSTANT_GATHER_TXS &&
          now - this.gatherSince < INSTANT_GATHER_MS
        ) {
          this.scheduleInstant(Math.max(1, INSTANT_GATHER_MS - (now - this.gatherSince)));
          return undefined;
        }
        this.gatherSince = undefined;
        return this.produce();
      })
        .then((block) => {
          if (block && block.txs.length > 0 && this.mempool.size > 0) this.scheduleInstant();
        })
        .catch((e) => this.fatal(e));
    };
    if (delayMs > 0) this.instantTimer = setTimeout(fire, delayMs);
    else setImmediate(fire);
  }

  /** Reported once; after a failed commit the in-memory state is ahead of the disk, so nothing more is built. */
  private fatal(e: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = e;
    this.running = false;
    this.events.emit('fatal', e);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.instantTimer) clearTimeout(this.instantTimer);
    await this.exclusive(async () => undefined);
    this.loopDelay.disable();
    await this.verifier.close();
    await this.store.close();
  }

  private timestamp(): number {
    const now = (this.options.now ?? Date.now)() + this.timeOffset;
    return Math.max(now, this.head.timestamp + 1);
  }

  /** Builds, persists and announces one block. */
  private async produce(): Promise<Block> {
    if (this.failure !== undefined) throw this.failure;
    const number = this.head.number + 1;
    const max = Math.min(this.state.chain.max_txs_per_block, this.options.maxBlockTxs ?? 2_000);
    const candidates = this.mempool.take(this.state, number, max);
    const t0 = performance.now();
    const { block, changes } = buildBlock(this.state, this.hasher, this.head, candidates, this.timestamp());
    const t1 = performance.now();
    try {
      await this.store.commitBlock(block, changes);
    } catch (e) {
      this.fatal(e); // e.g. E_STORAGE, disk full: the state already holds the block that was not stored
      throw e;
    }
    const t2 = performance.now();
    for (const [times, v] of [
      [this.commitTimes, t2 - t0],
      [this.buildTimes, t1 - t0],
      [this.writeTimes, t2 - t1],
    ] as const) {
      times.push(v);
      if (times.length > TIMES_KEPT) times.splice(0, TIMES_KEPT / 2);
    }
    this.head = block.header;
    for (const t of block.txs) {
      const s: TxStatus = t.error
        ? { status: t.status, block: number, error: t.error }
        : { status: t.status, block: number };
      this.remember(t.tx_hash, s);
    }
    this.events.emit('head', block.header);
    for (const netuid of block.epochs) this.events.emit('epoch', { netuid, block: number });
    for (const t of block.txs)
      for (const w of t.swaps ?? []) this.events.emit('swap', { tx_hash: t.tx_hash, block: number, ...w });
    if (this.events.listenerCount('tx') > 0)
      for (const t of block.txs)
        this.events.emit('tx', {
          tx_hash: t.tx_hash,
          status: t.status,
          block: number,
          ...(t.error ? { error: t.error } : {}),
        });
    return block;
  }

  private remember(hash: string, status: TxStatus): void {
    this.statuses.delete(hash);
    this.statuses.set(hash, status);
    if (this.statuses.size > STATUS_CACHE) {
      const oldest = this.statuses.keys().next().value;
      if (oldest !== undefined) this.statuses.delete(oldest);
    }
  }

  /**
   * Validates statelessly (in this thread) and against the current state; queues it or throws the precise
   * LedgerError.
   */
  submit(raw: unknown): string {
    return this.admit(checkTxStateless(raw, this.genesisHash));
  }

  /** As `submit`, with the signature checked in the worker pool (off the event loop) when it has workers. */
  async submitChecked(raw: unknown): Promise<string> {
    if (this.verifier.size === 0) return this.submit(raw);
    const [verdict] = await this.verifier.checkChunks([raw], this.genesisHash, 1)[0]!;
    if (verdict instanceof LedgerError) throw verdict;
    return this.admit(verdict!);
  }

  /** Queues a statelessly checked tx after the stateful checks; throws the precise LedgerError. */
  private admit(tx: CheckedTx): string {
    this.precheck(tx);
    this.mempool.add(tx);
    this.remember(tx.hash, { status: 'pending' });
    this.scheduleInstant();
    return tx.hash;
  }

  private admitOrError(tx: Verdict): string | LedgerError {
    if (tx instanceof LedgerError) return tx;
    try {
      return this.admit(tx);
    } catch (e) {
      if (e instanceof LedgerError) return e;
      throw e;
    }
  }

  /**
   * Submits many txs: the stateless checks (signatures) run in the worker pool in chunks, and each chunk is
   * admitted in order, exactly as `submit` would, as soon as its verdicts are back, while the workers check
   * the next ones. Admission yields to the event loop between chunks, so a block commit that completes
   * meanwhile is not held up. Per tx its hash or the LedgerError it failed with.
   */
  async submitBatch(raws: readonly unknown[]): Promise<(string | LedgerError)[]> {
    this.admitting++;
    try {
      return await this.checkAndAdmit(raws);
    } finally {
      this.admitting--;
      if (this.mempool.size > 0) this.scheduleInstant();
    }
  }

  private async checkAndAdmit(raws: readonly unknown[]): Promise<(string | LedgerError)[]> {
    const out: (string | LedgerError)[] = [];
    if (this.verifier.size === 0) {
      let lastYield = performance.now();
      for (const raw of raws) {
        let tx: Verdict;
        try {
          tx = checkTxStateless(raw, this.genesisHash);
        } catch (e) {
          if (!(e instanceof LedgerError)) throw e;
          tx = e;
        }
        out.push(this.admitOrError(tx));
        if (performance.now() - lastYield > YIELD_AFTER_MS) {
          await new Promise((r) => setImmediate(r));
          lastYield = performance.now();
        }
      }
      return out;
    }
    const chunk = raws.length <= VERIFY_CHUNK ? Math.ceil(raws.length / this.verifier.size) : VERIFY_CHUNK;
    for (const part of this.verifier.checkChunks(raws, this.genesisHash, chunk)) {
      const verdicts = await part;
      await new Promise((r) => setImmediate(r)); // let completed I/O (a block commit) run first
      for (const tx of verdicts) out.push(this.admitOrError(tx));
    }
    return out;
  }

  private precheck(tx: CheckedTx): void {
    if (this.mempool.has(tx.hash)) reject('E_DUPLICATE_TX', `transaction ${tx.hash} is already pending`);
    const next = this.state.account(tx.signer).nonce;
    if (tx.nonce < next) reject('E_STALE_NONCE', `nonce ${tx.nonce} was already used (next is ${next})`);
    if (tx.nonce > next + MAX_NONCE_AHEAD)
      reject('E_FUTURE_NONCE', `nonce ${tx.nonce} is too far ahead of the next nonce ${next}`);
    const block = this.head.number + 1;
    if (tx.expiry < block)
      reject('E_EXPIRED', `the transaction expired at block ${tx.expiry} (next block ${block})`);
    // Dry run against the current state (rolled back): every rule gives its precise code now. Txs queued
    // behind pending ones of the same signer skip the nonce check; they are re-validated in their block.
    const mark = this.state.journal.mark();
    try {
      applyTx(this.state, tx, { block, skipNonce: tx.nonce !== next });
    } finally {
      this.state.journal.rollback(mark);
    }
  }

  async txStatus(hash: string): Promise<TxStatus> {
    const cached = this.statuses.get(hash);
    if (cached) return cached;
    const loc = await this.store.tx(hash);
    if (!loc) return { status: 'unknown' };
    return loc.error
      ? { status: loc.status, block: loc.block, error: loc.error }
      : { status: loc.status, block: loc.block };
  }

  async block(number: number): Promise<Block | undefined> {
    if (number < 0 || number > this.head.number) return undefined;
    return this.store.block(number);
  }

  // ---- dev controls ----

  mine(blocks: number): Promise<BlockHeader> {
    return this.exclusive(async () => {
      for (let i = 0; i < blocks; i++) await this.produce();
      return this.head;
    });
  }

  snapshot(): Promise<number> {
    return this.exclusive(async () => {
      const records = new Map<string, string>();
      for await (const [id, v] of this.store.records()) records.set(id, v);
      const id = this.nextSnapshot++;
      this.snapshots.set(id, { head: this.head, records });
      return id;
    });
  }

  revert(id: number): Promise<BlockHeader> {
    return this.exclusive(async () => {
      const snap = this.snapshots.get(id) ?? reject('E_BAD_CALL', `no snapshot ${id}`);
      await this.store.revertTo(snap.head, snap.records, this.head.number);
      for (const k of [...this.snapshots.keys()]) if (k > id) this.snapshots.delete(k);
      const { state, hasher } = await loadState(this.store, this.genesisConfig);
      this.state = state;
      this.hasher = hasher;
      this.head = snap.head;
      for (const tx of this.mempool.clear()) this.statuses.delete(tx.hash);
      this.statuses.clear();
      this.events.emit('head', this.head);
      return this.head;
    });
  }

  setTime(timestamp: number): number {
    if (timestamp <= this.head.timestamp)
      throw new LedgerError('E_BAD_CALL', `timestamp must be after the head's ${this.head.timestamp}`);
    this.timeOffset = timestamp - (this.options.now ?? Date.now)();
    return timestamp;
  }
}

/** Rebuilds the in-memory state and its hasher from the stored records. */
export async function loadState(
  store: ChainStore,
  config: GenesisConfig,
): Promise<{ state: LedgerState; hasher: StateHasher }> {
  const state = new LedgerState(config.params);
  const hasher = new StateHasher();
  const tables = new Map(state.tables.map((t) => [t.name, t]));
  for await (const [id, value] of store.records()) {
    const sep = id.indexOf('\0');
    const name = id.slice(0, sep);
    const table = tables.get(name);
    const decode = decoders[name];
    if (!table || !decode) throw new Error(`unknown state table "${name}" in storage`);
    table.load(id.slice(sep + 1), decode(value));
    hasher.update(id, value);
  }
  return { state, hasher };
}
