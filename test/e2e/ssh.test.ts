/**
 * The console over a real SSH connection: a throwaway sshd on a loopback port (own host key, an
 * authorized key for the current user), the console run in tmux through `ssh -tt`, the screen read and
 * keys sent over SSH, then the connection killed. The supervised node and peer-like child keep running,
 * a new SSH session attaches to the still-live console, and a console run directly in an SSH session
 * that drops (SIGHUP) exits without stopping anything. Skipped without sshd locally; fails under CI.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAO_BIN, tempHome } from '../helpers/tao.js';
import { hasTmux, type Stack, startStack, waitUntil } from './console-fixtures.js';
import { freePort } from './node-helpers.js';

const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => existsSync(p)) ?? null;
const usable = SSHD !== null && hasTmux && spawnSync('ssh', ['-V']).status === 0;
if (!usable && process.env.CI) throw new Error('sshd, ssh and tmux are required under CI');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!usable)('tao console over SSH', () => {
  const { home, cleanup } = tempHome('tao-ssh-');
  const dir = join(home, 'ssh');
  const tmuxSock = join(home, 'tmux.sock');
  let port = 0;
  let sshd: ChildProcess | null = null;
  let stack: Stack;
  const clients: ChildProcess[] = [];

  const sshArgs = (...rest: string[]) => [
    '-p',
    String(port),
    '-i',
    join(dir, 'client_key'),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'BatchMode=yes',
    '127.0.0.1',
    ...rest,
  ];
  /**
   * Runs one command over a fresh SSH connection and returns its stdout. ssh's stderr is kept (in the
   * error, for waitUntil's timeout message) instead of being echoed into the test output: the attempts
   * before sshd listens would print "Connection refused" on every run.
   */
  const ssh = (command: string) =>
    execFileSync('ssh', sshArgs(command), {
      encoding: 'utf8',
      timeout: 20_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  /** What this file writes to stderr: ssh noise would land here (see the first test). */
  const stderrSeen: string[] = [];
  const stderrWrite = process.stderr.write;
  /** An interactive SSH session (remote PTY) kept open until killed. */
  const sshInteractive = (command: string) => {
    const child = spawn('ssh', ['-tt', ...sshArgs(command)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    clients.push(child);
    return { child, output: () => out };
  };
  const screen = () => ssh(`tmux -S ${tmuxSock} capture-pane -p -t tao-ssh`);
  const head = (s: string) => Number(/#(\d+)\s/.exec(s)?.[1] ?? Number.NaN);
  const consoleCommand = (url: string) =>
    `env TAO_HOME=${home} TERM=xterm-256color LANG=C.UTF-8 ${process.execPath} ${TAO_BIN} --node ${url} console`;

  beforeAll(async () => {
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      stderrSeen.push(String(chunk));
      return stderrWrite.call(process.stderr, chunk, ...rest);
    }) as typeof process.stderr.write;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const key of ['host_key', 'client_key']) {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, key)]);
    }
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
    port = await freePort();
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'StrictModes no',
        'UsePAM no',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'LogLevel ERROR',
      ].join('\n'),
    );
    if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    sshd = spawn(SSHD!, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    sshd.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await waitUntil(`sshd to accept logins (${log})`, () => ssh('echo ok').trim() === 'ok', 20_000, 300);
    stack = await startStack(home, 300);
  }, 120_000);

  afterAll(async () => {
    process.stderr.write = stderrWrite;
    for (const c of clients) c.kill('SIGKILL');
    spawnSync('tmux', ['-S', tmuxSock, 'kill-server']);
    await stack?.stop();
    sshd?.kill('SIGTERM');
    cleanup();
  }, 60_000);

  it('waits for sshd without printing ssh errors (no "Connection refused" noise)', () => {
    expect(stderrSeen.join('')).not.toMatch(/Connection refused|ssh:/);
  });

  it('runs in tmux over SSH, survives the connection being killed, and a new SSH session attaches', async () => {
    const session = sshInteractive(
      // A 100x30 remote terminal (an SSH PTY opened from a pipe is 80x24), tmux without a status line.
      `stty rows 30 cols 100; tmux -S ${tmuxSock} -f /dev/null new-session -d -s tao-ssh -x 100 -y 30 '${consoleCommand(stack.url)}' && tmux -S ${tmuxSock} set-option -g status off && tmux -S ${tmuxSock} attach -t tao-ssh`,
    );
    const first = await waitUntil('the console over SSH', () => {
      const s = screen();
      return /connected .*#\d+/.test(s) ? s : null;
    }).catch((error: Error) => {
      throw new Error(`${error.message}\nssh session output:\n${session.output()}`);
    });
    expect(first).toContain('1 Overview');
    ssh(`tmux -S ${tmuxSock} send-keys -t tao-ssh 4`);
    await waitUntil('the Peer view', () => screen().includes('peer-own'));
    expect(ssh(`tmux -S ${tmuxSock} list-clients -t tao-ssh`)).not.toBe('');

    const pids = await stack.pids();
    session.child.kill('SIGKILL'); // the SSH connection drops
    await waitUntil(
      'the tmux client to go away',
      () => ssh(`tmux -S ${tmuxSock} list-clients`).trim() === '',
    );

    // Nothing was stopped: same pids, all alive, and the console keeps following new blocks.
    expect(await stack.pids()).toEqual(pids);
    for (const pid of Object.values(pids)) expect(alive(pid!)).toBe(true);
    const h = head(screen());
    await waitUntil('the detached console to keep updating', () => head(screen()) >= h + 3);

    // A new SSH session attaches to the same, still live console.
    const again = sshInteractive(`stty rows 30 cols 100; tmux -S ${tmuxSock} attach -t tao-ssh`);
    await waitUntil('the new SSH client to attach', () =>
      ssh(`tmux -S ${tmuxSock} list-clients -t tao-ssh`).includes('tao-ssh'),
    );
    ssh(`tmux -S ${tmuxSock} send-keys -t tao-ssh 1`);
    await waitUntil('the Overview through the new session', () => /head block\s+#\d+/.test(screen()));
    again.child.kill('SIGKILL');
  }, 120_000);

  it('a console run directly in an SSH session exits on the drop (SIGHUP) and stops nothing', async () => {
    const pids = await stack.pids();
    // `--netuid 1` tells this console's command line apart from the one still running in tmux.
    const session = sshInteractive(`${consoleCommand(stack.url)} --netuid 1`);
    await waitUntil('the console to draw over SSH', () => session.output().includes('connected'), 30_000);
    const consolePid = await waitUntil('the console process', () => {
      const out = spawnSync('pgrep', ['-f', `${TAO_BIN} --node ${stack.url} console --netuid 1`], {
        encoding: 'utf8',
      });
      const pid = Number(out.stdout.trim().split('\n')[0]);
      return pid > 0 ? pid : null;
    });
    session.child.kill('SIGKILL');
    await waitUntil('the console to exit after the hangup', () => !alive(consolePid), 20_000);
    expect(await stack.pids()).toEqual(pids);
    for (const pid of Object.values(pids)) expect(alive(pid!)).toBe(true);
  }, 90_000);
});
