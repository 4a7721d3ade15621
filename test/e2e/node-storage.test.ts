/**
 * The real `tao node start` on damaged or full storage, and on a data dir another node holds: each is
 * E_STORAGE / E_NODE_LOCKED with exit 2 and what to do, never "unexpected failure … this is a bug"; a
 * restart on an existing chain does not claim to have created it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runTao, TAO_BIN, tempHome } from '../helpers/tao.js';
import { freePort, type Json, kill, type NodeProc, rpc, rpcRaw, startNode } from './node-helpers.js';

const { home, cleanup } = tempHome('tao-node-storage-');
afterAll(cleanup);
let procs: NodeProc[] = [];
afterEach(async () => {
  for (const p of procs) await kill(p);
  procs = [];
});

/** `tao node start` under a file size limit (`ulimit -f`, 512-byte blocks): a disk that fills up. */
function startLimited(blocks: number, data: string, port: number): NodeProc {
  const child: ChildProcess = spawn(
    'sh',
    [
      '-c',
      `ulimit -f ${blocks} && exec "$0" "$@"`,
      process.execPath,
      TAO_BIN,
      'node',
      'start',
      '--dev',
      '--instant',
      '--rpc-port',
      String(port),
      '--data',
      data,
      '--home',
      home,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const p = { child, url: `http://127.0.0.1:${port}`, output: () => out, exited };
  procs.push(p);
  return p;
}

describe('tao node start on storage it cannot use', () => {
  it('a full disk at the first write is exit 2 E_STORAGE, not a bug', async () => {
    const data = join(home, 'full-at-start');
    const p = startLimited(1, data, await freePort());
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/tao: cannot write the chain database in .*full-at-start: the disk is full/);
    expect(p.output()).toContain('hint: free disk space');
    expect(p.output()).not.toContain('this is a bug');
  });

  it('a disk that fills up while running stops the node with exit 2 E_STORAGE; with space it resumes', async () => {
    const data = join(home, 'fills-up');
    const port = await freePort();
    const p = startLimited(400, data, port);
    await waitFor(() => p.output().includes('stop with') || p.child.exitCode !== null);
    let acknowledged = 0;
    for (;;) {
      const r = await rpcRaw(p.url, 'dev_mine', { blocks: 20 }).catch(() => undefined);
      if (!r?.result) break;
      acknowledged = r.result.head.number;
    }
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/tao: cannot write the chain database in .*fills-up: the disk is full/);
    expect(p.output()).not.toContain('fatal:');
    expect(acknowledged).toBeGreaterThan(0);

    const again = await startNode(home, await freePort(), ['--instant', '--data', data]);
    procs.push(again);
    const info: Json = await rpc(again.url, 'system_info');
    expect(info.head).toBeGreaterThanOrEqual(acknowledged);
    await kill(again, 'SIGTERM');
    const verify = await runTao(['--json', 'node', 'verify', '--data', data], { home });
    expect(verify.code, verify.stderr).toBe(0);
  }, 30_000);

  it('a second node on the same data dir is exit 2 E_NODE_LOCKED', async () => {
    const data = join(home, 'locked');
    const first = await startNode(home, await freePort(), ['--instant', '--data', data]);
    procs.push(first);
    const second = await runTao(
      ['--json', 'node', 'start', '--dev', '--data', data, '--rpc-port', String(await freePort())],
      {
        home,
      },
    );
    expect(second.code).toBe(2);
    expect(JSON.parse(second.stderr).error.code).toBe('E_NODE_LOCKED');
  });

  it('a data dir that lost its CURRENT file is exit 2 E_STORAGE with the path, and no new chain', async () => {
    const data = join(home, 'no-current');
    const first = await startNode(home, await freePort(), ['--instant', '--data', data]);
    procs.push(first);
    await kill(first, 'SIGTERM');
    rmSync(join(data, 'CURRENT'));
    const r = await runTao(
      ['--json', 'node', 'start', '--dev', '--data', data, '--rpc-port', String(await freePort())],
      {
        home,
      },
    );
    expect(r.code).toBe(2);
    const error = JSON.parse(r.stderr).error;
    expect(error.code).toBe('E_STORAGE');
    expect(error.message).toContain(data);
    expect(error.hint).toMatch(/MANIFEST-\d+/);
  });

  it('says "created" only when it created the chain; a restart resumes the existing one', async () => {
    const data = join(home, 'restart');
    const first = await startNode(home, await freePort(), ['--instant', '--data', data]);
    procs.push(first);
    await waitFor(() => first.output().includes('stop with') || first.child.exitCode !== null);
    expect(first.output()).toContain('dev chain created with:');
    await rpc(first.url, 'dev_mine', { blocks: 3 });
    await kill(first, 'SIGTERM');
    const second = await startNode(home, await freePort(), ['--instant', '--data', data]);
    procs.push(second);
    await waitFor(() => second.output().includes('stop with') || second.child.exitCode !== null);
    expect(second.output()).not.toContain('created with');
    expect(second.output()).toContain('existing dev chain resumed at block 3');
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}
