/**
 * The console's live DataSource against a real dev ledger process: event-driven updates, the
 * disconnected states with backoff while the node is gone, recovery when it returns, "no supervisor"
 * when none runs, and --readonly refusing to sign.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LiveDataSource } from '../../src/tui/data/live-source.js';
import { tempHome } from '../helpers/tao.js';
import { waitUntil } from './console-fixtures.js';
import { freePort, kill, type NodeProc, startNode } from './node-helpers.js';

describe('LiveDataSource against a real dev ledger', () => {
  const { home, cleanup } = tempHome('tao-console-source-');
  let node: NodeProc | undefined;
  let source: LiveDataSource | undefined;

  afterAll(async () => {
    source?.close();
    await kill(node);
    cleanup();
  });

  it('follows blocks, shows the node unreachable with backoff, and recovers when it returns', async () => {
    const port = await freePort();
    node = await startNode(home, port, ['--block-time', '200']);
    source = new LiveDataSource({
      url: node.url,
      netuid: 1,
      home,
      walletName: null,
      coldkey: null,
      hotkeys: [],
      readonly: true,
      offlineAfter: 3,
      maxBackoffMs: 2000,
      supervisorIntervalMs: 200,
    });
    source.start();
    const s1 = await waitUntil('connected with a head', () => {
      const s = source!.getSnapshot();
      return s.node.connection.kind === 'connected' && s.node.head !== null ? s : null;
    });
    expect(s1.subnet).toMatchObject({ netuid: 1 });
    expect(s1.node.chain).toBe('tao-dev');
    expect(s1.node.txFee).toBeGreaterThan(0n);
    // No supervisor runs for this home: the console says so and never starts one.
    await waitUntil('supervisor absent', () => source!.getSnapshot().supervisor.kind === 'absent');
    // Event-driven: the head moves on without waiting for the 15 s safety-net poll.
    const h = s1.node.head!;
    await waitUntil('three more blocks', () => (source!.getSnapshot().node.head ?? 0) >= h + 3, 10_000, 50);

    await kill(node, 'SIGTERM');
    const down = await waitUntil('reconnecting', () => {
      const c = source!.getSnapshot().node.connection;
      return c.kind === 'reconnecting' ? c : null;
    });
    expect(down.retryAt).toBeGreaterThan(Date.now() - 1000);
    expect(down.error).toBeTruthy();
    await waitUntil(
      'offline after repeated failures',
      () => source!.getSnapshot().node.connection.kind === 'offline',
      20_000,
    );
    expect(source.getSnapshot().subnet).toMatchObject({ netuid: 1 }); // the last data stays on screen

    node = await startNode(home, port, ['--block-time', '200']);
    await waitUntil(
      'connected again',
      () => source!.getSnapshot().node.connection.kind === 'connected',
      20_000,
    );
  }, 90_000);

  it('refuses to sign or stop anything when read-only', async () => {
    await expect(
      source!.addStake({ hotkey: '5F', amount: 1n, auth: { kind: 'keychain' } }),
    ).rejects.toMatchObject({ code: 'E_READONLY' });
    await expect(source!.stopProcess('node')).rejects.toMatchObject({ code: 'E_READONLY' });
  });
});
