/**
 * `tao node verify` checks the chain this home runs (the running node's data dir: tao up's up/chain, a
 * detached node's --data, a foreground node's), also while that node runs (a copy is replayed, no
 * E_NODE_LOCKED), and never creates or changes a file of the data dir: an empty dir stays empty.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childDataDir } from '../../src/cli/node-chain.js';
import { nodeSpec, upPaths } from '../../src/up/plan.js';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { freePort, type Json, kill, type NodeProc, rpc, startNode } from './node-helpers.js';

const { home, cleanup } = tempHome('tao-node-verify-');
let foreground: NodeProc | undefined;

afterAll(async () => {
  await kill(foreground);
  await runTao(['--home', home, 'node', 'stop']);
  await runTao(['--home', home, 'daemon', 'stop']);
  cleanup();
});

const tao = (args: string[]) => runTao(['--home', home, ...args], { timeoutMs: 60_000 });
const errorCode = (stderr: string): string => JSON.parse(stderr).error.code;
/** Every file of `dir` with its size and mtime: what a read-only verify must leave as it was. */
const listing = (dir: string) =>
  readdirSync(dir)
    .sort()
    .map((f) => {
      const s = statSync(join(dir, f));
      return `${f} ${s.size} ${s.mtimeMs}`;
    });

describe('tao node verify', () => {
  it('finds the data dir in a supervised node spec: tao up passes up/chain, the default is node/data', () => {
    const up = nodeSpec({ bin: 'tao', home, rpcPort: 9944, blockTimeMs: 1000, dataDir: upPaths(home).chain });
    expect(childDataDir(up, home)).toBe(upPaths(home).chain);
    const plain = nodeSpec({ bin: 'tao', home: '/elsewhere', rpcPort: 9944, blockTimeMs: 1000 });
    expect(childDataDir(plain, home)).toBe('/elsewhere/node/data');
  });

  it('with no chain is exit 2 E_NO_CHAIN and creates nothing: not in the home, not in an empty --data dir', async () => {
    const before = readdirSync(home).sort();
    const none = await tao(['--json', 'node', 'verify']);
    expect(none.code).toBe(2);
    expect(errorCode(none.stderr)).toBe('E_NO_CHAIN');
    expect(readdirSync(home).sort()).toEqual(before);

    const empty = join(home, 'empty');
    mkdirSync(empty);
    const r = await tao(['--json', 'node', 'verify', '--data', empty]);
    expect(r.code).toBe(2);
    expect(errorCode(r.stderr)).toBe('E_NO_CHAIN');
    expect(readdirSync(empty)).toEqual([]);
  });

  it('verifies a running foreground node (node/data) while it runs', async () => {
    foreground = await startNode(home, await freePort(), ['--instant']);
    await rpc(foreground.url, 'dev_mine', { blocks: 5 });
    const r = await tao(['--json', 'node', 'verify']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<Json>(r)).toMatchObject({
      ok: true,
      head: 5,
      data_dir: join(home, 'node', 'data'),
      source: 'foreground node',
      live: true,
    });
    const named = await tao(['--json', 'node', 'verify', '--data', join(home, 'node', 'data')]);
    expect(parseJson<Json>(named)).toMatchObject({ ok: true, source: 'flag', live: true });
    await kill(foreground, 'SIGTERM');
  });

  it("verifies the supervised node's chain (tao up's up/chain), not node/data, live and after it stopped", async () => {
    const chain = upPaths(home).chain;
    const port = await freePort();
    const start = await tao([
      '--json',
      'node',
      'start',
      '--dev',
      '--instant',
      '--detach',
      '--rpc-port',
      String(port),
      '--data',
      chain,
    ]);
    expect(start.code, start.stderr).toBe(0);
    await rpc(`http://127.0.0.1:${port}`, 'dev_mine', { blocks: 12 });
    const live = await tao(['--json', 'node', 'verify']);
    expect(live.code, live.stderr).toBe(0);
    expect(parseJson<Json>(live)).toMatchObject({
      ok: true,
      head: 12,
      data_dir: chain,
      source: 'supervised node',
      live: true,
    });

    expect((await tao(['node', 'stop'])).code).toBe(0);
    const files = listing(chain);
    const stopped = await tao(['--json', 'node', 'verify']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(parseJson<Json>(stopped)).toMatchObject({
      head: 12,
      data_dir: chain,
      source: 'tao up',
      live: false,
    });
    expect(listing(chain)).toEqual(files);
    const text = await tao(['node', 'verify', '--data', join(home, 'node', 'data')]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^ok: 6 blocks, 0 txs replayed; .* at block 5\nchain: .*node\/data \(flag\)\n$/,
    );
  }, 60_000);
});
