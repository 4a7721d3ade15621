// Startup time of the tao binary vs bare node: 20 rounds, each running `node -e 0`, `tao --version`,
// `tao wallet list --json` (a temp TAO_HOME with one wallet) and `tao sim epoch --help` in turn; medians of
// wall time and of CPU (user + system), and each command's CPU over node's in the same round (median).
// Target: wallet list within 2x bare node. Command groups load lazily, so each imports only its own group.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasCpuTime, runTimed } from './proc-time.mjs';
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
    ['tao sim epoch --help', [bin, 'sim', 'epoch', '--help']],
  ];
  for (const [, args] of cases) spawnSync(process.execPath, args, { env }); // warm the file cache
  const wall = cases.map(() => []);
  const cpu = cases.map(() => []);
  const vsNode = cases.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    cases.forEach(([name, args], k) => {
      const r = runTimed(process.execPath, args, { env });
      if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
      wall[k].push(r.wallMs);
      cpu[k].push(r.cpuMs);
      vsNode[k].push(r.cpuMs / cpu[0][i]);
    });
  }
  const rows = cases.map(([name], k) => [
    name,
    fmtMs(median(wall[k])),
    fmtMs(Math.min(...wall[k])),
    `${(median(wall[k]) / median(wall[0])).toFixed(2)}x`,
    hasCpuTime ? fmtMs(median(cpu[k])) : '-',
    hasCpuTime ? `${median(vsNode[k]).toFixed(2)}x` : '-',
  ]);
  printTable(
    ['command', `wall, median of ${RUNS}`, 'min', 'vs node', 'CPU median', 'CPU vs node (paired)'],
    rows,
  );
} finally {
  rmSync(home, { recursive: true, force: true });
}
