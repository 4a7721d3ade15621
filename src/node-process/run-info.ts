/**
 * The files a foreground ledger node leaves in `$TAO_HOME/run/` while it serves (`node.pid`, and
 * `node.json` with its RPC URL and data dir), and reading them back with a liveness check; the default
 * chain data dir of `tao node start`. Kept apart from foreground.ts (which loads the node itself) so that
 * every command can find the node cheaply.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../core/paths.js';
import { pidAlive } from '../supervisor/instance.js';

export interface RunInfo {
  pid: number;
  rpc: string;
  data_dir: string;
  started_at: number;
}

/** Addresses only this machine reaches: binding RPC anywhere else warns. */
export const LOOPBACK: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1']);

/** `tao node start`'s chain data dir unless `--data` says otherwise. */
export const defaultDataDir = (home: string) => join(paths(home).node, 'data');

export const pidFile = (home: string) => join(paths(home).run, 'node.pid');
export const runFile = (home: string) => join(paths(home).run, 'node.json');

/** The foreground node's run info while its process lives, else undefined. */
export function readRunInfo(home: string): RunInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(runFile(home), 'utf8')) as RunInfo;
    return pidAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}
