/**
 * One daemon per TAO_HOME: the owner-only `run/` directory, a pid file created exclusively, and a socket
 * probe. A pid file or socket left by a crashed daemon (no process, nobody listening) is removed.
 *
 * Access control: Node does not expose SO_PEERCRED, so other users are kept out by the filesystem —
 * `run/` is 0700 and the socket 0600, both owned by the daemon's uid, which is verified at startup.
 */
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ExitCode, TaoError } from '../core/errors.js';
import { paths } from '../core/paths.js';

export interface RunFiles {
  runDir: string;
  socket: string;
  pidFile: string;
}

export function runFiles(home: string): RunFiles {
  const p = paths(home);
  return { runDir: p.run, socket: p.controlSocket, pidFile: join(p.run, 'supervisor.pid') };
}

const uid = (): number | null => (typeof process.getuid === 'function' ? process.getuid() : null);

/** Creates `run/` as 0700 and checks this user owns it (refuses to use a directory owned by someone else). */
export function prepareRunDir(home: string): RunFiles {
  const files = runFiles(home);
  mkdirSync(files.runDir, { recursive: true, mode: 0o700 });
  const st = statSync(files.runDir);
  if (uid() !== null && st.uid !== uid()) {
    throw new TaoError(
      'E_RUN_DIR_OWNER',
      `${files.runDir} belongs to uid ${st.uid}, not to this user (uid ${uid()})`,
      ExitCode.unexpected,
    );
  }
  if ((st.mode & 0o777) !== 0o700) chmodSync(files.runDir, 0o700);
  return files;
}

/** True when something accepts connections on the socket. */
export function probeSocket(socket: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = connect(socket);
    const timer = setTimeout(() => {
      conn.destroy();
      resolve(false);
    }, timeoutMs);
    conn.once('connect', () => {
      clearTimeout(timer);
      conn.destroy();
      resolve(true);
    });
    conn.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

export function readPid(pidFile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Whether a process exists and has not exited (a zombie waiting for its parent to reap it has). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT'; // no /proc (not Linux): trust kill(0)
  }
}

/** Whether a live pid is (probably) a tao daemon, so a recycled pid does not block us forever. */
function looksLikeDaemon(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('daemon');
  } catch {
    return pidAlive(pid);
  }
}

export const daemonRunning = (pid: number | null) =>
  new TaoError(
    'E_DAEMON_RUNNING',
    `a supervisor daemon is already running for this TAO_HOME${pid ? ` (pid ${pid})` : ''}`,
    ExitCode.usage,
    'see it with: tao daemon status; stop it with: tao daemon stop',
  );

/** Claims this TAO_HOME for the current process; returns the release function. */
export async function acquireInstance(home: string): Promise<{ files: RunFiles; release: () => void }> {
  const files = prepareRunDir(home);
  for (let attempt = 0; attempt < 3; attempt++) {
    // The pid file appears atomically with its content (link fails if it exists), so a rival never
    // reads an empty file and mistakes a starting daemon for a stale one.
    const tmp = `${files.pidFile}.${process.pid}.tmp`;
    writeFileSync(tmp, `${process.pid}\n`, { mode: 0o600 });
    try {
      linkSync(tmp, files.pidFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const other = readPid(files.pidFile);
      if (await probeSocket(files.socket)) throw daemonRunning(other);
      if (other !== null && other !== process.pid && pidAlive(other) && looksLikeDaemon(other)) {
        throw daemonRunning(other);
      }
      // Left by a daemon that died: nobody listens and the process is gone. (Re-read first, so a rival
      // that cleaned up and claimed the file in the meantime keeps it.)
      if (readPid(files.pidFile) === other) {
        rmSync(files.pidFile, { force: true });
        rmSync(files.socket, { force: true });
      }
      continue;
    } finally {
      rmSync(tmp, { force: true });
    }
    // A socket without a pid file: stale unless someone answers on it.
    if (await probeSocket(files.socket)) {
      rmSync(files.pidFile, { force: true });
      throw daemonRunning(null);
    }
    rmSync(files.socket, { force: true });
    const release = () => {
      if (readPid(files.pidFile) === process.pid) {
        rmSync(files.socket, { force: true });
        rmSync(files.pidFile, { force: true });
      }
    };
    return { files, release };
  }
  throw daemonRunning(readPid(files.pidFile));
}

/** Makes the socket 0600 and checks it is owned by this process's uid. */
export function secureSocket(socket: string): void {
  chmodSync(socket, 0o600);
  const st = statSync(socket);
  if (uid() !== null && st.uid !== uid()) {
    throw new TaoError('E_SOCKET_OWNER', `${socket} is owned by uid ${st.uid}, not ${uid()}`);
  }
  if ((st.mode & 0o777) !== 0o600) {
    throw new TaoError('E_SOCKET_MODE', `${socket} has mode ${(st.mode & 0o777).toString(8)}, expected 600`);
  }
}
