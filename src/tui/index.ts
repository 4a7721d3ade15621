/** Public surface of the console for the CLI and for the lead's real DataSource. */
export type * from './data/types.js';
export { emptySnapshot } from './data/types.js';
export { SnapshotStore } from './data/snapshot-store.js';
export { LiveDataSource, type LiveSourceOptions } from './data/live-source.js';
export { readOwnKeys } from './data/own-keys.js';
export { runConsole, type ConsoleOptions, themeForTerminal, sessionBindings } from './run.js';
export { DEFAULT_BINDINGS, type Binding } from './keys.js';
