/**
 * Is a localnet running in this home? Reads `$TAO_HOME/localnet/localnet.pid` and `localnet.json` (written
 * by the serve process once it listens), checks the pid is alive and still ours, removes stale files.
 * Cheap and synchronous: `--network localnet` resolves through `localnetEndpoint`.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { localnetPaths } from './paths.js';
import type { RunInfo } from './serve.js';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** On Linux, a pid that now belongs to another program is not our localnet (pid reuse). */
function isServeProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('localnet');
  } catch {
    return !existsSync('/proc/self') && isAlive(pid);
  }
}

/** The pid (and run info, once it listens) of this home's localnet, or undefined (stale files removed). */
export function runningLocalnet(home: string): { pid: number; info?: RunInfo } | undefined {
  const files = localnetPaths(home);
  let pid: number;
  try {
    pid = Number(readFileSync(files.pid, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isServeProcess(pid)) {
    rmSync(files.pid, { force: true });
    rmSync(files.info, { force: true });
    return undefined;
  }
  let info: RunInfo | undefined;
  try {
    info = JSON.parse(readFileSync(files.info, 'utf8')) as RunInfo;
    if (info.pid !== pid) info = undefined;
  } catch {
    info = undefined;
  }
  return { pid, ...(info ? { info } : {}) };
}

/** The ws:// endpoint of this home's running localnet, or undefined when none runs (or it is still starting). */
export function localnetEndpoint(home: string): string | undefined {
  return runningLocalnet(home)?.info?.endpoint;
}
