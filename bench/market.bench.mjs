// The footprint of `tao up`'s market (issue 15): the default market (4 good neighbours, 11 peers in all) brought
// up in both layouts, the neighbours in one host process (the default) and a process per neighbour
// (--neighbours-as-processes), each in its own temp home on its own ports, one after the other. For each:
// the RSS summed over the supervisor's process tree (`ps -o rss`, as /proc VmRSS), split by role, after a
// settle period, and the CPU the whole tree uses over 30 s (utime+stime from /proc, % of one core) while the
// market idles (blocks every second, the two validators' scoring rounds at their cadence), and how the
// operator's own validator ranks the neighbours by then.
// BENCH_TAO_BEFORE=/path/to/other/tree measures plain `tao up` (the default command) in that tree and in this
// one instead, interleaved, BENCH_MARKET_RUNS (1) pairs: before/after a change of the default.
//   npm run bench -- market          (TAO_BENCH_MARKET_SETTLE_S, TAO_BENCH_MARKET_CPU_S to change the waits)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable } from './table.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BEFORE = process.env.BENCH_TAO_BEFORE;
const RUNS = Number(process.env.BENCH_MARKET_RUNS ?? 1);
const SETTLE_S = Number(process.env.TAO_BENCH_MARKET_SETTLE_S ?? 20);
const CPU_S = Number(process.env.TAO_BENCH_MARKET_CPU_S ?? 30);
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** pid → {ppid, ticks, rssKiB, args} for every process. */
function processes() {
  const out = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      out.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rss, args });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The supervisor and every process below it. */
function tree(rootPid) {
  const all = processes();
  const pids = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of all)
      if (!pids.has(pid) && pids.has(p.ppid)) {
        pids.add(pid);
        grew = true;
      }
  }
  return [...pids].filter((pid) => all.has(pid)).map((pid) => ({ pid, ...all.get(pid) }));
}

const role = (args) =>
  args.includes('daemon run')
    ? 'supervisor'
    : args.includes('node start')
      ? 'node'
      : args.includes('neighbours-main')
        ? 'neighbours'
        : args.includes('--flavour own')
          ? 'own peer'
          : 'neighbours';

async function measure(label, extra, taoRoot = root) {
  const bin = join(taoRoot, 'bin', 'tao.js');
  const home = mkdtempSync(join(tmpdir(), 'tao-market-bench-'));
  const rpc = 30_000 + Math.floor(Math.random() * 10_000);
  const tao = (args, timeout = 300_000) =>
    spawnSync(process.execPath, [bin, '--home', home, ...args], { encoding: 'utf8', timeout });
  try {
    const t0 = performance.now();
    const up = tao([
      '--json',
      'up',
      '--headless',
      '--rpc-port',
      String(rpc),
      '--peer-port',
      String(rpc + 1),
      '--device',
      'cpu',
      ...extra,
    ]);
    if (up.status !== 0) throw new Error(`${label}: tao up failed: ${up.stderr}`);
    const upS = (performance.now() - t0) / 1000;
    const doc = JSON.parse(up.stdout);
    await sleep(SETTLE_S * 1000);
    const supervisor = Number(readFileSync(join(home, 'run', 'supervisor.pid'), 'utf8').trim());
    const before = tree(supervisor);
    await sleep(CPU_S * 1000);
    const after = tree(supervisor);
    const ticks = (list) => list.reduce((a, p) => a + p.ticks, 0);
    const cpu = ((ticks(after) - ticks(before)) / TICK / CPU_S) * 100;
    const byRole = {};
    const cpuByRole = {};
    const startTicks = new Map(before.map((p) => [p.pid, p.ticks]));
    for (const p of after) {
      const r = role(p.args);
      byRole[r] = (byRole[r] ?? 0) + p.rss;
      const used = (p.ticks - (startTicks.get(p.pid) ?? p.ticks)) / TICK / CPU_S;
      cpuByRole[r] = (cpuByRole[r] ?? 0) + used * 100;
    }
    const own = doc.peers.find((p) => p.flavour === 'own');
    const status = await (await fetch(`http://127.0.0.1:${own.port}/status`)).json();
    const nameOf = new Map(doc.peers.map((p) => [p.hotkey, p.name]));
    const ranking = [...status.neighbours]
      .sort((a, b) => b.weight - a.weight || b.ema - a.ema)
      .map((n) => `${nameOf.get(n.hotkey)}=${n.weight.toFixed(2)}`)
      .join(' ');
    const latencies = status.neighbours.map((n) => n.latency_ms).filter((l) => typeof l === 'number');
    return {
      label,
      processes: after.length,
      rssMiB: after.reduce((a, p) => a + p.rss, 0) / 1024,
      byRole,
      cpuByRole,
      cpu,
      upS,
      rounds: status.round,
      latencyMs: latencies.length > 0 ? median(latencies) : null,
      ranking,
    };
  } finally {
    tao(['down'], 120_000);
    rmSync(home, { recursive: true, force: true });
  }
}

const results = [];
for (let run = 1; run <= RUNS; run++) {
  const n = RUNS > 1 ? ` #${run}` : '';
  if (BEFORE) {
    results.push(await measure(`tao up, before${n}`, [], BEFORE));
    results.push(await measure(`tao up, after${n}`, []));
  } else {
    results.push(await measure(`a process per neighbour${n}`, ['--neighbours-as-processes']));
    results.push(await measure(`neighbours in one process (default)${n}`, []));
  }
}

const mib = (kib) => (kib === undefined ? '-' : `${(kib / 1024).toFixed(0)}`);
console.log(
  `default market (11 peers), --device cpu; RSS after ${SETTLE_S} s settled; CPU of the whole tree over ${CPU_S} s`,
);
printTable(
  [
    'layout',
    'processes',
    'RSS total MiB',
    'supervisor',
    'node',
    'own peer',
    'neighbours',
    `CPU % of a core (${CPU_S} s)`,
    'up s',
  ],
  results.map((r) => [
    r.label,
    r.processes,
    r.rssMiB.toFixed(0),
    mib(r.byRole.supervisor),
    mib(r.byRole.node),
    mib(r.byRole['own peer']),
    mib(r.byRole.neighbours),
    r.cpu.toFixed(1),
    r.upS.toFixed(1),
  ]),
);
console.log('');
printTable(
  ['layout', 'CPU %: supervisor', 'node', 'own peer', 'neighbours'],
  results.map((r) => [
    r.label,
    ...['supervisor', 'node', 'own peer', 'neighbours'].map((k) => (r.cpuByRole[k] ?? 0).toFixed(1)),
  ]),
);
console.log('');
for (const r of results)
  console.log(
    `own validator's weights after ${r.rounds} rounds (${r.label}; median answer ${r.latencyMs} ms): ${r.ranking}`,
  );
