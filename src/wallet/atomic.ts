/**
 * Writing secrets to disk so that nothing is ever half-written or lost: directories 0700, a temp file
 * opened with O_EXCL and mode 0600, fsync, rename over the target, fsync of the directory. An existing
 * file is replaced only when the caller allows it, and is first copied to `<file>.bak-<timestamp>` (0600).
 * A target that is a symbolic link is refused (E_WALLET_SYMLINK), never written through or backed up.
 */
import {
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { TaoError } from '../core/errors.js';
import { homeNotWritable, walletExists } from './errors.js';
import { refuseLink } from './links.js';

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOSPC', 'EDQUOT', 'EEXIST']);

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOTDIR':
      return 'a path component is not a directory';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device';
    default:
      return e.message ?? String(error);
  }
}

/** Maps a file-system failure to E_HOME_NOT_WRITABLE (exit 2); anything else is rethrown as is. */
export function wrapFsError(error: unknown, path: string): never {
  if (error instanceof TaoError) throw error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && NOT_WRITABLE.has(code)) throw homeNotWritable(path, describe(error));
  throw error;
}

/** Creates `dir` and missing parents with mode 0700. */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    wrapFsError(error, dir);
  }
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename has still happened.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `data` to a fresh file created with O_CREAT|O_EXCL and mode 0600, then fsyncs it. */
function writeExclusive(path: string, data: Uint8Array | string, onCreated?: () => void): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  onCreated?.();
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export const backupName = (path: string, now = new Date()) =>
  `${path}.bak-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;

/** Copies an existing file to a new `.bak-<timestamp>` file (0600, never overwriting one); returns its path. */
export function backupFile(path: string): string {
  const data = readFileSync(path);
  let target = backupName(path);
  for (let i = 1; existsSync(target); i++) target = `${backupName(path)}-${i}`;
  writeExclusive(target, data);
  return target;
}

export interface WriteOptions {
  /** Replace an existing file (after backing it up). Without it an existing file is E_WALLET_EXISTS. */
  overwrite?: boolean;
  /** Back up a replaced file (default true). */
  backup?: boolean;
  /** Words for the E_WALLET_EXISTS message, e.g. "coldkey of wallet 'default'". */
  what?: string;
}

/** Atomically writes `data` to `path`; returns the backup made of a replaced file, if any. */
export function writeFileAtomic(path: string, data: Uint8Array | string, options: WriteOptions = {}) {
  const dir = dirname(path);
  ensurePrivateDir(dir);
  let backup: string | undefined;
  let tmpCreated = false;
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    refuseLink(path); // replacing a link would back up whatever it points at
    if (existsSync(path)) {
      if (!options.overwrite) throw walletExists(options.what ?? 'a file', path);
      if (options.backup !== false) backup = backupFile(path);
    }
    writeExclusive(tmp, data, () => {
      tmpCreated = true;
    });
    renameSync(tmp, path);
    tmpCreated = false;
    fsyncDir(dir);
  } catch (error) {
    if (tmpCreated) {
      try {
        unlinkSync(tmp);
      } catch {
        // already gone
      }
    }
    wrapFsError(error, path);
  }
  return { backup };
}
