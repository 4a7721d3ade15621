/**
 * A small observable holder of `MarketSnapshot`s for DataSource implementations: `update` merges a
 * partial snapshot, keeps the previous object for every part whose content did not change (so
 * selectors see stable references and views re-render only on real changes), and notifies listeners.
 */
import { emptySnapshot, type MarketSnapshot } from './types.js';

export class SnapshotStore {
  private snapshot: MarketSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(url: string, initial?: Partial<MarketSnapshot>) {
    this.snapshot = { ...emptySnapshot(url), ...initial };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly getSnapshot = (): MarketSnapshot => this.snapshot;

  /** Merges `patch`; parts equal in content keep their old identity. Returns true when anything changed. */
  update(patch: Partial<MarketSnapshot>): boolean {
    const prev = this.snapshot;
    const next: MarketSnapshot = { ...prev };
    let changed = false;
    for (const key of Object.keys(patch) as (keyof MarketSnapshot)[]) {
      const value = patch[key];
      if (sameContent(prev[key], value)) continue;
      (next as unknown as Record<string, unknown>)[key] = value;
      changed = true;
    }
    if (!changed) return false;
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
    return true;
  }
}

/** Deep equality for plain data (objects, arrays, bigint, primitives). */
export function sameContent(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameContent(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  for (const k of ak) {
    if (!sameContent((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
