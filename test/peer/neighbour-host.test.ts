/**
 * The neighbour host (src/peer/runtime/neighbours.ts, the built dist/ entry) under a real in-process
 * Supervisor: four real peers in one process (their own dev wallets, ports and ONNX models; no ledger node,
 * so they serve without registering). One of them throws from its own timer once it listens
 * (TAO_NEIGHBOUR_FAULT), one finds its port taken. The supervisor lists each member as a child of its own.
 * Needs `npm run build`.
 */
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import type { ChildStatus } from '../../src/supervisor/types.js';
import { neighboursHostSpec } from '../../src/up/peers.js';
import { neighbourPlans } from '../../src/up/plan.js';
import { ensureDevWallet } from '../../src/up/wallets.js';
import { tempHome } from '../helpers/tao.js';
import { freePort, pidAlive, waitFor } from '../supervisor/fixtures.js';

const NAMES = ['good-0', 'noisy', 'lazy', 'random'];
let home: string;
let cleanup: () => void;
let supervisor: Supervisor;
let blocker: Server;
const ports = new Map<string, number>();

const member = (name: string): ChildStatus | undefined =>
  supervisor.list().find((c) => c.name === `peer:${name}`);
const host = (): ChildStatus => supervisor.list().find((c) => c.name === 'neighbours')!;
const answers = async (name: string): Promise<boolean> => {
  try {
    const res = await fetch(`http://127.0.0.1:${ports.get(name)}/health`, {
      signal: AbortSignal.timeout(5000),
    });
    return res.ok && ((await res.json()) as { name: string }).name === name;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  ({ home, cleanup } = tempHome('tao-neighbour-host-'));
  const plans = neighbourPlans(1).filter((p) => NAMES.includes(p.name));
  const keys = new Map<string, string>();
  for (const plan of plans) {
    keys.set(plan.name, (await ensureDevWallet(home, plan.wallet)).hotkey);
    ports.set(plan.name, await freePort());
  }
  // random's port is taken before the host starts: that member fails at listen, the others do not care.
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(ports.get('random'), '127.0.0.1', resolve));
  const spec = neighboursHostSpec(
    plans,
    (plan) => ({
      home,
      nodeUrl: 'http://127.0.0.1:9', // no ledger: the peers serve, unregistered
      port: ports.get(plan.name)!,
      hotkeyAddress: keys.get(plan.name)!,
      device: 'cpu',
    }),
    { home, nodeUrl: 'http://127.0.0.1:9' },
  );
  spec.env = { ...spec.env, TAO_NEIGHBOUR_FAULT: 'peer:lazy' };
  supervisor = new Supervisor(join(home, 'logs'));
  await supervisor.start(spec);
}, 60_000);

afterAll(async () => {
  await supervisor?.disposeAll();
  blocker?.close();
  cleanup();
}, 60_000);

describe('neighbours in one process', () => {
  it('lists every neighbour as a child of its own, with the host pid, kind peer and its meta', async () => {
    await waitFor(
      'good-0 and noisy running',
      () => member('good-0')?.state === 'running' && member('noisy')?.state === 'running',
      60_000,
    );
    const pid = host().pid!;
    for (const name of NAMES) {
      const c = member(name)!;
      expect(c.kind).toBe('peer');
      expect(c.meta).toMatchObject({
        name,
        port: ports.get(name),
        hosted_by: 'neighbours',
        started_by: 'tao up',
      });
    }
    expect(member('good-0')!.pid).toBe(pid);
    expect(await answers('good-0')).toBe(true);
    expect(await answers('noisy')).toBe(true);
  }, 70_000);

  it('a neighbour that throws is restarted alone; the others keep running and answering', async () => {
    const pid = host().pid!;
    const good = member('good-0')!;
    const noisy = member('noisy')!;
    const lazy = await waitFor(
      'lazy restarted after its fault',
      () => {
        const c = member('lazy');
        return c && c.restarts >= 1 && c.state === 'running' ? c : null;
      },
      60_000,
    );
    expect(lazy.lastExit?.reason).toContain('injected fault in peer:lazy');
    expect(
      supervisor
        .logs('peer:lazy', 200)
        .map((l) => l.text)
        .join('\n'),
    ).toContain('crashed: Error: injected fault in peer:lazy');
    // The host never exited; the other members were never restarted.
    expect(host()).toMatchObject({ state: 'running', pid, restarts: 0 });
    expect(pidAlive(pid)).toBe(true);
    for (const [before, name] of [
      [good, 'good-0'],
      [noisy, 'noisy'],
    ] as const) {
      expect(member(name)).toMatchObject({ state: 'running', restarts: 0, startedAt: before.startedAt });
      expect(await answers(name)).toBe(true);
    }
    await waitFor('lazy answering again', () => answers('lazy'), 30_000);
  }, 90_000);

  it('a neighbour whose port is taken fails alone, with its own exit reason', async () => {
    const random = await waitFor(
      'random failing',
      () => {
        const c = member('random');
        return c?.lastExit && (c.state === 'restarting' || c.state === 'crash-looping') ? c : null;
      },
      60_000,
    );
    expect(random.lastExit!.reason).toContain(`cannot listen on 127.0.0.1:${ports.get('random')}`);
    expect(random.pid).toBeNull();
    expect(member('good-0')).toMatchObject({ state: 'running', restarts: 0 });
    expect(await answers('good-0')).toBe(true);
  }, 70_000);

  it('stop and restart reach one neighbour through the host; remove and a clashing start are refused', async () => {
    const pid = host().pid!;
    expect((await supervisor.stop('peer:noisy')).state).toBe('stopped');
    expect(await answers('noisy')).toBe(false);
    expect(await answers('good-0')).toBe(true);
    const back = await supervisor.restart('peer:noisy');
    expect(back).toMatchObject({ state: 'running', pid });
    expect(await answers('noisy')).toBe(true);
    await expect(supervisor.remove('peer:noisy')).rejects.toMatchObject({ code: 'E_HOSTED' });
    await expect(
      supervisor.start({ name: 'peer:noisy', kind: 'peer', command: process.execPath, args: ['-e', '0'] }),
    ).rejects.toMatchObject({ code: 'E_SPEC_CONFLICT' });
    expect(host()).toMatchObject({ state: 'running', pid, restarts: 0 });
  }, 60_000);
});
