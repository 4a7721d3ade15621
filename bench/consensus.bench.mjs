// Yuma epoch speed: src/consensus alone (runEpoch on parsed inputs) and `tao sim epoch` end to end, for the
// shared n = 256 / 1024 vectors and an n = 4096 case (generated into bench/out/ with make_synthetic.py when
// python3 + numpy exist), side by side with `python3 yuma_ref.py` on the same files (run once per case; its
// outputs are also compared with ours, bit for bit).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseSequence, runEpoch, runSequence } from '../dist/consensus/index.js';
import { epochsJson } from '../dist/consensus/report.js';
import { toYumaBinary } from '../dist/consensus/yuma-binary.js';
import { hasCpuTime, runTimed } from './proc-time.mjs';
import { fmtMs, median, printTable } from './table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const shared = process.env.YUMA_REF_DIR ?? join(root, '..', 'shared', 'yuma');
const refScript = join(shared, 'yuma_ref.py');
const hasPython = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const skipRef = process.env.BENCH_NO_REF === '1';

const cases = [
  ['n=256', join(shared, 'vectors', 'synthetic_n256.json')],
  ['n=1024', join(shared, 'vectors', 'synthetic_n1024.json.gz')],
];
const out4096 = join(here, 'out', 'synthetic_n4096.json.gz');
if (!existsSync(out4096) && hasPython) {
  mkdirSync(join(here, 'out'), { recursive: true });
  const gen = join(root, 'test', 'fixtures', 'yuma', 'make_n4096.py');
  spawnSync('python3', [gen, out4096, '--ref', shared], { stdio: 'inherit' });
}
if (existsSync(out4096)) cases.push(['n=4096', out4096]);

const load = (file) => {
  let b = readFileSync(file);
  if (b[0] === 0x1f && b[1] === 0x8b) b = gunzipSync(b);
  return JSON.parse(b.toString('utf8'));
};

/** The inputs of every epoch of a sequence as runEpoch takes them (state from a full run). */
function epochInputs(seq) {
  const outs = runSequence(seq);
  const list = [];
  let stake = seq.stake;
  let bar = seq.blockAtRegistration;
  let lu = seq.lastUpdate;
  let weights = seq.weights ?? [];
  let bonds = seq.initialState?.bonds ?? [];
  let permits = seq.initialState?.validatorPermits ?? [];
  seq.epochs.forEach((ep, k) => {
    stake = ep.stake ?? stake;
    bar = ep.blockAtRegistration ?? bar;
    lu = ep.lastUpdate ?? lu;
    weights = ep.weights ?? weights;
    list.push({
      inputs: {
        n: seq.n,
        currentBlock: ep.currentBlock,
        stake,
        weights,
        bonds,
        validatorPermits: permits,
        lastUpdate: lu,
        blockAtRegistration: bar,
        params: { ...seq.params, ...ep.params },
      },
      semantics: ep.semantics ?? seq.semantics ?? 'chain',
    });
    bonds = outs[k].bonds;
    permits = outs[k].newValidatorPermits;
  });
  return list;
}

function timeEpochs(seq) {
  const eps = epochInputs(seq);
  const samples = [];
  const deadline = performance.now() + 4000;
  for (let r = 0; r < 3 || (r < 40 && performance.now() < deadline); r++) {
    for (const { inputs, semantics } of eps) {
      const t = performance.now();
      runEpoch(inputs, { semantics });
      samples.push(performance.now() - t);
    }
  }
  return samples;
}

/** `tao sim epoch` on `file`, 5 whole processes: wall and CPU (user + system) samples, and what it printed. */
function timeCli(file) {
  const samples = [];
  const cpu = [];
  let stdout = '';
  for (let r = 0; r < 5; r++) {
    const res = runTimed(process.execPath, [join(root, 'bin', 'tao.js'), 'sim', 'epoch', '--input', file], {
      encoding: 'utf8',
    });
    samples.push(res.wallMs);
    cpu.push(res.cpuMs);
    if (res.status !== 0) throw new Error(`tao sim epoch failed: ${res.stderr}`);
    stdout = res.stdout;
  }
  return { samples, cpu, stdout };
}

function runRef(file) {
  const res = runTimed('python3', [refScript, file], { encoding: 'utf8' });
  if (res.status !== 0) return { ms: Number.NaN, cpuMs: Number.NaN, text: null };
  return { ms: res.wallMs, cpuMs: res.cpuMs, text: res.stdout };
}

/** Our printed epochs against the reference's printed epochs: the same text, byte for byte. */
function sameText(ours, ref) {
  const i = ref.indexOf('"epochs": ');
  return ref.slice(i).trimEnd().slice(0, -1) === ours.trimEnd().slice(1, -1);
}

const rows = [];
for (const [label, file] of cases) {
  const doc = load(file);
  const seq = parseSequence(doc);
  const epochs = seq.epochs.length;
  const lib = timeEpochs(seq);
  const ours = epochsJson(runSequence(seq));
  const cli = timeCli(file);
  if (cli.stdout !== ours) throw new Error(`${label}: tao sim epoch printed something else than the library`);
  // the same case in the binary input form (tao sim convert), written next to the n = 4096 case
  const binFile = join(here, 'out', `${label.replace('=', '')}.bin`);
  mkdirSync(join(here, 'out'), { recursive: true });
  let raw = readFileSync(file);
  if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
  writeFileSync(binFile, toYumaBinary(raw).bytes);
  const cliBin = timeCli(binFile);
  if (cliBin.stdout !== ours) throw new Error(`${label}: the binary input printed something else`);
  let refMs = Number.NaN;
  let refCpu = Number.NaN;
  let exact = 'not checked';
  if (hasPython && !skipRef) {
    const ref = runRef(file);
    refMs = ref.ms;
    refCpu = ref.cpuMs;
    if (ref.text) exact = sameText(ours, ref.text) ? 'yes (same text)' : 'NO';
  }
  const libMin = Math.min(...lib);
  const cliMs = median(cli.samples);
  const binMs = median(cliBin.samples);
  const cliCpu = median(cli.cpu);
  const binCpu = median(cliBin.cpu);
  const cpuX = (ours) =>
    Number.isNaN(refCpu) || Number.isNaN(ours) ? '-' : `${(refCpu / ours).toFixed(1)}×`;
  rows.push([
    label,
    String(epochs),
    fmtMs(median(lib)),
    fmtMs(libMin),
    fmtMs(cliMs),
    fmtMs(binMs),
    Number.isNaN(refMs) ? '-' : fmtMs(refMs),
    Number.isNaN(refMs) ? '-' : `${Math.round(refMs / epochs / median(lib))}×`,
    Number.isNaN(refMs) ? '-' : `${(refMs / cliMs).toFixed(1)}×`,
    Number.isNaN(refMs) ? '-' : `${(refMs / binMs).toFixed(1)}×`,
    hasCpuTime ? fmtMs(cliCpu) : '-',
    hasCpuTime ? fmtMs(binCpu) : '-',
    Number.isNaN(refCpu) ? '-' : fmtMs(refCpu),
    cpuX(cliCpu),
    cpuX(binCpu),
    exact,
  ]);
}
printTable(
  [
    'case',
    'epochs',
    'runEpoch median',
    'runEpoch min',
    'tao sim epoch (process)',
    'same, binary input',
    'yuma_ref.py (process)',
    'speed-up (lib, per epoch)',
    'speed-up (whole process)',
    'same, binary input',
    'CPU: tao sim epoch',
    'same, binary input',
    'CPU: yuma_ref.py',
    'CPU speed-up (whole process)',
    'same, binary input',
    'bit-exact vs ref',
  ],
  rows,
);
console.log(
  '\nrunEpoch: one epoch on parsed inputs, warm; tao sim epoch: the whole process (start, read, parse, run all',
);
console.log(
  'epochs, print), median of 5; yuma_ref.py: one whole run of the reference (fixed mode) on the same file;',
);
console.log(
  'speed-up (lib): reference per epoch / runEpoch median; speed-up (whole process): the two processes.',
);
console.log(
  'binary input: the same case converted as `tao sim convert` does (docs/yuma-binary.md), same stdout checked.',
);
console.log(
  'CPU: user + system time of the whole process (median of 5 for tao); the steady figure on a loaded box.',
);
