/**
 * The end-to-end proof of the peer market, real processes only: a dev ledger node (300 ms blocks, tempo 10),
 * password-less wallets funded by the faucet and registered on subnet 1, seven neighbour peers of known
 * flavours and one staked validator peer, all started with `tao peer start` under the supervisor. After a
 * few epochs the ledger's incentive must follow the validator's pruning scores: every good neighbour earns
 * more than the noisy one, the adversarial and lazy ones (near) nothing. Then the validator is SIGKILLed:
 * the supervisor restarts it and scoring resumes with a new weights tx on chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/client/node-client.js';
import { parseJson, runTao, type TaoResult, tempHome } from '../helpers/tao.js';
import { freePort, kill, type NodeProc, startNode } from './node-helpers.js';
import { sleep } from '../../src/core/sleep.js';

const TEMPO = 10;
const { home, cleanup } = tempHome('tao-peer-market-');
let node: NodeProc | undefined;
let client: NodeClient;

interface PeerDef {
  name: string;
  flags: string[];
}
const NEIGHBOURS: PeerDef[] = [
  { name: 'good0', flags: ['--flavour', 'good', '--block', '0'] },
  { name: 'good1', flags: ['--flavour', 'good', '--block', '1'] },
  { name: 'good2', flags: ['--flavour', 'good', '--block', '2'] },
  { name: 'good3', flags: ['--flavour', 'good', '--block', '3'] },
  { name: 'noisy', flags: ['--flavour', 'noisy', '--block', '1', '--tau', '4'] },
  { name: 'adversarial', flags: ['--flavour', 'adversarial', '--block', '2'] },
  { name: 'lazy', flags: ['--flavour', 'lazy'] },
];
const VALIDATOR: PeerDef = {
  name: 'validator',
  flags: ['--flavour', 'validator', '--batch', '256', '--round-ms', '400'],
};
const ALL = [...NEIGHBOURS, VALIDATOR];
const hotkeys: Record<string, string> = {};
const ports: Record<string, number> = {};

const tao = (args: string[], timeoutMs = 60_000): Promise<TaoResult> =>
  runTao(['--node', node!.url, ...args], { home, timeoutMs });

function ok(r: TaoResult): TaoResult {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

interface WeightsTx {
  tx_hash: string | null;
  block: number | null;
  status: string;
}
interface StatusBody {
  round: number;
  uid: number | null;
  device: { device: string; gpus: unknown };
  neighbours: { uid: number; hotkey: string; ema: number; ema_se: number; weight: number; status: string }[];
  last_weights_tx: WeightsTx | null;
}

async function peerStatusBody(name: string): Promise<StatusBody> {
  const res = await fetch(`http://127.0.0.1:${ports[name]}/status`, { signal: AbortSignal.timeout(2000) });
  return (await res.json()) as StatusBody;
}

beforeAll(async () => {
  node = await startNode(home, await freePort(), ['--block-time', '300', '--tempo', String(TEMPO)]);
  client = new NodeClient(node.url);
  // One password-less wallet per peer; each coldkey funds itself and registers its own hotkey.
  await Promise.all(
    ALL.map(async (p) => {
      const created = parseJson<{ hotkey: { ss58: string } }>(
        ok(await runTao(['--json', '--wallet', p.name, 'wallet', 'create', '--no-password'], { home })),
      );
      hotkeys[p.name] = created.hotkey.ss58;
      const amount = p === VALIDATOR ? '1000' : '10';
      ok(await tao(['--json', '--wallet', p.name, 'wallet', 'faucet', '--amount', amount]));
      ok(await tao(['--json', '--wallet', p.name, 'subnet', 'register', '--netuid', '1']));
    }),
  );
  // Enough stake for a validator permit (and to dominate the neurons' own earned stake).
  ok(await tao(['--json', '--wallet', VALIDATOR.name, 'stake', 'add', '--amount', '900']));
  for (const p of ALL) ports[p.name] = await freePort();
  const start = (p: PeerDef) =>
    tao(
      [
        '--json',
        '--wallet',
        p.name,
        'peer',
        'start',
        '--netuid',
        '1',
        '--name',
        p.name,
        '--port',
        String(ports[p.name]),
        '--device',
        'cpu',
        ...p.flags,
      ],
      120_000,
    );
  for (const r of await Promise.all(NEIGHBOURS.map(start))) ok(r);
  const v = parseJson<{ running: boolean; device: { device: string; gpus: unknown }; restarts: number }>(
    ok(await start(VALIDATOR)),
  );
  expect(v).toMatchObject({ running: true, restarts: 0, device: { device: 'cpu', gpus: null } });
}, 240_000);

afterAll(async () => {
  await runTao(['daemon', 'stop'], { home, timeoutMs: 60_000 }).catch(() => undefined);
  await kill(node, 'SIGTERM');
  cleanup();
}, 90_000);

describe('the peer market on a live ledger', () => {
  let firstTx: WeightsTx;

  it('pays incentive by pruning score: good > noisy, adversarial and lazy ≈ 0', async () => {
    // Weights on chain, then two full epochs on top of them.
    firstTx = await until('an included weights tx', 90_000, async () => {
      const tx = (await peerStatusBody(VALIDATOR.name)).last_weights_tx;
      return tx?.status === 'included' ? tx : null;
    });
    const target = firstTx.block! + 2 * (TEMPO + 1) + 1;
    await until(`block ${target}`, 60_000, async () => (await client.head()).number >= target);

    const status = await peerStatusBody(VALIDATOR.name);
    expect(status.round).toBeGreaterThan(5);
    expect(status.neighbours).toHaveLength(NEIGHBOURS.length);
    const byHotkey = new Map(status.neighbours.map((n) => [n.hotkey, n]));
    for (const g of ['good0', 'good1', 'good2', 'good3']) {
      const n = byHotkey.get(hotkeys[g]!)!;
      expect(n.status).toBe('scored');
      expect(n.ema, g).toBeGreaterThan(2 * n.ema_se);
      expect(n.weight, g).toBeGreaterThan(0);
    }
    for (const bad of ['adversarial', 'lazy']) expect(byHotkey.get(hotkeys[bad]!)!.weight, bad).toBe(0);

    // The validator's row on chain: every good neighbour, never the adversary or the lazy one.
    const uidOf = new Map(status.neighbours.map((n) => [n.hotkey, n.uid]));
    const row = (await client.weights(1)).find((r) => r.uid === status.uid)!;
    const onChain = new Map(row.weights);
    for (const g of ['good0', 'good1', 'good2', 'good3'])
      expect(onChain.get(uidOf.get(hotkeys[g]!)!) ?? 0, g).toBeGreaterThan(0);
    for (const bad of ['adversarial', 'lazy']) expect(onChain.get(uidOf.get(hotkeys[bad]!)!) ?? 0).toBe(0);

    // What the ledger's epoch made of it.
    const mg = parseJson<{ neurons: { hotkey: string; incentive: number }[] }>(
      ok(await tao(['--json', 'subnet', 'metagraph', '--netuid', '1'])),
    );
    const incentive = (name: string) => mg.neurons.find((n) => n.hotkey === hotkeys[name])!.incentive;
    const report = ALL.map((p) => `${p.name}=${incentive(p.name).toFixed(4)}`).join(' ');
    console.info(`incentive after ${firstTx.block} + 2 epochs: ${report}`);
    for (const g of ['good0', 'good1', 'good2', 'good3'])
      expect(incentive(g), `${g} vs noisy: ${report}`).toBeGreaterThan(incentive('noisy'));
    expect(incentive('adversarial'), report).toBeLessThan(0.01);
    expect(incentive('lazy'), report).toBeLessThan(0.01);

    // tao peer logs: a scoring round is one JSON line (no time prefix; --json carries the supervisor's ts).
    const logs = ok(await tao(['peer', 'logs', '--name', VALIDATOR.name, '--lines', '500'])).stdout;
    const lines = logs.split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => /^\d{4}-\d\d-\d\dT/.test(l))).toEqual([]);
    const rounds = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(rounds.length).toBeGreaterThan(5);
    for (const r of rounds) expect(r).toMatchObject({ event: 'round', seed_hash: expect.any(String) });
  }, 180_000);

  it('is restarted by the supervisor after SIGKILL and resumes scoring and setting weights', async () => {
    const before = parseJson<{ pid: number; restarts: number }>(
      ok(await tao(['--json', 'peer', 'status', '--name', VALIDATOR.name])),
    );
    process.kill(before.pid, 'SIGKILL');
    const after = await until('the restarted validator', 60_000, async () => {
      const s = parseJson<{
        pid: number | null;
        restarts: number;
        running: boolean;
        last_exit: { signal: string };
      }>(await tao(['--json', 'peer', 'status', '--name', VALIDATOR.name]));
      return s.running && s.pid !== before.pid && s.restarts >= 1 ? s : null;
    });
    expect(after.restarts).toBeGreaterThanOrEqual(before.restarts + 1);
    expect(after.last_exit.signal).toBe('SIGKILL');
    // The new process scores again (its round counter advances) and lands a new weights tx.
    await until(
      'rounds in the new process',
      60_000,
      async () => (await peerStatusBody(VALIDATOR.name)).round >= 3,
    );
    const tx = await until('a new included weights tx', 90_000, async () => {
      const t = (await peerStatusBody(VALIDATOR.name)).last_weights_tx;
      return t?.status === 'included' && t.tx_hash !== firstTx.tx_hash ? t : null;
    });
    expect(tx.block).toBeGreaterThan(firstTx.block!);
  }, 180_000);
});
