/**
 * Real processes for the console's end-to-end tests: a supervisor daemon running a dev ledger node and a
 * peer-like child that serves the peer contract's /status, a funded password-less wallet, and a driver
 * for a detached tmux session (fixed size, read with capture-pane, keys with send-keys).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSupervisor, stopSupervisor } from '../../src/supervisor/client.js';
import { readPid, runFiles } from '../../src/supervisor/instance.js';
import { TAO_BIN, parseJson, runTao } from '../helpers/tao.js';
import { freePort, rpc } from './node-helpers.js';
import { sleep } from '../../src/core/sleep.js';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export async function waitUntil<T>(
  what: string,
  probe: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** The peer contract's /status, served by a small supervised process standing in for `tao peer run`. */
const FAKE_PEER = `
const http = require('node:http');
const port = Number(process.argv[2]);
let round = 0;
setInterval(() => round++, 500).unref();
http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url === '/health') return res.end(JSON.stringify({ ok: true }));
  if (req.url === '/status') return res.end(JSON.stringify({
    name: 'own', flavour: 'own', hotkey: '5FakeOwn', uid: 0, netuid: 1,
    device: { device: 'cpu', reason: 'no CUDA', gpus: [] }, started_at: 0, round, last_round_at: Date.now(),
    neighbours: [
      { uid: 7, hotkey: '5NeighbourSeven0000000000000000000000000000000', score: 0.0421, se: 0.003, ema: 0.04,
        ema_se: 0.002, gate: 1, weight: 0.75, acc_decline: 0, latency_ms: 12.5, failures: 0, status: 'ok' },
      { uid: 9, hotkey: '5NeighbourNine00000000000000000000000000000000', score: 0.0102, se: 0.004, ema: 0.01,
        ema_se: 0.002, gate: 1, weight: 0.25, acc_decline: 0, latency_ms: 30, failures: 2, status: 'ok' },
    ],
    last_weights_tx: { tx_hash: '0xabc123def4567890', block: 12, status: 'included' },
    next_weights_due: 40, axon: { served: 10, rejected: 0, running: 0, waiting: 0 },
  }));
  res.statusCode = 404; res.end('{}');
}).listen(port, '127.0.0.1', () => console.log('fake peer serving on ' + port));
`;

export interface Stack {
  home: string;
  url: string;
  rpcPort: number;
  peerPort: number;
  /** pids of the supervisor's children by name. */
  pids(): Promise<Record<string, number | null>>;
  stop(): Promise<void>;
}

/** A supervisor daemon with child `node` (dev ledger, fast blocks) and child `peer:own` (fake /status). */
export async function startStack(home: string, blockTimeMs = 300): Promise<Stack> {
  const rpcPort = await freePort();
  const peerPort = await freePort();
  const url = `http://127.0.0.1:${rpcPort}`;
  const script = join(home, 'fake-peer.cjs');
  writeFileSync(script, FAKE_PEER);
  const sup = await ensureSupervisor(home);
  const stopAll = () => stopSupervisor(home, { timeoutMs: 20_000 }).catch(() => undefined);
  try {
    await sup.start({
      name: 'node',
      kind: 'node',
      command: process.execPath,
      args: [
        TAO_BIN,
        'node',
        'start',
        '--dev',
        '--block-time',
        String(blockTimeMs),
        '--rpc-port',
        String(rpcPort),
        '--home',
        home,
      ],
      meta: { rpc_url: url },
    });
    await sup.start({
      name: 'peer-own',
      kind: 'peer',
      command: process.execPath,
      args: [script, String(peerPort)],
      meta: { flavour: 'own', port: peerPort, hotkey: '5FakeOwn', netuid: 1, name: 'own' },
    });
  } catch (error) {
    sup.close();
    await stopAll();
    throw error;
  }
  sup.close();
  try {
    await waitUntil('the dev ledger to answer', () => rpc(url, 'system_info'), 30_000);
    await waitUntil(
      'the fake peer to answer',
      async () => (await fetch(`http://127.0.0.1:${peerPort}/health`)).ok,
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    home,
    url,
    rpcPort,
    peerPort,
    async pids() {
      const { connectSupervisor } = await import('../../src/supervisor/client.js');
      const c = await connectSupervisor(home);
      try {
        const s = await c.status();
        return Object.fromEntries(s.children.map((ch) => [ch.name, ch.pid]));
      } finally {
        c.close();
      }
    },
    async stop() {
      await stopSupervisor(home, { timeoutMs: 20_000 }).catch(() => undefined);
      const pid = readPid(runFiles(home).pidFile);
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}

/**
 * Wallet `w` funded by the dev faucet: password-less, or encrypted with `password` (written to a file in
 * `home` for the CLI; the console gets it typed into its dialog). Returns its addresses.
 */
export async function fundedWallet(
  home: string,
  url: string,
  password?: string,
): Promise<{ coldkey: string; hotkey: string }> {
  const pwFile = join(home, 'pw.txt');
  if (password !== undefined) writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  const auth = password === undefined ? [] : ['--password-file', pwFile];
  const env = { TAO_NO_KEYCHAIN: '1' };
  const created = await runTao(
    [
      '--json',
      '--wallet',
      'w',
      ...auth,
      'wallet',
      'create',
      ...(password === undefined ? ['--no-password'] : []),
    ],
    { home, env },
  );
  if (created.code !== 0) throw new Error(`wallet create failed: ${created.stderr}`);
  const faucet = await runTao(['--json', '--node', url, '--wallet', 'w', ...auth, 'wallet', 'faucet'], {
    home,
    env,
  });
  if (faucet.code !== 0) throw new Error(`faucet failed: ${faucet.stderr}${faucet.stdout}`);
  // Stake goes only to registered hotkeys: register the wallet's hotkey on subnet 1.
  const registered = await runTao(
    ['--json', '--yes', '--node', url, '--wallet', 'w', ...auth, 'subnet', 'register', '--netuid', '1'],
    { home, env },
  );
  if (registered.code !== 0) throw new Error(`register failed: ${registered.stderr}${registered.stdout}`);
  const show = parseJson<{ coldkey: { ss58: string }; hotkeys: { ss58: string }[] }>(
    await runTao(['--json', '--wallet', 'w', 'wallet', 'show'], { home }),
  );
  return { coldkey: show.coldkey.ss58, hotkey: show.hotkeys[0]!.ss58 };
}

/** The wallet's stakes as the ledger reports them (`tao stake list --json`). */
export async function stakesOf(home: string, url: string): Promise<{ hotkey: string; amount: string }[]> {
  const r = await runTao(['--json', '--node', url, '--wallet', 'w', 'stake', 'list'], { home });
  const json = parseJson<{ stakes: { hotkey: string; amount: string }[] }>(r);
  return json.stakes;
}

/** A detached tmux session on its own server socket (never the user's), fixed size. */
export class Tmux {
  readonly socket: string;

  constructor(
    readonly name: string,
    dir: string,
  ) {
    this.socket = join(dir, `tmux-${name}.sock`);
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Starts `command` (a shell line) in a new 100x30 session whose shell stays after it exits. */
  start(command: string, env: Record<string, string>, size = { columns: 100, rows: 30 }): void {
    const exports = Object.entries(env)
      .map(([k, v]) => `export ${k}='${v.replaceAll("'", "'\\''")}'`)
      .join('; ');
    this.tmux(
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      String(size.columns),
      '-y',
      String(size.rows),
      'sh',
    );
    this.tmux('set-option', '-t', this.name, 'window-size', 'manual');
    this.tmux('resize-window', '-t', this.name, '-x', String(size.columns), '-y', String(size.rows));
    this.type(`${exports}; PS1='$ '; ${command}; echo "console exited with $?"`);
    this.keys('Enter');
  }

  /** Sends literal text. */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** Sends tmux key names (Enter, Escape, C-c, Down…). */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  /** Polls the screen until `match` appears; returns the screen. */
  async waitFor(match: string | RegExp, timeoutMs = 30_000): Promise<string> {
    let last = '';
    try {
      return await waitUntil(
        `${String(match)} on the screen`,
        () => {
          last = this.screen();
          return (typeof match === 'string' ? last.includes(match) : match.test(last)) ? last : null;
        },
        timeoutMs,
        150,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- screen ---\n${last}`);
    }
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows));
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // no server left
    }
  }
}
