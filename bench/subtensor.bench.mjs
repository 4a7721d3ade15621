// Subtensor on the real runtime (spec 300 under Chopsticks, `tao localnet`): localnet start time and RSS;
// whole-process `tao wallet balance --network ws://… --json` with a cold and a warm metadata cache, next to a
// bare @polkadot/api script doing the same reads; a transfer from submit to inclusion, tao vs bare library.
// Skips with one line when the runtime or Chopsticks is missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtMs, median, printTable } from './table.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'tao.js');
const bare = join(root, 'bench', 'subtensor-bare.mjs');
const RUNS = Number(process.env.TAO_BENCH_RUNS ?? 5);
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';

const freePort = () =>
  new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });

const home = mkdtempSync(join(tmpdir(), 'tao-bench-subtensor-'));
const cache = mkdtempSync(join(tmpdir(), 'tao-bench-cache-'));
const env = { ...process.env, TAO_HOME: home, NO_COLOR: '1' };
const tao = (args, extra = {}) =>
  spawnSync(process.execPath, [bin, ...args], { env: { ...env, ...extra }, encoding: 'utf8' });

function time(fn) {
  const t = performance.now();
  const r = fn();
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return ms;
}

const port = await freePort();
try {
  const t0 = performance.now();
  const started = tao(['localnet', 'start', '--port', String(port), '--json']);
  const startMs = performance.now() - t0;
  if (started.status !== 0) {
    console.log(`skipped: tao localnet start failed (${started.stderr.trim().split('\n').pop()})`);
    process.exit(0);
  }
  const info = JSON.parse(started.stdout);
  const rssMb = (pid) => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  };
  const url = info.endpoint;
  const metadataCache = { XDG_CACHE_HOME: cache };

  const rows = [];
  const measure = (name, fn, before) => {
    fn(); // warm the file cache
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      before?.();
      times.push(time(fn));
    }
    rows.push([name, fmtMs(median(times)), fmtMs(Math.min(...times)), fmtMs(Math.max(...times))]);
    return median(times);
  };
  const balanceArgs = ['--network', url, 'wallet', 'balance', '--address', BOB, '--json'];
  const clearCache = () => rmSync(join(cache, 'tao', 'metadata'), { recursive: true, force: true });
  const cold = measure(
    'tao wallet balance --json (cold metadata cache)',
    () => tao(balanceArgs, metadataCache),
    clearCache,
  );
  const warm = measure('tao wallet balance --json (warm metadata cache)', () =>
    tao(balanceArgs, metadataCache),
  );
  const bareBalance = measure('bare @polkadot/api: account + stake info', () =>
    spawnSync(process.execPath, [bare, 'balance', url, BOB], { encoding: 'utf8' }),
  );
  const transferArgs = ['--network', url, 'wallet', 'transfer', '--signer-uri', '//Alice', '--dest', BOB];
  const taoTransfer = measure('tao wallet transfer 1 τ, submit → in block', () =>
    tao([...transferArgs, '--amount', '1', '--yes', '--json'], metadataCache),
  );
  const bareTransfer = measure('bare @polkadot/api: transferKeepAlive → in block', () =>
    spawnSync(process.execPath, [bare, 'transfer', url, BOB], { encoding: 'utf8' }),
  );
  printTable(['whole process (median of ' + RUNS + ')', 'median', 'min', 'max'], rows);
  console.log('');
  printTable(
    ['localnet', 'value'],
    [
      ['start → listening (tao localnet start, whole command)', fmtMs(startMs)],
      ['genesis build (cached after the first start)', fmtMs(info.genesis_build_ms ?? 0)],
      ['RSS after start', `${rssMb(info.pid).toFixed(0)} MB`],
      ['RSS after the runs above', `${rssMb(info.pid).toFixed(0)} MB`],
      ['balance: warm / cold cache', `${(warm / cold).toFixed(2)}x`],
      ['balance: tao warm / bare library', `${(warm / bareBalance).toFixed(2)}x`],
      ['transfer: tao / bare library', `${(taoTransfer / bareTransfer).toFixed(2)}x`],
    ],
  );
} finally {
  tao(['localnet', 'stop']);
  rmSync(home, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
}
