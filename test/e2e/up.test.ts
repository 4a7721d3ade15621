/**
 * `tao up` / `tao down` end to end: the real binary brings up a supervisor, a dev ledger node, the simulated
 * neighbours (one of every flavour) in one host process and the own peer in its own, in a temp home on free
 * ports; the market is live (neurons registered, the validators set weights), a second `up` reuses
 * everything, and `down` leaves no process.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/client/index.js';
import { parseTao } from '../../src/core/amount.js';
import { pidAlive, runFiles } from '../../src/supervisor/instance.js';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { freePort } from './node-helpers.js';
import {
  ownStatus,
  UpHome,
  type UpPeerDoc,
  upArgs as makeUpArgs,
  waitFor,
  waitMarketLive,
} from './up-helpers.js';

interface UpDoc {
  node: string;
  netuid: number;
  supervisor: { pid: number; started: boolean };
  wallet: { name: string; coldkey: string; hotkey: string; created: boolean; dev: boolean };
  peers: UpPeerDoc[];
  attach: string;
}

interface DownDoc {
  stopped: { name: string; pid: number | null }[];
  supervisor_stopped: boolean;
  supervisor_pid: number | null;
}

const FLAVOURS = ['good', 'noisy', 'copycat', 'adversarial', 'lazy', 'random', 'validator', 'own'];
const TAO = 1_000_000_000n;

const market = new UpHome('tao-up-e2e-');
const home = market.home;
let upArgs: string[];
let first: UpDoc;

async function childPids(): Promise<Map<string, number | null>> {
  return new Map([...(await market.children())].map(([name, c]) => [name, c.pid]));
}

beforeAll(async () => {
  upArgs = await makeUpArgs(1);
});

afterAll(() => market.teardown(), 90_000);

describe('tao up / tao down', () => {
  it('up --headless --json brings up a market with a peer of every flavour, each with a uid', async () => {
    const r = await runTao(['--json', ...upArgs], { home, timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // --json: only the final document
    first = parseJson<UpDoc>(r);
    expect(first.node).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.netuid).toBe(1);
    expect(first.supervisor.started).toBe(true);
    expect(first.wallet).toMatchObject({ name: 'default', created: true, dev: true });
    expect(new Set(first.peers.map((p) => p.flavour))).toEqual(new Set(FLAVOURS));
    const own = first.peers.find((p) => p.flavour === 'own')!;
    expect(own).toMatchObject({ name: 'default', hotkey: first.wallet.hotkey, child: 'peer:default' });
    const uids = first.peers.map((p) => p.uid);
    for (const uid of uids) expect(Number.isInteger(uid) && uid >= 0).toBe(true);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(first.peers.map((p) => p.port)).size).toBe(first.peers.length);
    // The node, the neighbours' host and the own peer: each neighbour is a child named for it in the host.
    const kids = await market.children();
    expect([...kids.keys()].sort()).toEqual(
      ['node', 'neighbours', ...first.peers.map((p) => p.child)].sort(),
    );
    const hostPid = kids.get('neighbours')!.pid;
    for (const p of first.peers)
      expect(kids.get(p.child)?.pid, p.name).toBe(
        p.flavour === 'own' ? kids.get('peer:default')!.pid : hostPid,
      );
    expect(new Set([...kids.values()].map((c) => c.pid)).size).toBe(3);
  }, 180_000);

  it('the market is live: every peer is a neuron with its axon, and both validators set weights', async () => {
    const client = new NodeClient(first.node);
    const mg = await client.metagraph(1);
    for (const peer of first.peers)
      expect(mg.neurons.find((x) => x.hotkey === peer.hotkey)?.uid, peer.name).toBe(peer.uid);
    // Each peer announces its axon (serve_axon) once it runs; both validators set weights.
    await waitMarketLive(first.node, first.peers, { axonsMs: 60_000, weightsMs: 60_000 });
    const status = () => ownStatus(first.peers);
    const before = (await status()).round;
    await waitFor('another scoring round', async () => (await status()).round > before, 30_000);
    expect((await status()).neighbours.length).toBeGreaterThan(0);
  }, 180_000);

  it('commands find this market without --node: wallet balance dials its port, not 9944', async () => {
    const r = await runTao(['--json', 'wallet', 'balance'], { home });
    expect(r.code, r.stderr).toBe(0);
    const row = parseJson<{ balances: { address: string; staked: string }[] }>(r).balances[0]!;
    expect(row.address).toBe(first.wallet.coldkey);
    expect(parseTao(row.staked, 'staked')).toBeGreaterThanOrEqual(500n * TAO);
  });

  it('peer start over the running own peer is refused without --replace, and the peer keeps running', async () => {
    const before = await childPids();
    const r = await runTao(
      [
        '--json',
        'peer',
        'start',
        '--netuid',
        '1',
        '--flavour',
        'validator',
        '--port',
        String(await freePort()),
      ],
      { home },
    );
    expect(r.code, r.stderr).toBe(2);
    const err = JSON.parse(r.stderr) as { error: { code: string; message: string; hint: string } };
    expect(err.error.code).toBe('E_PEER_RUNNING');
    expect(err.error.message).toContain("peer 'default' already runs (own on port");
    expect(err.error.hint).toContain('--replace');
    expect((await childPids()).get('peer:default')).toBe(before.get('peer:default'));
  });

  it('weights set on the own hotkey warns that the running peer will overwrite them', async () => {
    const target = first.peers.find((p) => p.flavour === 'good')!;
    const args = ['weights', 'set', '--netuid', '1', '--uids', String(target.uid), '--weights', '1'];
    const text = await runTao(['--yes', ...args, '--no-wait'], { home });
    expect(text.stderr).toMatch(/warning: peer:default \(own, pid \d+\) sets the weights of this hotkey/);
    // The warning travels in --json too (retried past the rate limit the peer's own weights set).
    const doc = await waitFor(
      'weights set to be accepted',
      async () => {
        const r = await runTao(['--json', ...args, '--no-wait'], { home });
        return r.code === 0 ? parseJson<{ warnings?: string[] }>(r) : null;
      },
      30_000,
    );
    expect(doc.warnings?.[0]).toContain('peer:default (own');
    expect(doc.warnings?.[0]).toContain('will overwrite these');
  }, 60_000);

  it('stake remove --all on the running own validator needs --yes, also with --json', async () => {
    const client = new NodeClient(first.node);
    const stake = async () =>
      (await client.stakeList({ coldkey: first.wallet.coldkey, hotkey: first.wallet.hotkey })).length;
    const r = await runTao(['--json', 'stake', 'remove', '--all'], { home });
    expect(r.code, r.stderr).toBe(2);
    const err = JSON.parse(r.stderr) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('E_CONFIRMATION_REQUIRED');
    expect(err.error.message).toContain('removes all your stake from the running validator peer:default');
    expect(await stake()).toBe(1);
  });

  it("selling the own validator's α on its subnet needs --yes too, and names the subnet", async () => {
    const client = new NodeClient(first.node);
    const alpha = async () =>
      (await client.alphaStakes({ coldkey: first.wallet.coldkey, hotkey: first.wallet.hotkey })).find(
        (s) => s.netuid === 1,
      )?.alpha;
    expect(await alpha()).toBeGreaterThan(0n);
    // α grows with every epoch's dividends, so "nothing was sold" is read from the coldkey's nonce
    const nonce = async () => (await client.accountInfo(first.wallet.coldkey)).nonce;
    const before = await nonce();
    const r = await runTao(['--json', 'stake', 'remove', '--netuid', '1', '--amount', '1', '--unsafe'], {
      home,
    });
    expect(r.code, r.stderr).toBe(2);
    const err = JSON.parse(r.stderr) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('E_CONFIRMATION_REQUIRED');
    expect(err.error.message).toContain(
      'removes 1.000000000 α on subnet 1 from the running validator peer:default',
    );
    expect(await nonce()).toBe(before);
  });

  it('a second up reuses everything: same uids and ports, same processes, no second stake', async () => {
    const client = new NodeClient(first.node);
    const stakeOf = async () =>
      (await client.stakeList({ coldkey: first.wallet.coldkey, hotkey: first.wallet.hotkey })).reduce(
        (sum, s) => sum + s.amount,
        0n,
      );
    const stakeBefore = await stakeOf();
    expect(stakeBefore).toBeGreaterThanOrEqual(500n * TAO);
    const pidsBefore = await childPids();

    const r = await runTao(['--json', ...upArgs], { home, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const again = parseJson<UpDoc>(r);
    expect(again.supervisor).toEqual({ pid: first.supervisor.pid, started: false });
    expect(again.wallet).toMatchObject({ coldkey: first.wallet.coldkey, created: false });
    const key = (d: UpDoc) =>
      d.peers.map((p) => `${p.name}:${p.flavour}:${p.hotkey}:${p.uid}:${p.port}`).sort();
    expect(key(again)).toEqual(key(first));
    expect(await childPids()).toEqual(pidsBefore);
    // Emission may add a little stake; a second 500 TAO stake may not.
    expect((await stakeOf()) - stakeBefore).toBeLessThan(100n * TAO);
  }, 150_000);

  it('after tao node stop, a plain up comes back on the recorded ports and restarts no peer', async () => {
    const stop = await runTao(['--json', 'node', 'stop'], { home });
    expect(stop.code, stop.stderr).toBe(0);
    const peersBefore = await childPids();
    expect(peersBefore.has('node')).toBe(false);
    // No --rpc-port, no --peer-port: the record says where this market lives.
    const plain = ['up', '--headless', '--good', '1', '--device', 'cpu'];
    const r = await runTao(['--json', ...plain], { home, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const again = parseJson<UpDoc>(r);
    expect(again.node).toBe(first.node);
    expect(again.peers.map((p) => `${p.name}:${p.port}`).sort()).toEqual(
      first.peers.map((p) => `${p.name}:${p.port}`).sort(),
    );
    const after = await childPids();
    for (const peer of first.peers)
      expect(after.get(peer.child), peer.name).toBe(peersBefore.get(peer.child));
  }, 150_000);

  it('without a terminal and without --headless, up runs headless, says so, and shows progress on stderr', async () => {
    const r = await runTao(
      upArgs.filter((a) => a !== '--headless'),
      { home, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('not a terminal');
    expect(r.stderr).toMatch(/\[1\/6\] wallets/);
    expect(r.stderr).toMatch(/\[6\/6\] waiting for peers/);
    expect(r.stdout).toContain(`live market on ${first.node}`);
    expect(r.stdout).toContain('tao down');
    expect(r.stdout).toMatch(/attach\s+tao --node http:\/\/127\.0\.0\.1:\d+ console/);
  }, 150_000);

  it('stake remove --all --yes unstakes the own validator and says so', async () => {
    const r = await runTao(['--json', '--yes', 'stake', 'remove', '--all'], { home, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson<{ status: string; warnings?: string[] }>(r);
    expect(doc.status).toBe('included');
    expect(doc.warnings?.[0]).toContain('removes all your stake from the running validator peer:default');
  }, 90_000);

  it('down stops every process up started (peers, node, supervisor) and keeps the chain', async () => {
    await childPids();
    const supervisorPid = first.supervisor.pid;
    const r = await runTao(['--json', 'down'], { home, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson<DownDoc>(r);
    expect(doc.stopped.map((s) => s.name).sort()).toEqual(
      ['node', 'neighbours', ...first.peers.map((p) => p.child)].sort(),
    );
    expect(doc.supervisor_stopped).toBe(true);
    expect(doc.supervisor_pid).toBe(supervisorPid);
    await waitFor(
      'every process gone',
      async () => [...market.seenPids].every((pid) => !pidAlive(pid)),
      15_000,
    );
    expect(readFileSync(join(home, 'up', 'state.json'), 'utf8')).toContain('"owns_node": true');
    const again = await runTao(['down'], { home });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing was running');
  }, 90_000);
});

describe('tao up with an encrypted wallet', () => {
  it('refuses (exit 3) before starting anything when the peer could not unlock the hotkey unattended', async () => {
    const h = tempHome('tao-up-locked-');
    try {
      const pw = join(h.home, 'pw.txt');
      writeFileSync(pw, 'correct horse battery\n', { mode: 0o600 });
      const env = { TAO_NO_KEYCHAIN: '1' };
      const made = await runTao(['--json', '--password-file', pw, 'wallet', 'create'], { home: h.home, env });
      expect(made.code, made.stderr).toBe(0);
      const port = await freePort();
      const r = await runTao(['--json', 'up', '--headless', '--rpc-port', String(port)], {
        home: h.home,
        env,
      });
      expect(r.code).toBe(3);
      const err = JSON.parse(r.stderr) as { error: { code: string; hint: string } };
      expect(err.error.code).toBe('E_PASSWORD_REQUIRED');
      expect(err.error.hint).toContain('--password-file');
      expect(r.stdout).toBe('');
      // Nothing was started: no supervisor, no chain, and the wallet was left as it was.
      expect(existsSync(runFiles(h.home).socket)).toBe(false);
      expect(existsSync(join(h.home, 'up', 'chain'))).toBe(false);
      expect(readFileSync(join(h.home, 'wallets', 'default', 'coldkey'), 'utf8')).toContain(
        '"encrypted": true',
      );
    } finally {
      h.cleanup();
    }
  }, 60_000);
});
