/**
 * `tao down --purge` never deletes files under a live process: after the supervisor died it stops the
 * children the dead supervisor left (its registry of pids), and it refuses while something it does not
 * run (a node `up` reused) still uses the dev chain, naming it.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { connectSupervisor, ensureSupervisor, stopSupervisor } from '../../src/supervisor/client.js';
import { NODE_CHILD, nodeSpec, upPaths } from '../../src/up/plan.js';
import type { UpState } from '../../src/up/state.js';
import { TAO_BIN, parseJson, runTao, tempHome } from '../helpers/tao.js';
import { nodeSpec as scriptSpec, pidAlive, scriptDir, waitFor } from '../supervisor/fixtures.js';
import { freePort, startNode } from './node-helpers.js';

let scripts: ReturnType<typeof scriptDir>;
const homes: { home: string; cleanup: () => void }[] = [];
const leftovers: number[] = [];

beforeAll(() => {
  scripts = scriptDir();
});
afterAll(() => scripts.cleanup());
afterEach(async () => {
  for (const pid of leftovers.splice(0)) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const h of homes.splice(0)) {
    await stopSupervisor(h.home, { timeoutMs: 15_000 }).catch(() => undefined);
    h.cleanup();
  }
});

function newHome(): string {
  const h = tempHome('tao-down-purge-');
  homes.push(h);
  return h.home;
}

/** The record `tao up` leaves: its node (owned or reused) and one peer child. */
function writeState(home: string, rpcPort: number, ownsNode: boolean): void {
  const state: UpState = {
    version: 1,
    rpc_url: `http://127.0.0.1:${rpcPort}`,
    rpc_port: rpcPort,
    data_dir: upPaths(home).chain,
    owns_node: ownsNode,
    netuid: 1,
    created_wallets: [],
    peers: [
      {
        name: 'lazy',
        flavour: 'lazy',
        wallet: 'up-lazy',
        hotkey_name: 'default',
        hotkey: '5Dummy',
        port: 1,
        uid: 0,
        child: 'peer:lazy',
      },
    ],
    updated_at: Date.now(),
  };
  mkdirSync(upPaths(home).dir, { recursive: true });
  writeFileSync(upPaths(home).state, JSON.stringify(state));
}

describe('tao down --purge', () => {
  it('after the supervisor was killed, stops the node and peers it left, then deletes', async () => {
    const home = newHome();
    const rpcPort = await freePort();
    writeState(home, rpcPort, true);
    const client = await ensureSupervisor(home);
    const daemonPid = (await client.ping()).pid;
    await client.start(
      nodeSpec({ bin: TAO_BIN, home, rpcPort, blockTimeMs: 0, dataDir: upPaths(home).chain }),
    );
    await client.start(scriptSpec(scripts.dir, 'peer:lazy', 'forever.mjs', ['1000'], { kind: 'peer' }));
    const pids = (await waitFor(
      'node serving, peer running',
      async () => {
        const c = (await client.status()).children;
        const ok = await fetch(`http://127.0.0.1:${rpcPort}/health`).then(
          (r) => r.ok,
          () => false,
        );
        return ok && c.every((x) => x.state === 'running') && c.map((x) => x.pid!);
      },
      30_000,
    )) as number[];
    client.close();
    leftovers.push(...pids);
    await waitFor('registry', () => existsSync(join(home, 'run', 'children.json')));
    process.kill(daemonPid, 'SIGKILL');
    await waitFor('daemon gone', () => !pidAlive(daemonPid));

    const r = await runTao(['--json', 'down', '--purge'], { home, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const d = parseJson<{ stopped: { name: string; pid: number }[]; purged: string[] }>(r);
    expect(d.stopped.map((s) => s.name).sort()).toEqual([NODE_CHILD, 'peer:lazy']);
    expect(d.stopped.map((s) => s.pid).sort()).toEqual([...pids].sort());
    for (const pid of pids) expect(pidAlive(pid)).toBe(false);
    expect(d.purged).toContain(upPaths(home).dir);
    expect(existsSync(upPaths(home).dir)).toBe(false);
    await expect(connectSupervisor(home)).rejects.toBeTruthy();
  }, 60_000);

  it('refuses while a node it does not run still uses the dev chain, and names it', async () => {
    const home = newHome();
    const rpcPort = await freePort();
    writeState(home, rpcPort, false);
    const node = await startNode(home, rpcPort, ['--instant', '--data', upPaths(home).chain]);
    leftovers.push(node.child.pid!);

    const r = await runTao(['--json', 'down', '--purge'], { home });
    expect(r.code, r.stdout).toBe(2);
    const error = JSON.parse(r.stderr).error as { code: string; message: string };
    expect(error.code).toBe('E_PURGE_BUSY');
    expect(error.message).toContain(`pid ${node.child.pid}`);
    expect(existsSync(upPaths(home).chain)).toBe(true);
    expect(await fetch(`${node.url}/health`).then((x) => x.ok)).toBe(true);

    node.child.kill('SIGTERM');
    await node.exited;
    const again = await runTao(['--json', 'down', '--purge'], { home });
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(upPaths(home).dir)).toBe(false);
  });
});
