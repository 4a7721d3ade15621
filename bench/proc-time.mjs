// Whole-process timing for the benches: wall time, and the CPU the process used (user + system of the
// finished child, from bash's `times`, to the millisecond). On a shared, loaded box the CPU is the steady
// figure; wall time includes waiting for a core.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASH = '/bin/bash';
export const hasCpuTime = existsSync(BASH);
// the second line of `times` is the children's user and system time, e.g. "0m0.532s 0m0.061s"
const SCRIPT = '"$@"; status=$?; times > "$TAO_BENCH_TIMES"; exit $status';

const seconds = (t) => {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
};

/**
 * Runs `cmd args` to completion: {status, stdout, stderr, wallMs, cpuMs} (cpuMs NaN without bash).
 * `options` go to spawnSync (env, input, encoding…).
 */
export function runTimed(cmd, args, options = {}) {
  if (!hasCpuTime) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, ...options });
    return {
      status: r.status,
      stdout: r.stdout,
      stderr: r.stderr,
      wallMs: performance.now() - t,
      cpuMs: Number.NaN,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tao-bench-time-'));
  const file = join(dir, 'times');
  const env = { ...(options.env ?? process.env), TAO_BENCH_TIMES: file };
  const t = performance.now();
  const r = spawnSync(BASH, ['-c', SCRIPT, 'bash', cmd, ...args], { maxBuffer: 1 << 30, ...options, env });
  const wallMs = performance.now() - t;
  let cpuMs = Number.NaN;
  try {
    const [user, sys] = readFileSync(file, 'utf8').trim().split('\n')[1].split(' ').map(seconds);
    cpuMs = (user + sys) * 1000;
  } catch {
    // no times written (bash could not run the command)
  }
  rmSync(dir, { recursive: true, force: true });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, wallMs, cpuMs };
}
