// Startup time of the tao binary vs bare node: median of 20 runs each of `node -e 0`, `tao --version` and
// `tao wallet list --json` (a temp TAO_HOME with one wallet). Target: wallet list within 2x bare node.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtMs, median, printTable } from './table.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'tao.js');
const home = mkdtempSync(join(tmpdir(), 'tao-bench-startup-'));
const env = {
  ...process.env,
  TAO_HOME: home,
  NO_COLOR: '1',
  DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
};
const RUNS = 20;

try {
  const made = spawnSync(process.execPath, [bin, '--json', 'wallet', 'create', '--no-password'], {
    env,
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`wallet create failed: ${made.stderr}`);

  const cases = [
    ['node -e 0', ['-e', '0']],
    ['tao --version', [bin, '--version']],
    ['tao wallet list --json', [bin, '--json', 'wallet', 'list']],
  ];
  const rows = [];
  let base = 0;
  for (const [name, args] of cases) {
    spawnSync(process.execPath, args, { env }); // warm the file cache
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { env });
      times.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
    }
    const m = median(times);
    if (base === 0) base = m;
    rows.push([name, fmtMs(m), fmtMs(Math.min(...times)), `${(m / base).toFixed(2)}x`]);
  }
  printTable(['command', `median of ${RUNS}`, 'min', 'vs node'], rows);
} finally {
  rmSync(home, { recursive: true, force: true });
}
