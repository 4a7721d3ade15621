/**
 * Which chain a TAO_HOME runs, for `tao node verify`: `--data` when given; else the data dir of the node that runs here — the supervisor's child `node` (`tao up` passes
 * `$TAO_HOME/up/chain`, `tao node start --detach` its `--data`), or a foreground `tao node start` (its run
 * info); else, with nothing running, the one of `$TAO_HOME/up/chain` (tao up's, as recorded in
 * up/state.json) and `$TAO_HOME/node/data` (tao node start's) that was used last. Reads files only (the
 * supervisor's registry, run info, up state), like src/up/endpoint.ts for the RPC URL: nothing is started,
 * connected to or created.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TaoError } from '../core/errors.js';
import { defaultDataDir, readRunInfo } from '../node-process/run-info.js';
import { runFiles } from '../supervisor/instance.js';
import { liveOrphans } from '../supervisor/orphans.js';
import { NODE_CHILD, upPaths } from '../up/plan.js';
import { readUpState } from '../up/state.js';

export interface ChainLocation {
  data_dir: string;
  /** Where the dir came from. */
  source: 'flag' | 'supervised node' | 'foreground node' | 'tao up' | 'tao node start';
  /** A node runs on it now (verify then reads a copy). */
  running: boolean;
}

/** The `--data` of a supervised node's command line, else the default of the `--home` it was given. */
export function childDataDir(spec: { args?: readonly string[]; cwd?: string | null }, home: string): string {
  const args = spec.args ?? [];
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const data = flag('--data');
  if (data !== undefined) return resolve(spec.cwd ?? '.', data);
  return defaultDataDir(flag('--home') ?? home);
}

/** The supervised node's spec while its process lives, from the daemon's registry (as src/up/endpoint.ts). */
function supervisedNodeSpec(home: string) {
  return liveOrphans(join(runFiles(home).runDir, 'children.json')).find((c) => c.name === NODE_CHILD)?.spec;
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

/** The data dirs of the nodes that run in this home now: the supervised one, then a foreground one. */
function runningChains(home: string): ChainLocation[] {
  const out: ChainLocation[] = [];
  const spec = supervisedNodeSpec(home);
  if (spec) out.push({ data_dir: childDataDir(spec, home), source: 'supervised node', running: true });
  const run = readRunInfo(home);
  if (run) out.push({ data_dir: resolve(run.data_dir), source: 'foreground node', running: true });
  return out;
}

export function locateChain(home: string, dataFlag?: string): ChainLocation {
  const running = runningChains(home);
  if (dataFlag !== undefined) {
    const dir = resolve(dataFlag);
    return { data_dir: dir, source: 'flag', running: running.some((r) => r.data_dir === dir) };
  }
  if (running[0]) return running[0];
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
