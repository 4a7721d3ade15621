/**
 * What the `tao up` end-to-end tests share: a temp home whose processes are all tracked and killed at the end,
 * the supervisor's children, polling, and the wait until the market is live (every axon announced, both
 * validators' weights on chain).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeClient } from '../../src/client/index.js';
import { connectSupervisor } from '../../src/supervisor/client.js';
import { pidAlive, readPid, runFiles } from '../../src/supervisor/instance.js';
import type { ChildStatus } from '../../src/supervisor/types.js';
import { runTao, tempHome } from '../helpers/tao.js';
import { freePort } from './node-helpers.js';

export interface UpPeerDoc {
  name: string;
  flavour: string;
  hotkey: string;
  uid: number;
  port: number;
  child: string;
}

/** The own validator's `GET /status`, the part the tests read. */
export interface OwnStatus {
  round: number;
  neighbours: { hotkey: string; ema: number; weight: number }[];
}

/** Polls `probe` every 500 ms (an error counts as not yet) until it returns a value. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `up --headless` on a free RPC port and a random peer port range, `--good N`, peers on the CPU. */
export async function upArgs(good: number): Promise<string[]> {
  const rpcPort = await freePort();
  const peerBase = 20_000 + Math.floor(Math.random() * 20_000);
  return [
    'up',
    '--headless',
    '--rpc-port',
    String(rpcPort),
    '--peer-port',
    String(peerBase),
    '--good',
    String(good),
    '--device',
    'cpu',
  ];
}

/** A temp home for `tao up`: every pid the test sees (supervisor, node, peers) is killed by teardown. */
export class UpHome {
  readonly seenPids = new Set<number>();
  readonly home: string;
  private readonly cleanup: () => void;

  constructor(prefix: string) {
    ({ home: this.home, cleanup: this.cleanup } = tempHome(prefix));
  }

  /** The supervisor's children by name (each pid remembered for teardown). */
  async children(): Promise<Map<string, ChildStatus>> {
    const client = await connectSupervisor(this.home);
    try {
      const status = await client.status();
      this.seenPids.add(status.daemon.pid);
      for (const c of status.children) if (c.pid) this.seenPids.add(c.pid);
      return new Map(status.children.map((c) => [c.name, c]));
    } finally {
      client.close();
    }
  }

  /** `tao down`, then SIGKILL whatever this home ran that is still alive, then delete the home. */
  async teardown(): Promise<void> {
    await runTao(['down'], { home: this.home, timeoutMs: 60_000 }).catch(() => undefined);
    const daemon = readPid(runFiles(this.home).pidFile);
    if (daemon) this.seenPids.add(daemon);
    try {
      const state = JSON.parse(readFileSync(join(this.home, 'up', 'state.json'), 'utf8')) as {
        peers: { name: string }[];
      };
      for (const p of state.peers) {
        const s = JSON.parse(readFileSync(join(this.home, 'peers', p.name, 'state.json'), 'utf8')) as {
          pid?: number;
        };
        if (s.pid) this.seenPids.add(s.pid);
      }
    } catch {}
    for (const pid of this.seenPids) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    this.cleanup();
  }
}

/**
 * Waits until the market is live: every peer's axon is announced on subnet 1 at its port, and both
 * validators (the own peer and the `validator` neighbour) have weights on chain.
 */
export async function waitMarketLive(
  node: string,
  peers: readonly UpPeerDoc[],
  timeouts: { axonsMs: number; weightsMs: number },
): Promise<void> {
  const client = new NodeClient(node);
  await waitFor(
    'every axon announced',
    async () => {
      const neurons = (await client.metagraph(1)).neurons;
      return peers.every((p) => neurons.find((n) => n.hotkey === p.hotkey)?.axon?.port === p.port);
    },
    timeouts.axonsMs,
  );
  const scorers = peers.filter((p) => p.flavour === 'own' || p.flavour === 'validator');
  await waitFor(
    'both validators to set weights',
    async () => {
      const rows = await client.weights(1);
      return scorers.every((s) => rows.some((r) => r.uid === s.uid && r.weights.length > 0));
    },
    timeouts.weightsMs,
  );
}

/** The own validator's scoring status, from its axon. */
export async function ownStatus(peers: readonly UpPeerDoc[]): Promise<OwnStatus> {
  const own = peers.find((p) => p.flavour === 'own')!;
  return (await (await fetch(`http://127.0.0.1:${own.port}/status`)).json()) as OwnStatus;
}
