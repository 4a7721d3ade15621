// `tao up` to a non-zero ranking (issue 12): the default market (`tao up --headless --device cpu`, its own temp
// home and ports) from the command's start to (1) `tao up` returning, (2) the operator's own validator holding a
// non-zero weight on some neighbour (its /status), (3) the market subnet's metagraph (what the console's
// Ranking view shows) holding a neuron with non-zero incentive, i.e. an epoch has paid on the validators'
// weights. Polled every 250 ms, at most BENCH_UP_TIMEOUT_S (240 s). BENCH_TAO_ROOT=/path/to/other/tree runs
// that tree's bin/tao.js (the "before" tree). BENCH_UP_RUNS (1) runs one after the other.
//   npm run bench -- up-ranking
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { printTable } from './table.mjs';

const root = resolve(process.env.BENCH_TAO_ROOT ?? resolve(import.meta.dirname, '..'));
const bin = join(root, 'bin', 'tao.js');
const TIMEOUT_S = Number(process.env.BENCH_UP_TIMEOUT_S ?? 240);
const RUNS = Number(process.env.BENCH_UP_RUNS ?? 1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function rpc(url, method, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

async function once() {
  const home = mkdtempSync(join(tmpdir(), 'tao-up-bench-'));
  const port = 30_000 + Math.floor(Math.random() * 10_000);
  const tao = (args, timeout = 300_000) =>
    spawnSync(process.execPath, [bin, '--home', home, ...args], { encoding: 'utf8', timeout });
  try {
    const t0 = performance.now();
    const since = () => (performance.now() - t0) / 1000;
    const up = tao([
      '--json',
      'up',
      '--headless',
      '--rpc-port',
      String(port),
      '--peer-port',
      String(port + 1),
      '--device',
      'cpu',
    ]);
    if (up.status !== 0) throw new Error(`tao up failed: ${up.stderr}`);
    const upS = since();
    const doc = JSON.parse(up.stdout);
    const netuid = doc.netuid ?? 1;
    const own = doc.peers.find((p) => p.flavour === 'own');
    const url = `http://127.0.0.1:${port}`;
    let weightS = null;
    let rankS = null;
    let rounds = null;
    let ranked = '';
    while ((weightS === null || rankS === null) && since() < TIMEOUT_S) {
      if (weightS === null) {
        try {
          const status = await (await fetch(`http://127.0.0.1:${own.port}/status`)).json();
          if (status.neighbours?.some((n) => n.weight > 0)) {
            weightS = since();
            rounds = status.round;
          }
        } catch {
          // not up yet
        }
      }
      if (rankS === null) {
        const mg = await rpc(url, 'subnet_metagraph', { netuid });
        const paid = mg.neurons.filter((n) => n.incentive > 0);
        if (paid.length > 0) {
          rankS = since();
          ranked = `${paid.length} of ${mg.neurons.length} neurons with incentive > 0`;
        }
      }
      await sleep(250);
    }
    const head = await rpc(url, 'chain_head').catch(() => null);
    return { upS, weightS, rankS, rounds, ranked, head: head?.number ?? head?.header?.number };
  } finally {
    tao(['down', '--purge'], 120_000);
    rmSync(home, { recursive: true, force: true });
  }
}

const results = [];
for (let i = 0; i < RUNS; i++) results.push(await once());
const s = (x) => (x === null ? `> ${TIMEOUT_S}` : x.toFixed(1));
console.log(`tao up --headless --device cpu (${bin}); seconds from the command's start`);
printTable(
  ['run', 'tao up returned', 'own validator: first weight > 0', 'metagraph: first incentive > 0', 'ranked'],
  results.map((r, i) => [
    String(i + 1),
    s(r.upS),
    `${s(r.weightS)}${r.rounds === null ? '' : ` (round ${r.rounds})`}`,
    s(r.rankS),
    r.ranked,
  ]),
);
console.log(`load average (1 min) at the end: ${loadavg()[0].toFixed(2)}`);
