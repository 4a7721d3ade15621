/** The supervisor daemon as operators and other tools meet it: the real binary, a real socket, real children. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { connectSupervisor, ensureSupervisor, stopSupervisor } from '../../src/supervisor/client.js';
import { readPid, runFiles } from '../../src/supervisor/instance.js';
import { TAO_BIN, parseJson, runTao, tempHome } from '../helpers/tao.js';
import { nodeSpec, pidAlive, scriptDir, waitFor } from '../supervisor/fixtures.js';

let scripts: ReturnType<typeof scriptDir>;
const homes: { home: string; cleanup: () => void }[] = [];

beforeAll(() => {
  scripts = scriptDir();
});
afterAll(() => scripts.cleanup());

function newHome(): string {
  const h = tempHome('tao-sup-e2e-');
  homes.push(h);
  return h.home;
}

afterEach(async () => {
  for (const h of homes.splice(0)) {
    await stopSupervisor(h.home, { timeoutMs: 15_000 }).catch(() => undefined);
    const pid = readPid(runFiles(h.home).pidFile);
    if (pid && pidAlive(pid)) process.kill(pid, 'SIGKILL');
    h.cleanup();
  }
});

interface StatusJson {
  running: boolean;
  pid: number | null;
  socket: string;
  children: {
    name: string;
    kind: string;
    state: string;
    pid: number | null;
    restarts: number;
    meta: unknown;
  }[];
}

/** Session id and process group of a pid, from /proc/<pid>/stat. */
function sessionOf(pid: number): { pgrp: number; session: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pgrp: Number(fields[2]), session: Number(fields[3]) };
}

describe('tao daemon', () => {
  it('starts detached, reports its children with status --json, and stops them with stop', async () => {
    const home = newHome();
    const started = await runTao(['--json', 'daemon', 'start'], { home });
    expect(started.code).toBe(0);
    const s = parseJson<{ running: boolean; started: boolean; pid: number; socket: string }>(started);
    expect(s).toMatchObject({ running: true, started: true, socket: join(home, 'run', 'control.sock') });
    expect(statSync(s.socket).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'run')).mode & 0o777).toBe(0o700);

    const client = await connectSupervisor(home);
    await client.start(
      nodeSpec(scripts.dir, 'peer-a', 'forever.mjs', [], { kind: 'peer', meta: { port: 8091 } }),
    );
    await waitFor('running', async () => (await client.status()).children[0]?.state === 'running');
    // A follower (as the console's log pane) stays connected while the daemon stops its children.
    const followed: string[] = [];
    const following = await client.follow('peer-a', (line) => followed.push(line.text));
    client.close();

    const status = await runTao(['--json', 'daemon', 'status'], { home });
    expect(status.code).toBe(0);
    const st = parseJson<StatusJson>(status);
    expect(st).toMatchObject({ running: true, pid: s.pid, socket: s.socket });
    expect(st.children).toHaveLength(1);
    expect(st.children[0]).toMatchObject({
      name: 'peer-a',
      kind: 'peer',
      state: 'running',
      restarts: 0,
      meta: { port: 8091 },
    });
    const childPid = st.children[0]!.pid!;
    expect(pidAlive(childPid)).toBe(true);

    const text = await runTao(['daemon', 'status'], { home });
    expect(text.stdout).toMatch(/peer-a\s+peer\s+running/);

    const stopped = await runTao(['--json', 'daemon', 'stop'], { home });
    expect(parseJson(stopped)).toEqual({ stopped: true, pid: s.pid, children_stopped: true });
    expect(pidAlive(childPid)).toBe(false);
    expect(pidAlive(s.pid)).toBe(false);
    expect(existsSync(s.socket)).toBe(false);
    expect(existsSync(runFiles(home).pidFile)).toBe(false);
    expect(parseJson<StatusJson>(await runTao(['--json', 'daemon', 'status'], { home }))).toMatchObject({
      running: false,
      pid: null,
      children: [],
    });
    expect(readFileSync(join(home, 'logs', 'peer-a.log'), 'utf8')).toContain('got SIGTERM');
    await following.done;
    expect(followed.join('\n')).toContain('got SIGTERM');
  });

  it('refuses a second daemon for the same TAO_HOME, and start is a no-op while one runs', async () => {
    const home = newHome();
    const first = parseJson<{ pid: number }>(await runTao(['--json', 'daemon', 'start'], { home }));
    const second = await runTao(['--json', 'daemon', 'run'], { home });
    expect(second.code).toBe(2);
    expect(JSON.parse(second.stderr).error.code).toBe('E_DAEMON_RUNNING');
    const again = parseJson<{ pid: number; started: boolean }>(
      await runTao(['--json', 'daemon', 'start'], { home }),
    );
    expect(again).toMatchObject({ pid: first.pid, started: false });
    expect(pidAlive(first.pid)).toBe(true);
  });

  it('starts only one daemon when two clients ensure it at the same time', async () => {
    const home = newHome();
    const [a, b] = await Promise.all([ensureSupervisor(home), ensureSupervisor(home)]);
    const [pa, pb] = await Promise.all([a.ping(), b.ping()]);
    a.close();
    b.close();
    expect(pa.pid).toBe(pb.pid);
  });

  it('cleans up after a daemon that was killed: pid file and socket; adopts its orphaned children', async () => {
    const home = newHome();
    const first = parseJson<{ pid: number; socket: string }>(
      await runTao(['--json', 'daemon', 'start'], { home }),
    );
    const client = await connectSupervisor(home);
    await client.start(nodeSpec(scripts.dir, 'orphan', 'ignore-term.mjs'));
    const orphanPid = (await waitFor(
      'child pid',
      async () => (await client.status()).children[0]?.pid,
    )) as number;
    client.close();
    const registry = join(home, 'run', 'children.json');
    await waitFor(
      'registry',
      () => existsSync(registry) && readFileSync(registry, 'utf8').includes(`${orphanPid}`),
    );
    process.kill(first.pid, 'SIGKILL');
    await waitFor('daemon gone', () => !pidAlive(first.pid));
    expect(existsSync(first.socket)).toBe(true);
    expect(readPid(runFiles(home).pidFile)).toBe(first.pid);
    expect(parseJson<StatusJson>(await runTao(['--json', 'daemon', 'status'], { home })).running).toBe(false);
    const second = parseJson<{ pid: number; started: boolean }>(
      await runTao(['--json', 'daemon', 'start'], { home }),
    );
    expect(second.started).toBe(true);
    expect(second.pid).not.toBe(first.pid);
    expect(readPid(runFiles(home).pidFile)).toBe(second.pid);
    // The crashed daemon's child keeps running, and the new daemon adopts it (see supervisor-orphans.test.ts).
    expect(pidAlive(orphanPid)).toBe(true);
    expect(readFileSync(join(home, 'logs', 'supervisor.log'), 'utf8')).toContain(
      `adopted orphan (pid ${orphanPid}), left running by a supervisor that died`,
    );
  });

  it('keeps running when the session that launched it is hung up (SIGHUP to its process group)', async () => {
    const home = newHome();
    // A stand-in for a terminal session: its own process group, which starts the daemon and stays.
    const session = spawn(
      'sh',
      ['-c', `"${process.execPath}" "${TAO_BIN}" daemon start && echo launched && exec sleep 60`],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TAO_HOME: home },
      },
    );
    let out = '';
    session.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<string | null>((resolve) =>
      session.once('exit', (_code, signal) => resolve(signal)),
    );
    await waitFor('launched', () => out.includes('launched'), 30_000);
    const pid = readPid(runFiles(home).pidFile)!;
    expect(sessionOf(pid)).toEqual({ pgrp: pid, session: pid });
    process.kill(-session.pid!, 'SIGHUP');
    expect(await exited).toBe('SIGHUP');
    // Asked after the session died (a hang-up reaches the daemon, if at all, as the session exits): a
    // daemon that took it and shut down has closed its socket by the time this new connection comes.
    const st = parseJson<StatusJson>(await runTao(['--json', 'daemon', 'status'], { home }));
    expect(st).toMatchObject({ running: true, pid });
    expect(pidAlive(pid)).toBe(true);
  });

  it('streams a child log to a follower and answers bad requests with error objects', async () => {
    const home = newHome();
    const client = await ensureSupervisor(home);
    try {
      await client.start(nodeSpec(scripts.dir, 'talker', 'forever.mjs', ['30']));
      const lines: string[] = [];
      const following = await client.follow('talker', (l) => lines.push(l.text), { lines: 5 });
      await waitFor('followed ticks', () => lines.filter((l) => l.startsWith('tick')).length >= 3);
      following.close();
      await following.done;
      expect((await client.logs('talker', 2)).map((l) => l.stream)).toEqual(['stdout', 'stdout']);
      await expect(client.stop('nobody')).rejects.toMatchObject({ code: 'E_NO_CHILD', exitCode: 2 });
      await expect(client.follow('nobody', () => undefined)).rejects.toMatchObject({ code: 'E_NO_CHILD' });
      await expect(client.request('reboot')).rejects.toMatchObject({ code: 'E_UNKNOWN_METHOD' });
      await expect(client.start({ name: 'x y', kind: 'peer', command: 'node' })).rejects.toMatchObject({
        code: 'E_BAD_SPEC',
      });

      const raw = connect(runFiles(home).socket);
      raw.write('this is not json\n{"id":7,"method":"ping"}\n');
      let reply = '';
      raw.on('data', (d: Buffer) => {
        reply += d.toString();
      });
      await waitFor('two replies', () => reply.split('\n').filter(Boolean).length >= 2);
      raw.destroy();
      const [bad, pong] = reply
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(bad).toEqual({ id: null, error: { code: 'E_BAD_REQUEST', message: 'not JSON' } });
      expect(pong).toMatchObject({ id: 7, result: { pong: true } });
    } finally {
      client.close();
    }
  });

  it('leaves children running on stop --keep-children', async () => {
    const home = newHome();
    const client = await ensureSupervisor(home);
    await client.start(nodeSpec(scripts.dir, 'keeper', 'ignore-term.mjs'));
    const pid = (await waitFor('pid', async () => (await client.status()).children[0]?.pid)) as number;
    client.close();
    try {
      const r = await runTao(['--json', 'daemon', 'stop', '--keep-children'], { home });
      expect(parseJson(r)).toMatchObject({ stopped: true, children_stopped: false });
      expect(pidAlive(pid)).toBe(true);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });

  it('says not running when asked for status without a daemon, and shows examples in --help', async () => {
    const home = newHome();
    const r = await runTao(['--json', 'daemon', 'status'], { home });
    expect(r.code).toBe(0);
    expect(parseJson(r)).toEqual({
      running: false,
      pid: null,
      socket: join(home, 'run', 'control.sock'),
      children: [],
    });
    const stop = await runTao(['--json', 'daemon', 'stop'], { home });
    expect(parseJson(stop)).toMatchObject({ stopped: false });
    for (const sub of ['start', 'stop', 'status']) {
      const help = await runTao(['daemon', sub, '--help']);
      expect(help.stdout).toContain(`$ tao daemon ${sub}`);
    }
    await expect(connectSupervisor(home)).rejects.toMatchObject({
      code: 'E_SUPERVISOR_UNREACHABLE',
      exitCode: 4,
    });
  });
});
