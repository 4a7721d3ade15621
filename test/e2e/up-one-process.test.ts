/**
 * `tao up`'s two layouts end to end (issue 15), the real binary. A market brought up with
 * `--neighbours-as-processes` (as every `tao up` before the host became the default did) runs a process per
 * neighbour; a plain `tao up` on it moves the neighbours into one host process on the same ports, leaving the
 * own peer and the node running. Each neighbour keeps its hotkey, uid, port and scoring; the supervisor,
 * `tao peer list` and `tao peer logs` show each one by name; the own validator ranks the unique good
 * neighbours above noisy, adversarial, lazy and random; a second up reuses the host; `down` leaves no process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidAlive } from '../../src/supervisor/instance.js';
import { parseJson, runTao } from '../helpers/tao.js';
import {
  ownStatus,
  UpHome,
  type UpPeerDoc,
  upArgs as makeUpArgs,
  waitFor,
  waitMarketLive,
} from './up-helpers.js';

const market = new UpHome('tao-up-one-process-');
const home = market.home;
let upArgs: string[];
let first: { node: string; peers: UpPeerDoc[] };
const separatePids = new Map<string, number>();

beforeAll(async () => {
  upArgs = await makeUpArgs(2);
});

afterAll(() => market.teardown(), 90_000);

const NEIGHBOURS = ['adversarial', 'copycat', 'good-0', 'good-1', 'lazy', 'noisy', 'random', 'validator'];

describe('tao up: the neighbours in one process, from a market that ran them a process each', () => {
  it('--neighbours-as-processes runs a process per neighbour', async () => {
    const r = await runTao(['--json', ...upArgs, '--neighbours-as-processes'], {
      home,
      timeoutMs: 170_000,
    });
    expect(r.code, r.stderr).toBe(0);
    first = parseJson<typeof first>(r);
    const kids = await market.children();
    expect(kids.has('neighbours')).toBe(false);
    for (const p of first.peers) separatePids.set(p.name, kids.get(p.child)!.pid!);
    expect(new Set(separatePids.values()).size).toBe(first.peers.length);
  }, 180_000);

  it('a plain up moves the neighbours into one host on the same ports; the own peer and node keep running', async () => {
    const before = await market.children();
    const r = await runTao(upArgs, { home, timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('moving the neighbours into one process (stopped 8 neighbour processes)');
    expect(r.stderr).toContain('8 started, 1 already running');
    const kids = await market.children();
    const host = kids.get('neighbours')!;
    expect(host).toMatchObject({ state: 'running', kind: 'peer-host' });
    const own = first.peers.find((p) => p.flavour === 'own')!;
    expect(own.child).toBe('peer:default');
    expect(kids.get('peer:default')!.pid).toBe(before.get('peer:default')!.pid);
    expect(kids.get('node')!.pid).toBe(before.get('node')!.pid);
    const neighbours = first.peers.filter((p) => p !== own);
    expect(neighbours.map((p) => p.name).sort()).toEqual(NEIGHBOURS);
    for (const p of neighbours) {
      expect(kids.get(p.child), p.name).toMatchObject({
        kind: 'peer',
        state: 'running',
        pid: host.pid,
        meta: { hosted_by: 'neighbours', port: p.port, hotkey: p.hotkey },
      });
      expect(pidAlive(separatePids.get(p.name)!), p.name).toBe(false);
    }
    // Processes: the supervisor's children are the node, the host and the own peer.
    expect(new Set([...kids.values()].map((c) => c.pid)).size).toBe(3);

    const list = await runTao(['--json', 'peer', 'list'], { home });
    expect(list.code, list.stderr).toBe(0);
    const peers = parseJson<{ peers: { name: string; running: boolean; port: number }[] }>(list).peers;
    expect(peers.map((p) => `${p.name}:${p.port}`).sort()).toEqual(
      first.peers.map((p) => `${p.name}:${p.port}`).sort(),
    );
    for (const p of peers) expect(p.running, p.name).toBe(true);
    const noisy = first.peers.find((p) => p.name === 'noisy')!;
    const status = await runTao(['--json', 'peer', 'status', '--name', 'noisy'], { home });
    expect(status.code, status.stderr).toBe(0);
    expect(parseJson<Record<string, unknown>>(status)).toMatchObject({
      name: 'noisy',
      flavour: 'noisy',
      running: true,
      pid: host.pid,
      port: noisy.port,
      hotkey: noisy.hotkey,
    });
    const logs = await runTao(['peer', 'logs', '--name', 'noisy', '--lines', '50'], { home });
    expect(logs.stdout).toContain("peer 'noisy' (noisy) hotkey");
    expect(logs.stdout).not.toContain("peer 'lazy'");
  }, 180_000);

  it('the market is live and the own validator ranks the unique good neighbours above the others', async () => {
    await waitMarketLive(first.node, first.peers, { axonsMs: 60_000, weightsMs: 90_000 });
    // Five rounds after the move at least (ten in all): the own validator has scored the hosted neighbours.
    const start = (await ownStatus(first.peers)).round;
    const status = await waitFor(
      'ten scoring rounds',
      async () => {
        const s = await ownStatus(first.peers);
        return s.round >= Math.max(10, start + 5) ? s : null;
      },
      150_000,
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

  it('a second plain up reuses the host and every process', async () => {
    const before = await market.children();
    const r = await runTao(['--json', ...upArgs], { home, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const after = await market.children();
    for (const [name, c] of before) expect(after.get(name)?.pid, name).toBe(c.pid);
  }, 150_000);

  it('down stops everything', async () => {
    await market.children();
    const r = await runTao(['--json', 'down'], { home, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<{ supervisor_stopped: boolean }>(r).supervisor_stopped).toBe(true);
    for (const pid of market.seenPids) expect(pidAlive(pid), `pid ${pid}`).toBe(false);
  }, 90_000);
});
