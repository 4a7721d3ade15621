/**
 * React access to the console's DataSource: a context carrying it, and `useSnapshot(select)` built on
 * `useSyncExternalStore`, so a component re-renders only when the part it selects changes identity.
 */
import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import type { DataSource, MarketSnapshot } from './types.js';

export const DataSourceContext = createContext<DataSource | null>(null);

export function useDataSource(): DataSource {
  const source = useContext(DataSourceContext);
  if (!source) throw new Error('useDataSource outside <DataSourceContext.Provider>');
  return source;
}

/** The selected part of the current snapshot; `select` must return parts of the snapshot, not new objects. */
export function useSnapshot<T>(select: (snapshot: MarketSnapshot) => T): T {
  const source = useDataSource();
  const subscribe = useCallback((listener: () => void) => source.subscribe(listener), [source]);
  return useSyncExternalStore(subscribe, () => select(source.getSnapshot()));
}
