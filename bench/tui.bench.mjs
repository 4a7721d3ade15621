// The console's speed. (1) Render time per frame of the Ranking view at 256 and 4,096 neurons: Ink
// renders into a fake 120x40 stdout; each frame follows a data change (new neuron objects, as a poll
// would deliver) or a cursor move. Target: <= 16 ms per frame at 4,096 neurons. (2) Against a real dev
// ledger with fast blocks: time from a new-block event to the frame showing that block, and the RSS of
// the real `tao console` process (in tmux) over TAO_BENCH_SOAK_S seconds (default 600; 0 skips it).
// Run with NODE_ENV=production, as `tao console` does.
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { join } from 'node:path';
import { fmtMs, median, percentile, printTable } from './table.mjs';

// As `tao console` does: React's production build, chosen before React/Ink load (dynamic imports).
process.env.NODE_ENV ??= 'production';
const { render } = await import('ink');
const { default: React } = await import('react');
const { SnapshotStore } = await import('../dist/tui/data/snapshot-store.js');
const { LiveDataSource } = await import('../dist/tui/data/live-source.js');
const { NodeClient } = await import('../dist/client/index.js');
const { keyPairFromUri } = await import('../dist/crypto/keys.js');
const { encodeAddress } = await import('../dist/crypto/ss58.js');
const { signTx } = await import('../dist/crypto/tx.js');
const { fromHex } = await import('../dist/crypto/hex.js');
const { DEFAULT_BINDINGS } = await import('../dist/tui/keys.js');
const { Console } = await import('../dist/tui/root.js');
const { loadTheme, resolveTheme } = await import('../dist/tui/theme/theme.js');
// As `tao console` does (TAO_BENCH_STOCK_INK=1 measures Ink's own output path instead).
const { installFastOutput } = await import('../dist/tui/ink-fast-output.js');
const fastOutput = process.env.TAO_BENCH_STOCK_INK === '1' ? false : await installFastOutput();

class FakeStdout extends EventEmitter {
  columns = 120;
  rows = 40;
  isTTY = false;
  bytes = 0;
  write = (s) => {
    this.bytes += s.length;
    this.emit('frame');
    return true;
  };
}
class FakeStdin extends EventEmitter {
  isTTY = true;
  data = null;
  write(d) {
    this.data = d;
    this.emit('readable');
  }
  read() {
    const d = this.data;
    this.data = null;
    return d;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

// As a poll delivers them: fresh objects with flat strings from JSON.parse (not the cons strings a
// template literal makes, which V8 flattens on every comparison).
const keysJson = new Map();
function neurons(n, salt) {
  if (!keysJson.has(n)) {
    const keys = Array.from({ length: n }, (_, uid) => [
      `5Hot${String(uid).padStart(6, '0')}${'x'.repeat(38)}`,
      `5Cold${String(uid).padStart(6, '0')}${'y'.repeat(37)}`,
    ]);
    keysJson.set(n, JSON.stringify(keys));
  }
  const keys = JSON.parse(keysJson.get(n));
  return Array.from({ length: n }, (_, uid) => ({
    uid,
    hotkey: keys[uid][0],
    coldkey: keys[uid][1],
    stake: BigInt((uid * 7919 + salt) % 100_000) * 1_000_000_000n,
    rank: (uid * 2654435761 + salt) % 65536,
    trust: (uid * 40503) % 65536,
    consensus: (uid * 12345) % 65536,
    incentive: (uid * 54321 + salt) % 65536,
    dividends: (uid * 999) % 65536,
    validatorTrust: 0,
    emission: BigInt(uid + salt) * 1_000_000n,
    validatorPermit: uid % 4 === 0,
    active: true,
  }));
}

const noop = () => Promise.resolve();
function source(store) {
  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    start() {},
    close() {},
    setNetuid() {},
    hasKeychainPassword: () => Promise.resolve(false),
    transfer: noop,
    addStake: noop,
    removeStake: noop,
    waitForTx: noop,
    startProcess: noop,
    stopProcess: noop,
    restartProcess: noop,
  };
}

// A full GC on demand, for the heap-after-GC samples of the soak.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** A soak's row: start, end, peak, the minimum of the first and last quarter, least-squares MB/min over the 2nd half. */
function growthRow(label, samples, peakNote) {
  const mb = samples.map((s) => s[1]);
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const half = samples.slice(Math.floor(samples.length / 2));
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const tx = mean(half.map((s) => s[0]));
  const ty = mean(half.map((s) => s[1]));
  const cov = half.reduce((a, [t, y]) => a + (t - tx) * (y - ty), 0);
  const vx = half.reduce((a, [t]) => a + (t - tx) ** 2, 0);
  const slope = vx > 0 ? (cov / vx) * 60 : 0;
  return [
    label,
    mb[0].toFixed(1),
    mb.at(-1).toFixed(1),
    `${Math.max(...mb).toFixed(1)}${peakNote}`,
    Math.min(...mb.slice(0, quarter)).toFixed(1),
    Math.min(...mb.slice(-quarter)).toFixed(1),
    `${slope >= 0 ? '+' : ''}${slope.toFixed(2)} MB/min`,
  ];
}

const theme = resolveTheme(loadTheme('default'), 'truecolor', true);
const FRAMES = Number(process.env.TAO_BENCH_FRAMES ?? 200);
const rows = [];
for (const n of [256, 4096]) {
  const store = new SnapshotStore('http://127.0.0.1:9944', {
    neurons: neurons(n, 0),
    own: {
      walletName: 'w',
      coldkey: null,
      hotkeys: [{ name: 'default', ss58: neurons(n, 0)[3].hotkey }],
      balance: null,
      stakes: [],
    },
  });
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const inkTimes = [];
  const app = render(
    React.createElement(Console, {
      source: source(store),
      theme,
      readonly: false,
      bindings: DEFAULT_BINDINGS,
      initialView: 'ranking',
    }),
    {
      stdout,
      stdin,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
      onRender: (m) => inkTimes.push(m.renderTime),
    },
  );
  while (stdin.listenerCount('readable') === 0) await new Promise((r) => setTimeout(r, 10));
  // One frame: from the change until Ink has written the new frame to stdout. `prepare` (outside the
  // timing) builds what a poll would deliver; `apply` hands it to the console.
  const measure = async (prepare, apply) => {
    const times = [];
    inkTimes.length = 0;
    for (let i = 0; i < FRAMES + 5; i++) {
      const input = prepare(i);
      const written = new Promise((r) => stdout.once('frame', r));
      const t0 = performance.now();
      apply(input);
      await written;
      if (i >= 5) times.push(performance.now() - t0); // 5 warm-up frames
    }
    return { times, ink: inkTimes.slice(5) };
  };
  // Data change: a poll delivers a new metagraph (store diff + filter + sort + visible rows + Ink output).
  const data = await measure(
    (i) => neurons(n, i + 1),
    (next) => store.update({ neurons: next }),
  );
  // Cursor move: j (the handler, React commit, Ink layout and output).
  const cursor = await measure(
    () => null,
    () => stdin.write('j'),
  );
  for (const [label, m] of [
    ['data change', data],
    ['cursor move (j)', cursor],
  ]) {
    rows.push([
      `${n} neurons, ${label}`,
      fmtMs(median(m.times)),
      fmtMs(percentile(m.times, 99)),
      fmtMs(median(m.ink)),
    ]);
  }
  app.unmount();
}
printTable(
  [
    `Ranking view, 120x40, ${FRAMES} frames (NODE_ENV=${process.env.NODE_ENV}, ${fastOutput ? 'fast output' : 'stock Ink output'})`,
    'median',
    'p99',
    'Ink output (median)',
  ],
  rows,
);

// ---- (2) live: a real dev ledger -------------------------------------------------------------------
if (process.env.TAO_BENCH_LIVE === '0') process.exit(0);
const bin = join(import.meta.dirname, '..', 'bin', 'tao.js');
const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const home = mkdtempSync(join(tmpdir(), 'tao-tui-bench-'));
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const BLOCK_MS = 200;
const node = spawn(
  process.execPath,
  [
    bin,
    'node',
    'start',
    '--dev',
    '--block-time',
    String(BLOCK_MS),
    '--rpc-port',
    String(port),
    '--home',
    home,
  ],
  { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } },
);
const client = new NodeClient(url, { retries: 0, timeoutMs: 2000 });
const tmuxSocket = join(home, 'tmux.sock');
try {
  for (let i = 0; ; i++) {
    try {
      await client.systemInfo();
      break;
    } catch (error) {
      if (i > 200) throw error;
      await sleep(100);
    }
  }
  // Fill subnet 1 (a dev subnet holds 64 neurons): the live Ranking then has rows that change each epoch.
  const info = await client.systemInfo();
  const alice = keyPairFromUri('//Alice');
  const aliceAddress = encodeAddress(alice.publicKey);
  const account = await client.accountInfo(aliceAddress);
  const head = (await client.head()).number;
  const maxUids = (await client.subnetList()).find((s) => s.netuid === 1)?.maxUids ?? 64;
  for (let i = 0; i < maxUids; i++) {
    const hotkey = encodeAddress(keyPairFromUri(`//BenchHot${i}`).publicKey);
    const tx = signTx(alice, {
      genesisHash: fromHex(info.genesisHash),
      nonce: account.nonce + account.pending + i,
      expiry: head + 200,
      call: { type: 'burned_register', netuid: 1, hotkey },
    });
    await client.submitTx(tx);
  }
  for (let i = 0; ; i++) {
    const meta = await client.metagraph(1);
    if (meta.neurons.length >= maxUids) break;
    if (i > 300) throw new Error(`only ${meta.neurons.length} of ${maxUids} neurons registered`);
    await sleep(100);
  }

  // (2a) block event -> frame: from the moment the console's own event stream yields head N to the
  // first frame written that shows "#N" in the status line (Ink throttles to 30 fps, included).
  const stdout = new FakeStdout();
  stdout.isTTY = true;
  const stdin = new FakeStdin();
  const source = new LiveDataSource({
    url,
    netuid: 1,
    home,
    walletName: null,
    coldkey: null,
    hotkeys: [],
    connectSupervisor: () => Promise.reject(new Error('no supervisor in this bench')),
  });
  const seen = new Map();
  const latencies = [];
  let timing = true; // off after (2a): the soak's heap samples must not include the bench's own records
  const events = source.client.events.bind(source.client);
  source.client.events = (signal, options) =>
    (async function* () {
      for await (const e of events(signal, options)) {
        if (timing && e.type === 'head') seen.set(e.number, performance.now());
        yield e;
      }
    })();
  stdout.write = (text) => {
    const now = performance.now();
    for (const [n, at] of seen) {
      if (text.includes(`#${n} `)) {
        latencies.push(now - at);
        seen.delete(n);
      } else if (now - at > 5000) seen.delete(n);
    }
    return true;
  };
  source.start();
  const app = render(
    React.createElement(Console, {
      source,
      theme,
      readonly: true,
      bindings: DEFAULT_BINDINGS,
      initialView: 'ranking',
    }),
    { stdout, stdin, exitOnCtrlC: false, patchConsole: false },
  );
  await sleep(1500); // connect and first metagraph
  latencies.length = 0;
  await sleep(12_000);
  timing = false;
  seen.clear();
  // The in-process console keeps running through the soak below: its heap after a full GC, sampled with the
  // tmux console's RSS, tells a leak (heap floor rising) from the allocator and V8 sizing their heap (RSS).
  const stopInProcess = () => {
    app.unmount();
    source.close();
  };
  printTable(
    [`live: dev ledger, ${BLOCK_MS} ms blocks, Ranking 120x40`, 'blocks', 'median', 'p99', 'max'],
    [
      [
        'new-block event -> frame with that block',
        String(latencies.length),
        fmtMs(median(latencies)),
        fmtMs(percentile(latencies, 99)),
        fmtMs(Math.max(...latencies)),
      ],
    ],
  );

  // (2b) RSS of the real console process over time, in a real terminal (tmux), on the Ranking view that
  // redraws on every block. Sampled every few seconds; GC makes RSS saw-tooth, so growth is judged by the
  // least-squares slope over the second half and by the minimum of the first vs the last quarter (the
  // post-GC floor), not by start vs end.
  const soakS = Number(process.env.TAO_BENCH_SOAK_S ?? 600);
  const hasTmux = spawnSync('tmux', ['-V']).status === 0;
  if (soakS > 0 && hasTmux) {
    const tmux = (...args) => spawnSync('tmux', ['-S', tmuxSocket, ...args], { encoding: 'utf8' });
    tmux(
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'bench',
      '-x',
      '120',
      '-y',
      '40',
      `env TAO_HOME=${home} TERM=xterm-256color LANG=C.UTF-8 ${process.execPath} ${bin} --node ${url} console`,
    );
    let pid = null;
    for (let i = 0; i < 100 && pid === null; i++) {
      await sleep(100);
      const panePid = Number(tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}').stdout.trim());
      if (panePid > 0) pid = panePid;
    }
    const status = (field) => {
      const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : Number.NaN;
    };
    await sleep(3000);
    tmux('send-keys', '-t', 'bench', '2'); // the Ranking view, redrawn on every block
    await sleep(2000);
    const everyMs = Math.max(1000, Math.min(5000, soakS * 10));
    const samples = []; // [seconds, MB]
    const heap = []; // [seconds, MB]: the in-process console's heap after a full GC
    const t0 = Date.now();
    for (;;) {
      samples.push([(Date.now() - t0) / 1000, status('VmRSS')]);
      gc();
      heap.push([(Date.now() - t0) / 1000, process.memoryUsage().heapUsed / 2 ** 20]);
      if (Date.now() - t0 >= soakS * 1000) break;
      await sleep(Math.min(everyMs, soakS * 1000 - (Date.now() - t0)));
    }
    const hwm = status('VmHWM'); // the kernel's peak, spikes between samples included
    const onScreen = tmux('capture-pane', '-p', '-t', 'bench').stdout;
    tmux('send-keys', '-t', 'bench', 'q');
    stopInProcess();
    const head = /#(\d+)/.exec(onScreen)?.[1] ?? '?';
    const shown = /(\d+) neurons/.exec(onScreen)?.[1] ?? '?';
    printTable(
      [
        `console memory (MB), ${soakS} s of ${BLOCK_MS} ms blocks, 120x40, ${samples.length} samples`,
        'start',
        'end',
        'peak',
        'floor 1st/4',
        'floor last/4',
        'slope 2nd half',
      ],
      [
        growthRow(
          `tao console RSS in tmux, Ranking, ${shown} neurons (head #${head})`,
          samples,
          ` (HWM ${hwm.toFixed(1)})`,
        ),
        growthRow('in-process console, heap after full GC', heap, ''),
      ],
    );
    if (process.env.TAO_BENCH_SOAK_SAMPLES === '1') {
      console.log(samples.map(([t, y]) => `${t.toFixed(0)}s ${y.toFixed(1)}`).join('\n'));
    }
  } else {
    stopInProcess();
    console.log(
      soakS > 0 ? '(RSS soak skipped: tmux is not installed)' : '(RSS soak skipped: TAO_BENCH_SOAK_S=0)',
    );
  }
} finally {
  spawnSync('tmux', ['-S', tmuxSocket, 'kill-server']);
  node.kill('SIGTERM');
  await new Promise((r) => (node.exitCode !== null ? r() : node.once('exit', r)));
  rmSync(home, { recursive: true, force: true });
}
