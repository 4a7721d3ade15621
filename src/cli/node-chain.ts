/**
 * Which chain a TAO_HOME runs, for `tao node verify` (and `tao node status`'s `data_dir`): `--data` when
 * given; else the data dir of the node that runs here — the supervisor's child `node` (`tao up` passes
 * `$TAO_HOME/up/chain`, `tao node start --detach` its `--data`), or a foreground `tao node start` (its run
 * info); else, with nothing running, the one of `$TAO_HOME/up/chain` (tao up's, as recorded in
 * up/state.json) and `$TAO_HOME/node/data` (tao node start's) that was used last. Reads only: nothing is
 * started or created.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TaoError } from '../core/errors.js';
import { defaultDataDir, readRunInfo } from '../ledger/process.js';
import { connectSupervisor } from '../supervisor/client.js';
import type { ChildStatus } from '../supervisor/types.js';
import { NODE_CHILD, upPaths } from '../up/plan.js';
import { readUpState } from '../up/state.js';

export interface ChainLocation {
  data_dir: string;
  /** Where the dir came from. */
  source: 'flag' | 'supervised node' | 'foreground node' | 'tao up' | 'tao node start';
  /** A node runs on it now (verify then reads a copy). */
  running: boolean;
}

const ACTIVE: ReadonlySet<ChildStatus['state']> = new Set(['starting', 'running', 'restarting']);

/** The `--data` of a supervised node's command line, else the default of the `--home` it was given. */
export function childDataDir(child: Pick<ChildStatus, 'args' | 'cwd'>, home: string): string {
  const flag = (name: string) => {
    const i = child.args.indexOf(name);
    return i >= 0 ? child.args[i + 1] : undefined;
  };
  const data = flag('--data');
  if (data !== undefined) return resolve(child.cwd ?? '.', data);
  return defaultDataDir(flag('--home') ?? home);
}

async function supervisedNode(home: string): Promise<ChildStatus | undefined> {
  const client = await connectSupervisor(home).catch(() => null);
  if (!client) return undefined;
  try {
    return (await client.status()).children.find((c) => c.name === NODE_CHILD);
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}

/** When the LevelDB in `dir` was last opened or written (its info LOG, else CURRENT); 0 without one. */
function lastUsed(dir: string): number {
  for (const f of ['LOG', 'CURRENT']) {
    try {
      return statSync(join(dir, f)).mtimeMs;
    } catch {}
  }
  return 0;
}

export async function locateChain(home: string, dataFlag?: string): Promise<ChainLocation> {
  if (dataFlag !== undefined) return { data_dir: resolve(dataFlag), source: 'flag', running: false };
  const child = await supervisedNode(home);
  if (child)
    return {
      data_dir: childDataDir(child, home),
      source: 'supervised node',
      running: ACTIVE.has(child.state),
    };
  const run = readRunInfo(home);
  if (run) return { data_dir: resolve(run.data_dir), source: 'foreground node', running: true };
  const candidates: ChainLocation[] = [
    {
      data_dir: resolve(readUpState(home)?.data_dir ?? upPaths(home).chain),
      source: 'tao up',
      running: false,
    },
    { data_dir: resolve(defaultDataDir(home)), source: 'tao node start', running: false },
  ];
  const found = candidates
    .filter((c) => existsSync(join(c.data_dir, 'CURRENT')))
    .sort((a, b) => lastUsed(b.data_dir) - lastUsed(a.data_dir));
  if (found[0]) return found[0];
  throw new TaoError(
    'E_NO_CHAIN',
    `no chain in this home: no node runs, and neither ${candidates[0]!.data_dir} (tao up) nor ${candidates[1]!.data_dir} (tao node start) holds one`,
    2,
    'start one (tao up, tao node start --dev), or name a dir with --data',
  );
}
