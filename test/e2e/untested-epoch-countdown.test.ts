/**
 * The console's "next epoch in N blocks" against a real node over HTTP: the console's chain feed (real
 * NodeClient, real SnapshotStore) follows an --instant dev node that the test mines one block at a time;
 * the node's subnet_list says when an epoch really ran (last_epoch == head). At every head the countdown
 * must land on the next of those blocks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/client/index.js';
import { ChainFeed } from '../../src/tui/data/chain-feed.js';
import { SnapshotStore } from '../../src/tui/data/snapshot-store.js';
import type { MarketSnapshot } from '../../src/tui/data/types.js';
import { freePort, kill, type NodeProc, rpc, startNode } from './node-helpers.js';

let home: string;
let node: NodeProc | undefined;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'tao-epoch-countdown-'));
  node = await startNode(home, await freePort(), ['--instant', '--tempo', '4']);
}, 30_000);

afterAll(async () => {
  await kill(node);
  rmSync(home, { recursive: true, force: true });
});

/** Resolves with the first snapshot that satisfies `ok`; fails loudly after 20 s. */
function snapshotWhere(store: SnapshotStore, ok: (s: MarketSnapshot) => boolean): Promise<MarketSnapshot> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const s = store.getSnapshot();
      if (!ok(s)) return false;
      clearTimeout(timer);
      unsubscribe();
      resolve(s);
      return true;
    };
    const timer = setTimeout(() => {
      unsubscribe();
      const { head, nextEpochIn } = store.getSnapshot().node;
      reject(new Error(`the console never caught up: head ${head}, next epoch in ${nextEpochIn}`));
    }, 20_000);
    const unsubscribe = store.subscribe(() => void check());
    check();
  });
}

describe('console epoch countdown', () => {
  it('counts down to the block whose end the node runs the epoch at, for two full tempos', async () => {
    const url = node!.url;
    const store = new SnapshotStore(url);
    const feed = new ChainFeed(new NodeClient(url, { timeoutMs: 5000, retries: 0 }), store, {
      netuid: 1,
      coldkey: null,
      hotkeys: [],
      pollMs: 200,
      slowPollMs: 200,
    });
    feed.start();
    try {
      const countdown = new Map<number, number>();
      const epochs: number[] = [];
      let head: number = (await rpc(url, 'chain_head')).number;
      let previous: number | null = null;
      for (let step = 0; step < 12; step++) {
        // The stream moves the head first (the old countdown kept); the refresh that follows sets the
        // countdown for this head, which differs from the last one (it falls by one or starts over).
        const s = await snapshotWhere(
          store,
          (x) => x.node.head === head && x.node.nextEpochIn !== null && x.node.nextEpochIn !== previous,
        );
        previous = s.node.nextEpochIn;
        countdown.set(head, s.node.nextEpochIn!);
        const { subnets } = (await rpc(url, 'subnet_list')) as {
          subnets: { netuid: number; last_epoch: number }[];
        };
        const sn = subnets.find((x) => x.netuid === 1)!;
        if (sn.last_epoch === head && head > 0) epochs.push(head); // last_epoch 0: never ran
        head = (await rpc(url, 'dev_mine', { blocks: 1 })).head.number;
      }
      // Tempo 4, 12 heads: the node ran at least two epochs in the window.
      expect(epochs.length).toBeGreaterThanOrEqual(2);
      for (const [h, n] of countdown) {
        const next = epochs.find((e) => e > h);
        if (next !== undefined) expect(h + n, `countdown ${n} at head ${h}, epochs ${epochs}`).toBe(next);
      }
    } finally {
      feed.close();
    }
  }, 60_000);
});
