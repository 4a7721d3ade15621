/**
 * Which processes still use files under some directories (an open file descriptor or the working
 * directory there), from /proc: `tao down --purge` must not delete a chain a live node writes into.
 * Where /proc is missing (not Linux) nothing is found.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { sep } from 'node:path';

export interface Holder {
  pid: number;
  /** Its command line, shortened. */
  command: string;
}

const MAX_COMMAND_CHARS = 120;

function links(pid: number): string[] {
  const out: string[] = [];
  try {
    out.push(readlinkSync(`/proc/${pid}/cwd`));
  } catch {
    // gone, or not ours
  }
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        out.push(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    // gone, or not ours
  }
  return out;
}

function commandOf(pid: number): string {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return text.length > MAX_COMMAND_CHARS ? `${text.slice(0, MAX_COMMAND_CHARS - 1)}…` : text;
  } catch {
    return '?';
  }
}

/** Processes other than this one with a file or their working directory under one of `dirs`. */
export function processesUsing(dirs: readonly string[]): Holder[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => pid !== process.pid);
  } catch {
    return [];
  }
  const inside = (path: string) =>
    dirs.some((dir) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`));
  return pids.filter((pid) => links(pid).some(inside)).map((pid) => ({ pid, command: commandOf(pid) }));
}
