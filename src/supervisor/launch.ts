/**
 * Starting the daemon in the background: `tao daemon run --detached` in a new session (setsid via
 * `detached: true`), stdin closed, stdout/stderr appended to `$TAO_HOME/logs/supervisor.log`, so it keeps
 * running when the terminal that started it closes.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { paths } from '../core/paths.js';

/** bin/tao.js, from either src/supervisor (tests) or dist/supervisor (the built package). */
export const TAO_BIN = fileURLToPath(new URL('../../bin/tao.js', import.meta.url));

export const supervisorLog = (home: string) => join(paths(home).logs, 'supervisor.log');

/** Launches the daemon and returns its pid; does not wait for it to listen. */
export function launchDaemon(home: string): number {
  mkdirSync(paths(home).logs, { recursive: true, mode: 0o700 });
  const fd = openSync(supervisorLog(home), 'a', 0o600);
  try {
    const child = spawn(process.execPath, [TAO_BIN, '--home', home, 'daemon', 'run', '--detached'], {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: home,
      env: { ...process.env, TAO_HOME: home },
    });
    child.unref();
    if (child.pid === undefined) throw new Error('could not launch the supervisor daemon');
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
