/**
 * `tao peer logs -f`, `tao peer restart` and `tao peer stop` through the built binary, on a real peer: a dev
 * ledger node, a password-less wallet funded by the faucet and registered on subnet 1, and one `lazy` peer
 * started with `tao peer start` under the supervisor daemon. Every wait is on a condition (a line in the
 * follower's output, a port answering), never a fixed sleep.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runTao, TAO_BIN, type TaoResult, tempHome } from '../helpers/tao.js';
import { waitUntil } from './console-fixtures.js';
import { freePort, kill, type NodeProc, startNode } from './node-helpers.js';

const { home, cleanup } = tempHome('tao-peer-lifecycle-');
let node: NodeProc | undefined;
let port = 0;
let hotkey = '';
const followers: ChildProcessWithoutNullStreams[] = [];

const tao = (args: string[], timeoutMs = 60_000): Promise<TaoResult> =>
  runTao(['--node', node!.url, ...args], { home, timeoutMs });

function ok(r: TaoResult): TaoResult {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(0);
  return r;
}

interface Summary {
  name: string;
  running: boolean;
  state: string;
  pid: number | null;
  restarts: number;
}

/** Whether a process with this pid exists (the supervisor reaps its children, so an exited one is gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** The peer's /status as its axon answers it, or the connection error. */
const axonStatus = () =>
  fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(2000) }).then(
    async (res) => ({ ok: res.ok, body: (await res.json()) as { hotkey?: string } }),
    (error: unknown) => ({ ok: false, error }),
  );

const status = async (): Promise<Summary> =>
  parseJson<Summary>(ok(await runTao(['--json', 'peer', 'status', '--name', 'p'], { home })));

/** Waits until `tao peer status` says the peer runs as `pid` and its axon answers for the wallet's hotkey. */
async function runningAs(pid: number): Promise<void> {
  await waitUntil(
    `peer p running as pid ${pid}`,
    async () => {
      const s = await status();
      return s.running && s.state === 'running' && s.pid === pid;
    },
    60_000,
  );
  const answer = await waitUntil('the peer’s axon', async () => {
    const a = await axonStatus();
    return a.ok ? a : null;
  });
  expect(answer).toMatchObject({ body: { hotkey } });
}

/** The start line each run of the peer logs once it listens (src/peer/runtime/peer.ts). */
const startLines = (out: string) =>
  out.match(/^peer 'p' \(lazy\) hotkey \S+ on 127\.0\.0\.1:\d+, subnet 1;/gm) ?? [];

/**
 * `tao peer logs -f …` as a long-running process: `until` resolves once its stdout satisfies a condition
 * (checked on every chunk), and fails if the process exits first or `timeoutMs` passes.
 */
function follow(args: string[]) {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', TAO_HOME: home };
  for (const key of ['TAO_PASSWORD', 'TAO_NODE', 'TAO_WALLET', 'TAO_HOTKEY']) delete env[key];
  const child = spawn(process.execPath, [TAO_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  followers.push(child);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiters) w();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const w of waiters) w();
  });
  return {
    out: () => stdout,
    exited,
    signal: (sig: NodeJS.Signals) => child.kill(sig),
    until(what: string, done: (out: string) => boolean, timeoutMs = 60_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (done(stdout)) finish();
          else if (gone) finish(new Error(`tao ${args.join(' ')} exited before ${what}`));
        };
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), timeoutMs);
        const finish = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(new Error(`${error.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
          else resolve();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

beforeAll(async () => {
  node = await startNode(home, await freePort(), ['--block-time', '300']);
  const created = parseJson<{ hotkey: { ss58: string } }>(
    ok(await runTao(['--json', 'wallet', 'create', '--no-password'], { home })),
  );
  hotkey = created.hotkey.ss58;
  ok(await tao(['--json', 'wallet', 'faucet', '--amount', '10']));
  ok(await tao(['--json', 'subnet', 'register', '--netuid', '1']));
  port = await freePort();
  const started = parseJson<Summary>(
    ok(
      await tao(
        [
          '--json',
          'peer',
          'start',
          '--netuid',
          '1',
          '--name',
          'p',
          '--flavour',
          'lazy',
          '--port',
          String(port),
          '--device',
          'cpu',
        ],
        120_000,
      ),
    ),
  );
  expect(started).toMatchObject({ name: 'p', running: true, state: 'running', restarts: 0 });
}, 180_000);

afterAll(async () => {
  for (const f of followers) if (f.exitCode === null && f.signalCode === null) f.kill('SIGKILL');
  await runTao(['daemon', 'stop'], { home, timeoutMs: 60_000 }).catch(() => undefined);
  await kill(node, 'SIGTERM');
  cleanup();
}, 90_000);

describe('tao peer logs -f | restart | stop on a supervised peer', () => {
  it('logs -f prints the recent lines, then the new ones as the peer restarts; Ctrl-C ends it with exit 0', async () => {
    const before = await status();
    expect(before).toMatchObject({ running: true, restarts: 0 });
    const oldPid = before.pid!;

    const f = follow(['peer', 'logs', '-f', '--name', 'p']);
    // The recent lines: this run's start line (with the wallet's hotkey), logged before -f began.
    await f.until('the start line among the recent lines', (out) => startLines(out).length === 1);
    expect(f.out()).toContain(`hotkey ${hotkey} on 127.0.0.1:${port}`);

    const restarted = parseJson<Summary>(
      ok(await runTao(['--json', 'peer', 'restart', '--name', 'p'], { home })),
    );
    // The old process is gone and a new one runs ('running' once its health check passes).
    expect(restarted).toMatchObject({ name: 'p', restarts: 1 });
    expect(restarted.pid).not.toBe(oldPid);
    expect(alive(oldPid)).toBe(false);
    expect(alive(restarted.pid!)).toBe(true);

    // The follower, still attached, prints what came after: the old run stopping, the new run starting.
    await f.until('the new run’s start line', (out) => startLines(out).length === 2);
    const out = f.out();
    const [first, second] = startLines(out) as [string, string];
    const stopping = out.indexOf('SIGTERM: stopping');
    expect(stopping).toBeGreaterThan(out.indexOf(first));
    expect(out.lastIndexOf(second)).toBeGreaterThan(stopping);

    f.signal('SIGINT');
    expect(await f.exited).toBe(0);
    await runningAs(restarted.pid!);
  }, 120_000);

  it('logs -f --json prints one JSON line per log line; SIGTERM, even during the recent lines, exits 0', async () => {
    const f = follow(['--json', 'peer', 'logs', '-f', '--name', 'p', '--lines', '1000']);
    await f.until('the first start line as JSON', (out) => /"text":"peer 'p' \(lazy\) hotkey /.test(out));
    f.signal('SIGTERM');
    expect(await f.exited).toBe(0);
    const lines = f
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ts: number; stream: string; text: string });
    for (const l of lines)
      expect(l).toEqual({ ts: expect.any(Number), stream: expect.any(String), text: expect.any(String) });
    expect(lines.filter((l) => /^peer 'p' \(lazy\) hotkey /.test(l.text)).length).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('stop ends the peer and frees its port; it stays listed, stop again is a no-op, restart brings it back', async () => {
    const before = await status();
    await runningAs(before.pid!);

    const stopped = ok(await runTao(['peer', 'stop', '--name', 'p'], { home }));
    expect(stopped.stdout).toMatch(/^peer\s+p$/m);
    expect(stopped.stdout).toMatch(/^state\s+stopped$/m);
    expect(stopped.stdout).toMatch(/^pid\s+-$/m);
    expect(alive(before.pid!)).toBe(false);
    expect(await axonStatus()).toMatchObject({ ok: false, error: expect.anything() });

    expect(await status()).toMatchObject({ running: false, state: 'stopped', pid: null });
    const list = parseJson<{ peers: Summary[] }>(ok(await runTao(['--json', 'peer', 'list'], { home })));
    expect(list.peers).toEqual([expect.objectContaining({ name: 'p', running: false, state: 'stopped' })]);

    const again = parseJson<Summary>(ok(await runTao(['--json', 'peer', 'stop', '--name', 'p'], { home })));
    expect(again).toMatchObject({ running: false, state: 'stopped', pid: null });

    const back = parseJson<Summary>(ok(await runTao(['--json', 'peer', 'restart', '--name', 'p'], { home })));
    expect(back).toMatchObject({ name: 'p', restarts: 2 });
    expect(alive(back.pid!)).toBe(true);
    await runningAs(back.pid!);
  }, 120_000);

  it('stop and restart of an unknown peer exit 2 with E_NO_PEER', async () => {
    for (const verb of ['stop', 'restart']) {
      const r = await runTao(['--json', 'peer', verb, '--name', 'nobody'], { home });
      expect(r.code, r.stderr).toBe(2);
      expect(JSON.parse(r.stderr).error.code).toBe('E_NO_PEER');
    }
  });
});
