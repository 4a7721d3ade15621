/**
 * `tao up --neighbours-in-one-process` end to end (issue 15): the real binary brings up the market with every
 * simulated neighbour in one host process and the operator's own peer in its own. Each neighbour keeps its
 * hotkey, uid, port and scoring; the supervisor, `tao peer list` and `tao peer logs` show each one by name;
 * the own validator ranks the unique good neighbours above noisy, adversarial, lazy and random; a second up
 * reuses the host; a plain `up` (no flag) swaps the host for a process per neighbour on the same ports; `down`
 * leaves no process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/client/index.js';
import { connectSupervisor } from '../../src/supervisor/client.js';
import { pidAlive, readPid, runFiles } from '../../src/supervisor/instance.js';
import type { ChildStatus } from '../../src/supervisor/types.js';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { waitFor as waitUntil } from '../supervisor/fixtures.js';
import { freePort } from './node-helpers.js';

interface UpDoc {
  node: string;
  peers: { name: string; flavour: string; hotkey: string; uid: number; port: number; child: string }[];
}

let home: string;
let cleanup: () => void;
let upArgs: string[];
let first: UpDoc;
const seenPids = new Set<number>();

async function children(): Promise<Map<string, ChildStatus>> {
  const client = await connectSupervisor(home);
  try {
    const status = await client.status();
    seenPids.add(status.daemon.pid);
    for (const c of status.children) if (c.pid) seenPids.add(c.pid);
    return new Map(status.children.map((c) => [c.name, c]));
  } finally {
    client.close();
  }
}

/** Polls `probe` (errors count as not yet) every 500 ms until it returns a value. */
const waitFor = <T>(what: string, probe: () => Promise<T | null | false>, timeoutMs: number) =>
  waitUntil(what, () => probe().catch(() => null), timeoutMs);

beforeAll(async () => {
  ({ home, cleanup } = tempHome('tao-up-one-process-'));
  const rpcPort = await freePort();
  const peerBase = 20_000 + Math.floor(Math.random() * 20_000);
  upArgs = [
    'up',
    '--headless',
    '--rpc-port',
    String(rpcPort),
    '--peer-port',
    String(peerBase),
    '--good',
    '2',
  ];
  upArgs.push('--device', 'cpu');
});

afterAll(async () => {
  await runTao(['down'], { home, timeoutMs: 60_000 }).catch(() => undefined);
  const daemon = readPid(runFiles(home).pidFile);
  if (daemon) seenPids.add(daemon);
  for (const pid of seenPids) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  cleanup();
}, 90_000);

describe('tao up --neighbours-in-one-process', () => {
  it('runs every neighbour in one host process, listed one by one; the own peer has its own', async () => {
    const r = await runTao(['--json', ...upArgs, '--neighbours-in-one-process'], {
      home,
      timeoutMs: 170_000,
    });
    expect(r.code, r.stderr).toBe(0);
    first = parseJson<UpDoc>(r);
    const kids = await children();
    const hostPid = kids.get('neighbours')!.pid!;
    expect(kids.get('neighbours')).toMatchObject({ state: 'running', kind: 'peer-host' });
    const own = first.peers.find((p) => p.flavour === 'own')!;
    expect(own.child).toBe('peer:default');
    expect(kids.get('peer:default')!.pid).not.toBe(hostPid);
    const neighbours = first.peers.filter((p) => p !== own);
    expect(neighbours.map((p) => p.name).sort()).toEqual(
      ['adversarial', 'copycat', 'good-0', 'good-1', 'lazy', 'noisy', 'random', 'validator'].sort(),
    );
    for (const p of neighbours)
      expect(kids.get(p.child), p.name).toMatchObject({
        kind: 'peer',
        state: 'running',
        pid: hostPid,
        meta: { hosted_by: 'neighbours', port: p.port, hotkey: p.hotkey },
      });
    // Processes: the supervisor's children are the node, the host and the own peer.
    expect(new Set([...kids.values()].map((c) => c.pid)).size).toBe(3);

    const list = await runTao(['--json', 'peer', 'list'], { home });
    expect(list.code, list.stderr).toBe(0);
    const peers = parseJson<{ peers: { name: string; running: boolean; pid: number; uid: number | null }[] }>(
      list,
    ).peers;
    expect(peers.map((p) => p.name).sort()).toEqual(first.peers.map((p) => p.name).sort());
    for (const p of peers) expect(p.running, p.name).toBe(true);
    const logs = await runTao(['peer', 'logs', '--name', 'noisy', '--lines', '50'], { home });
    expect(logs.stdout).toContain("peer 'noisy' (noisy) hotkey");
    expect(logs.stdout).not.toContain("peer 'lazy'");
  }, 180_000);

  it('the market is live and the own validator ranks the unique good neighbours above the others', async () => {
    const client = new NodeClient(first.node);
    await waitFor(
      'every axon announced',
      async () => {
        const neurons = (await client.metagraph(1)).neurons;
        return first.peers.every((p) => neurons.find((n) => n.hotkey === p.hotkey)?.axon?.port === p.port);
      },
      60_000,
    );
    const scorers = first.peers.filter((p) => p.flavour === 'own' || p.flavour === 'validator');
    await waitFor(
      'both validators to set weights',
      async () => {
        const rows = await client.weights(1);
        return scorers.every((s) => rows.some((r) => r.uid === s.uid && r.weights.length > 0));
      },
      90_000,
    );
    const own = first.peers.find((p) => p.flavour === 'own')!;
    type Status = { round: number; neighbours: { hotkey: string; ema: number; weight: number }[] };
    const status = await waitFor(
      'ten scoring rounds',
      async () => {
        const s = (await (await fetch(`http://127.0.0.1:${own.port}/status`)).json()) as Status;
        return s.round >= 10 ? s : null;
      },
      120_000,
    );
    const of = (name: string) => {
      const hotkey = first.peers.find((p) => p.name === name)!.hotkey;
      return status.neighbours.find((n) => n.hotkey === hotkey)!;
    };
    // good-1 is the only server of block 1 (good-0 shares block 0 with both validators' own models).
    expect(of('good-1').weight).toBeGreaterThan(0);
    for (const other of ['noisy', 'adversarial', 'lazy', 'random']) {
      expect(of('good-1').ema, other).toBeGreaterThan(of(other).ema);
      expect(of('good-1').weight, other).toBeGreaterThan(of(other).weight);
    }
  }, 320_000);

  it('a second up with the flag reuses the host and every process', async () => {
    const before = await children();
    const r = await runTao(['--json', ...upArgs, '--neighbours-in-one-process'], {
      home,
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const after = await children();
    for (const [name, c] of before) expect(after.get(name)?.pid, name).toBe(c.pid);
  }, 150_000);

  it('a plain up swaps the host for a process per neighbour on the same ports, and the flag swaps back', async () => {
    const hostPid = (await children()).get('neighbours')!.pid!;
    const r = await runTao(['--json', ...upArgs], { home, timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    const again = parseJson<UpDoc>(r);
    expect(again.peers.map((p) => `${p.name}:${p.port}`).sort()).toEqual(
      first.peers.map((p) => `${p.name}:${p.port}`).sort(),
    );
    const kids = await children();
    expect(kids.has('neighbours')).toBe(false);
    expect(pidAlive(hostPid)).toBe(false);
    const pids = first.peers.map((p) => kids.get(p.child)?.pid);
    expect(new Set(pids).size).toBe(first.peers.length);

    // And back: the separate neighbour processes give way to one host again.
    const back = await runTao(['--json', ...upArgs, '--neighbours-in-one-process'], {
      home,
      timeoutMs: 170_000,
    });
    expect(back.code, back.stderr).toBe(0);
    const hosted = await children();
    const host = hosted.get('neighbours')!;
    expect(host.state).toBe('running');
    for (const p of first.peers.filter((q) => q.flavour !== 'own'))
      expect(hosted.get(p.child)?.pid, p.name).toBe(host.pid);
    for (const pid of pids) if (pid !== kids.get('peer:default')?.pid) expect(pidAlive(pid!)).toBe(false);
  }, 360_000);

  it('down stops everything', async () => {
    await children();
    const r = await runTao(['--json', 'down'], { home, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<{ supervisor_stopped: boolean }>(r).supervisor_stopped).toBe(true);
    for (const pid of seenPids) expect(pidAlive(pid), `pid ${pid}`).toBe(false);
  }, 90_000);
});
