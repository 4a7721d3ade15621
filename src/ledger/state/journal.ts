/**
 * Journaled tables: the ledger's mutable state is a handful of string-keyed maps whose values are treated as
 * immutable records (replace, never mutate in place). Every write records the old value, so a failed
 * transaction or a failed block rolls back to a mark in O(changes); every written key is remembered as
 * dirty until the block commits, so only changed records are re-encoded, re-hashed and persisted.
 */

interface Entry {
  table: Table<unknown>;
  key: string;
  old: unknown;
}

export class Journal {
  private entries: Entry[] = [];
  readonly tables: Table<unknown>[] = [];

  mark(): number {
    return this.entries.length;
  }

  record(table: Table<unknown>, key: string, old: unknown): void {
    this.entries.push({ table, key, old });
  }

  /** Undo every write made after `mark`, newest first. */
  rollback(mark: number): void {
    while (this.entries.length > mark) {
      const e = this.entries.pop()!;
      e.table.restore(e.key, e.old);
    }
  }

  /** Forget the undo log (the block is committed); dirty sets are drained separately. */
  clear(): void {
    this.entries = [];
  }
}

export type ChangeListener<V> = (key: string, value: V | undefined, old: V | undefined) => void;

export class Table<V> {
  private readonly map = new Map<string, V>();
  readonly dirty = new Set<string>();
  private listener: ChangeListener<V> | undefined;

  constructor(
    readonly name: string,
    private readonly journal: Journal,
  ) {
    journal.tables.push(this as Table<unknown>);
  }

  /** A derived index kept in step with every write and every rollback. */
  onChange(listener: ChangeListener<V>): void {
    this.listener = listener;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  get size(): number {
    return this.map.size;
  }

  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  set(key: string, value: V): void {
    const old = this.map.get(key);
    this.journal.record(this as Table<unknown>, key, old);
    this.map.set(key, value);
    this.dirty.add(key);
    this.listener?.(key, value, old);
  }

  delete(key: string): void {
    if (!this.map.has(key)) return;
    const old = this.map.get(key);
    this.journal.record(this as Table<unknown>, key, old);
    this.map.delete(key);
    this.dirty.add(key);
    this.listener?.(key, undefined, old);
  }

  /** Used by the journal only. */
  restore(key: string, old: unknown): void {
    const current = this.map.get(key);
    if (old === undefined) this.map.delete(key);
    else this.map.set(key, old as V);
    this.dirty.add(key);
    this.listener?.(key, old as V | undefined, current);
  }

  /** Load without journaling (startup, revert). */
  load(key: string, value: V): void {
    const old = this.map.get(key);
    this.map.set(key, value);
    this.listener?.(key, value, old);
  }

  clearAll(): void {
    for (const [k, v] of this.map) this.listener?.(k, undefined, v);
    this.map.clear();
    this.dirty.clear();
  }
}
