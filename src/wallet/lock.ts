/**
 * One writer per wallet: `wallets/.<name>.lock`, created with O_EXCL and holding its holder's pid and host.
 * A second tao that wants to change the same wallet fails at once with E_WALLET_BUSY (exit 2) instead of
 * interleaving its files with the first (a coldkey from one run beside the coldkeypub.txt of another).
 * A lock whose holder died (same host, pid no longer running) is stale and taken over, so a crash never
 * locks a wallet for good.
 *
 * Written here rather than taken from npm: proper-lockfile, the usual choice (last release 2021), judges
 * staleness by mtime and keeps a timer refreshing it, so a crashed holder still blocks the wallet for the
 * stale period and a paused one can lose its lock; a pid tells a dead holder at once, needs no timer, and
 * adds no dependency. Limits: a lock from another host (a home on a network file system) is never judged
 * stale, and if the pid of a crashed holder is reused the lock stays until its file is deleted — the
 * E_WALLET_BUSY hint says so.
 */
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  readSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ensurePrivateDir, wrapFsError } from './atomic.js';
import { walletBusy } from './errors.js';
import { checkName } from './layout.js';
import { refuseWalletLinks } from './links.js';

interface Holder {
  pid: number;
  host: string;
}

interface LockInfo {
  holder: Holder | null;
  dev: number;
  ino: number;
  mtimeMs: number;
}

export interface WalletLock {
  path: string;
  release(): void;
}

/** A lock file that cannot be read yet (its holder is between creating and writing it) is live this long. */
const UNREADABLE_GRACE_MS = 10_000;

export const walletLockPath = (home: string, wallet: string) =>
  join(resolve(home, 'wallets'), `.${checkName('wallet', wallet)}.lock`);

function readLock(path: string): LockInfo | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return wrapFsError(error, path);
  }
  try {
    const st = fstatSync(fd);
    const buf = Buffer.alloc(Math.min(st.size, 4096));
    const n = readSync(fd, buf, 0, buf.length, 0);
    let holder: Holder | null = null;
    try {
      const doc = JSON.parse(buf.subarray(0, n).toString('utf8')) as Partial<Holder>;
      if (Number.isSafeInteger(doc.pid) && doc.pid! > 0 && typeof doc.host === 'string')
        holder = { pid: doc.pid!, host: doc.host };
    } catch {
      // empty or partly written
    }
    return { holder, dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // runs, as another user
  }
}

function isStale(info: LockInfo): boolean {
  if (!info.holder) return Date.now() - info.mtimeMs > UNREADABLE_GRACE_MS;
  return info.holder.host === hostname() && !isRunning(info.holder.pid);
}

/**
 * Removes the stale lock `info` describes. It is renamed aside first and checked to be that same file:
 * if another process already replaced it with a fresh lock of its own, that one is put back.
 */
function breakStale(path: string, info: LockInfo): void {
  const aside = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else broke it
    wrapFsError(error, path);
  }
  const st = lstatSync(aside);
  if (st.ino !== info.ino || st.dev !== info.dev) {
    try {
      linkSync(aside, path);
    } catch {
      // a third process locked it meanwhile; its lock stands
    }
  }
  unlinkSync(aside);
}

function describeHolder(info: LockInfo): string {
  if (!info.holder) return 'a lock being written';
  return info.holder.host === hostname()
    ? `pid ${info.holder.pid}`
    : `pid ${info.holder.pid} on host ${info.holder.host}`;
}

/** Takes the wallet's lock or throws E_WALLET_BUSY; a stale lock is taken over. */
export function acquireWalletLock(home: string, wallet: string): WalletLock {
  const path = walletLockPath(home, wallet);
  const dir = dirname(path);
  // A command that fails before writing leaves no wallets/ directory it had to make for its lock.
  const madeDir = !existsSync(dir);
  for (let attempt = 0; attempt < 5; attempt++) {
    ensurePrivateDir(dir);
    let fd: number;
    try {
      fd = openSync(
        path,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue; // another lock's release removed the empty wallets/ just now
      if (code !== 'EEXIST') wrapFsError(error, path);
      const info = readLock(path);
      if (!info) continue; // released just now
      if (!isStale(info)) throw walletBusy(wallet, path, describeHolder(info));
      breakStale(path, info);
      continue;
    }
    let ino: number;
    try {
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      ino = fstatSync(fd).ino;
    } finally {
      closeSync(fd);
    }
    const release = () => {
      process.off('exit', release);
      try {
        if (lstatSync(path).ino === ino) unlinkSync(path);
        if (madeDir) rmdirSync(dir);
      } catch {
        // already gone, or wallets/ now holds something
      }
    };
    process.on('exit', release); // a process.exit() mid-command (Ctrl-C at a prompt) still frees it
    return { path, release };
  }
  throw walletBusy(wallet, path, 'the lock kept changing hands');
}

/** Runs `run` holding the wallet's lock, after refusing a symlinked wallet or hotkeys directory. */
export async function withWalletLock<T>(home: string, wallet: string, run: () => Promise<T> | T): Promise<T> {
  const lock = acquireWalletLock(home, wallet);
  try {
    refuseWalletLinks(home, wallet);
    return await run();
  } finally {
    lock.release();
  }
}
