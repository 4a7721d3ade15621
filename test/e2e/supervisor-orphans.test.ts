/**
 * The SSH-drop promise: the supervisor's children outlive it. A peer keeps running when the pipe its output
 * went to closes, and the next supervisor adopts the children the dead one left (status, stop, restart).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSupervisor, stopSupervisor } from '../../src/supervisor/client.js';
import { readPid, runFiles } from '../../src/supervisor/instance.js';
import { TAO_BIN, parseJson, runTao, tempHome } from '../helpers/tao.js';
import { nodeSpec, pidAlive, scriptDir, waitFor } from '../supervisor/fixtures.js';
import { freePort, startNode } from './node-helpers.js';

let scripts: ReturnType<typeof scriptDir>;
const { home, cleanup } = tempHome('tao-orphans-');
const leftovers: number[] = [];

/** A chatty child that, like the peers, treats its output as best effort (no reader left: drop it). */
const TICKER = `
  for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);
  let n = 0;
  setInterval(() => process.stdout.write('tick ' + ++n + '\\n'), 50);
`;

/**
 * Write system calls `pid` has made, failed ones included (Linux /proc/<pid>/io `syscw`); null once it has
 * exited (gone, or a zombie that nobody reaped yet, which `pidAlive` still counts as alive).
 */
const writeCalls = (pid: number): number | null => {
  try {
    if (/^\d+ \(.*\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return null;
    const n = /^syscw: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1];
    return n === undefined ? null : Number(n);
  } catch {
    return null;
  }
};

beforeAll(async () => {
  scripts = scriptDir();
  writeFileSync(join(scripts.dir, 'ticker.mjs'), TICKER);
  const r = await runTao(['--json', 'wallet', 'create', '--no-password'], { home });
  expect(r.code, r.stderr).toBe(0);
});

afterAll(async () => {
  await stopSupervisor(home, { timeoutMs: 15_000 }).catch(() => undefined);
  for (const pid of leftovers) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  scripts.cleanup();
  cleanup();
});

describe('children outlive their supervisor', () => {
  it('a peer whose output pipe closed (its supervisor died) keeps running and stops cleanly', async () => {
    const node = await startNode(home, await freePort(), ['--instant', '--data', join(home, 'chain')]);
    leftovers.push(node.child.pid!);
    const port = await freePort();
    const peer = spawn(
      process.execPath,
      [
        TAO_BIN,
        '--home',
        home,
        '--node',
        node.url,
        'peer',
        'run',
        '--netuid',
        '1',
        '--port',
        String(port),
        '--flavour',
        'validator',
        '--device',
        'cpu',
        '--name',
        'piped',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    leftovers.push(peer.pid!);
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      peer.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let out = '';
    peer.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await waitFor('the peer announces itself', () => out.includes("peer 'piped'"), 30_000);
    // Its first metagraph refresh is done (and its SIGTERM handler installed) once it notes its hotkey.
    await waitFor('first refresh', async () => {
      const r = await fetch(`http://127.0.0.1:${port}/status`).catch(() => null);
      return r?.ok && ((await r.json()) as { note: string | null }).note?.includes('not registered');
    });
    // The reading end goes away, as when the supervisor is killed: every later write hits EPIPE.
    peer.stdout.destroy();
    peer.stderr.destroy();
    process.kill(peer.pid!, 'SIGTERM'); // the peer logs "SIGTERM: stopping" into the closed pipe
    expect(await exited).toEqual({ code: 0, signal: null });
    node.child.kill('SIGTERM');
    await node.exited;
  });

  it('a new supervisor adopts the children of a killed one: same pid, stop and restart work', async () => {
    const first = parseJson<{ pid: number }>(await runTao(['--json', 'daemon', 'start'], { home }));
    const client = await connectSupervisor(home);
    await client.start({
      name: 'ticker',
      kind: 'test',
      command: process.execPath,
      args: [join(scripts.dir, 'ticker.mjs')],
    });
    await client.start(nodeSpec(scripts.dir, 'stubborn', 'ignore-term.mjs', [], { stopGraceMs: 300 }));
    const pids = (await waitFor('both running', async () => {
      const c = (await client.status()).children;
      return c.every((x) => x.state === 'running') && c.length === 2 && c.map((x) => x.pid!);
    })) as number[];
    client.close();
    leftovers.push(...pids);
    const registry = join(home, 'run', 'children.json');
    await waitFor('registry lists both', () => {
      const text = readFileSync(registry, 'utf8');
      return pids.every((p) => text.includes(`"pid":${p}`));
    });

    process.kill(first.pid, 'SIGKILL');
    await waitFor('daemon gone', () => !pidAlive(first.pid));
    // The ticker's next writes go into the dead daemon's pipe (EPIPE), one write call per 50 ms tick (the
    // kernel counts failed calls too). Ten calls: it lived through ten ticks of its own timer after the
    // first EPIPE, more than a ticker killed by it makes (its stack to stderr: ~5 calls, then it exits).
    const before = writeCalls(pids[0]!);
    expect(before).not.toBeNull();
    await waitFor('ten writes into the closed pipe', () => {
      const n = writeCalls(pids[0]!);
      return n === null || n >= before! + 10;
    });
    expect(writeCalls(pids[0]!)).not.toBeNull();
    for (const pid of pids) expect(pidAlive(pid)).toBe(true);

    const second = parseJson<{ pid: number; started: boolean }>(
      await runTao(['--json', 'daemon', 'start'], { home }),
    );
    expect(second.started).toBe(true);
    expect(readPid(runFiles(home).pidFile)).toBe(second.pid);
    const adopted = await connectSupervisor(home);
    try {
      const children = (await adopted.status()).children;
      expect(children.map((c) => [c.name, c.state, c.pid])).toEqual([
        ['ticker', 'running', pids[0]],
        ['stubborn', 'running', pids[1]],
      ]);
      for (const pid of pids) expect(pidAlive(pid)).toBe(true);
      expect((await adopted.logs('ticker', 5)).map((l) => l.text).join('\n')).toMatch(
        new RegExp(`adopted pid ${pids[0]}`),
      );

      // Stop reaches an adopted process (SIGKILL after the grace for one that ignores SIGTERM).
      const stopped = await adopted.stop('stubborn');
      expect(stopped.state).toBe('stopped');
      expect(pidAlive(pids[1]!)).toBe(false);

      // An adopted process that dies is restarted from its spec, and its output is captured again.
      process.kill(pids[0]!, 'SIGKILL');
      const restarted = (await waitFor('ticker restarted', async () => {
        const t = (await adopted.status()).children.find((c) => c.name === 'ticker');
        return t?.state === 'running' && t.pid !== pids[0] && t.pid;
      })) as number;
      leftovers.push(restarted);
      await waitFor('ticks captured', async () =>
        (await adopted.logs('ticker', 3)).some((l) => l.stream === 'stdout' && l.text.startsWith('tick')),
      );
    } finally {
      adopted.close();
    }
  });
});
