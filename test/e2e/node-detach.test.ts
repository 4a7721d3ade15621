/**
 * `tao node start --detach` hands the ledger node to the supervisor: the real binary, the real daemon, a
 * real node process. A SIGKILLed node comes back at the same head (blocks are durable); `tao node stop`
 * stops the supervised child, and still stops a node known only by its pid file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { freePort, type Json, kill, type NodeProc, rpc, startNode } from './node-helpers.js';

const { home, cleanup } = tempHome('tao-node-detach-');
const legacyHome = tempHome('tao-node-legacy-');
let legacy: NodeProc | undefined;

afterAll(async () => {
  await runTao(['--home', home, 'node', 'stop']);
  await runTao(['--home', home, 'daemon', 'stop']);
  await kill(legacy);
  cleanup();
  legacyHome.cleanup();
});

const tao = (args: string[]) => runTao(['--home', home, ...args]);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function status(): Promise<Json> {
  const r = await tao(['--json', 'node', 'status']);
  expect(r.code, r.stderr).toBe(0);
  return parseJson(r);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('tao node start --detach', () => {
  let url = '';
  let pid = 0;

  it('registers the node with the supervisor, waits for RPC and reports what dev mode created', async () => {
    const port = await freePort();
    const r = await tao([
      '--json',
      'node',
      'start',
      '--dev',
      '--instant',
      '--rpc-port',
      String(port),
      '--detach',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = parseJson<Json>(r);
    expect(out).toMatchObject({
      running: true,
      supervised: true,
      rpc_url: `http://127.0.0.1:${port}`,
      dev: true,
    });
    expect(out.block).toBe(0);
    expect(out.dev_accounts.map((a: Json) => a.name)).toEqual([
      '//Alice',
      '//Bob',
      '//Charlie',
      '//Dave',
      '//Eve',
      '//Ferdie',
    ]);
    expect(out.dev_subnets.map((s: Json) => s.netuid)).toEqual([1]);
    url = out.rpc_url;
    pid = out.pid;
    expect(alive(pid)).toBe(true);
    expect((await rpc(url, 'system_info')).head).toBe(0);

    const daemon = await tao(['--json', 'daemon', 'status']);
    expect(daemon.code, daemon.stderr).toBe(0);
    const node = parseJson<Json>(daemon).children.find((c: Json) => c.name === 'node');
    expect(node).toMatchObject({ kind: 'node', pid, meta: { rpc_url: url, started_by: 'tao node start' } });
  });

  it('reports the supervisor state, pid and restarts in tao node status --json', async () => {
    const s = await status();
    expect(s).toMatchObject({ running: true, block: 0, rpc: url, supervised: true });
    expect(s.supervisor).toMatchObject({ state: 'running', pid, restarts: 0 });
    expect(s.supervisor.uptime_ms).toBeGreaterThanOrEqual(0);
  });

  it('refuses a second detached node while one is supervised (exit 2)', async () => {
    const port = await freePort();
    const r = await tao(['--json', 'node', 'start', '--dev', '--rpc-port', String(port), '--detach']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('E_NODE_RUNNING');
  });

  it('restarts a SIGKILLed node, which comes back at the same head with its blocks', async () => {
    await rpc(url, 'dev_mine', { blocks: 7 });
    const before = await rpc(url, 'chain_head');
    expect(before.number).toBe(7);
    process.kill(pid, 'SIGKILL');
    const back = await waitFor('the supervisor to restart the node', async () => {
      const s = await status().catch(() => undefined);
      return s?.running && s.supervisor.restarts >= 1 ? s : undefined;
    });
    expect(back.supervisor.state).toBe('running');
    expect(back.supervisor.pid).not.toBe(pid);
    expect(alive(pid)).toBe(false);
    const after = await rpc(url, 'chain_head');
    expect(after).toEqual(before);
    expect((await rpc(url, 'chain_block', { number: 3 })).number).toBe(3);
    pid = back.supervisor.pid;
  }, 60_000);

  it('stops the supervised node with tao node stop; status then says not running', async () => {
    const r = await tao(['--json', 'node', 'stop']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<Json>(r)).toMatchObject({ stopped: true, supervised: true, pid });
    expect(alive(pid)).toBe(false);
    const s = await status();
    expect(s.running).toBe(false);
    expect(s.supervisor).toBeUndefined();
    const again = await tao(['--json', 'node', 'stop']);
    expect(parseJson<Json>(again)).toMatchObject({ stopped: false });
  }, 30_000);

  it('keeps the chain for the next detached start (same genesis, same head)', async () => {
    const port = await freePort();
    const r = await tao([
      '--json',
      'node',
      'start',
      '--dev',
      '--instant',
      '--rpc-port',
      String(port),
      '--detach',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = parseJson<Json>(r);
    expect(out.block).toBe(7);
    const stop = await tao(['--json', 'node', 'stop']);
    expect(stop.code, stop.stderr).toBe(0);
  }, 30_000);
});

describe('tao node stop without a supervised node', () => {
  it('stops a node known only by its pid file (a foreground node or an older detached one)', async () => {
    legacy = await startNode(legacyHome.home, await freePort(), ['--instant']);
    const r = await runTao(['--home', legacyHome.home, '--json', 'node', 'stop']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<Json>(r)).toMatchObject({ stopped: true, supervised: false, pid: legacy.child.pid });
    expect(await legacy.exited).toBe(0);
  }, 30_000);
});
