/**
 * `tao down`: stops what `tao up` started — its peers, then the node when `up` started it — and removes
 * them from the supervisor; stops the supervisor when nothing else is left in it. Chain data, wallets and
 * the record stay, so a later `up` resumes; `purge` also deletes the dev chain, the record, the neighbours'
 * dev wallets and their peer state (never the operator's own wallet).
 *
 * When the supervisor died, the children it left (listed in `run/children.json`) are adopted by a fresh
 * supervisor and stopped like any other. Purge refuses while any process still uses what it would delete.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../core/errors.js';
import { paths } from '../core/paths.js';
import { connectSupervisor, ensureSupervisor, stopSupervisor } from '../supervisor/client.js';
import { runFiles } from '../supervisor/instance.js';
import { liveOrphans } from '../supervisor/orphans.js';
import { processesUsing } from './busy.js';
import { isActive } from './node.js';
import { NEIGHBOUR_WALLET_PREFIX, NODE_CHILD, upPaths } from './plan.js';
import type { Progress } from './progress.js';
import { readUpState } from './state.js';

export interface DownResult {
  /** Supervisor children stopped and removed, with the pid each had. */
  stopped: { name: string; pid: number | null }[];
  supervisor_stopped: boolean;
  supervisor_pid: number | null;
  /** Paths deleted by --purge. */
  purged: string[];
  /** Children the supervisor keeps running (not started by `tao up`). */
  kept: string[];
  /** Nothing recorded: `tao up` never ran here (or was purged). */
  nothing_recorded: boolean;
}

export async function runDown(
  home: string,
  options: { purge: boolean },
  progress: Progress,
): Promise<DownResult> {
  const state = readUpState(home);
  const result: DownResult = {
    stopped: [],
    supervisor_stopped: false,
    supervisor_pid: null,
    purged: [],
    kept: [],
    nothing_recorded: state === null,
  };
  // A supervisor that died left its children running: a new one adopts them, so they can be stopped.
  const orphaned = liveOrphans(join(runFiles(home).runDir, 'children.json'));
  const client = await connectSupervisor(home).catch(() =>
    orphaned.length > 0 ? ensureSupervisor(home) : null,
  );
  if (client) {
    try {
      const children = (await client.status()).children;
      const names = new Set(children.map((c) => c.name));
      const pidOf = (name: string) => children.find((c) => c.name === name)?.pid ?? null;
      const peerChildren = (state?.peers ?? []).map((p) => p.child).filter((n) => names.has(n));
      if (peerChildren.length > 0) progress.step(`stopping ${peerChildren.length} peers`);
      // A neighbour hosted with the others (tao up's default layout) goes with its host.
      const hostOf = (name: string) => {
        const by = children.find((c) => c.name === name)?.meta.hosted_by;
        return typeof by === 'string' ? by : null;
      };
      const hosts = [...new Set(peerChildren.map(hostOf).filter((h): h is string => h !== null))];
      const separate = peerChildren.filter((name) => hostOf(name) === null);
      await Promise.all(
        [...separate, ...hosts].map(async (name) => {
          const pid = pidOf(name);
          await client.remove(name);
          result.stopped.push({ name, pid });
        }),
      );
      for (const name of peerChildren)
        if (hostOf(name) !== null) result.stopped.push({ name, pid: pidOf(name) });
      if (state?.owns_node && names.has(NODE_CHILD)) {
        progress.step('stopping the ledger node');
        const pid = pidOf(NODE_CHILD);
        await client.remove(NODE_CHILD);
        result.stopped.push({ name: NODE_CHILD, pid });
      }
      const left = (await client.status()).children.filter(isActive);
      result.supervisor_pid = (await client.ping()).pid;
      client.close();
      if (left.length === 0) {
        progress.step('stopping the supervisor (nothing else runs in it)');
        const r = await stopSupervisor(home);
        result.supervisor_stopped = r.stopped;
      } else {
        progress.note(`the supervisor keeps running for: ${left.map((c) => c.name).join(', ')}`);
        result.kept = left.map((c) => c.name);
      }
    } finally {
      client.close();
    }
  }
  if (options.purge) {
    const p = paths(home);
    const targets = [upPaths(home).dir];
    for (const wallet of state?.created_wallets ?? [])
      if (wallet.startsWith(NEIGHBOUR_WALLET_PREFIX)) targets.push(p.wallet(wallet));
    for (const peer of state?.peers ?? []) if (peer.flavour !== 'own') targets.push(join(p.peers, peer.name));
    const busy = processesUsing(targets);
    if (busy.length > 0)
      throw usageError(
        'E_PURGE_BUSY',
        `not purging: still in use by ${busy.map((h) => `pid ${h.pid} (${h.command})`).join(', ')}${result.stopped.length > 0 ? `; stopped ${result.stopped.map((s) => s.name).join(', ')}` : ''}`,
        'stop those processes (a node tao up reused: tao node stop, or kill the pid), then run tao down --purge again',
      );
    progress.step('deleting the dev chain and the neighbours’ dev wallets');
    for (const target of targets) {
      rmSync(target, { recursive: true, force: true });
      result.purged.push(target);
    }
  }
  return result;
}
