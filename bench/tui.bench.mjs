// Render time per frame of the console's Ranking view at 256 and 4,096 neurons: Ink renders into a fake
// 120x40 stdout; each frame follows a data change (new neuron objects, as a poll would deliver) or a
// cursor move. Target: <= 16 ms per frame at 4,096 neurons.
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import React from 'react';
import { SnapshotStore } from '../dist/tui/data/snapshot-store.js';
import { DEFAULT_BINDINGS } from '../dist/tui/keys.js';
import { Console } from '../dist/tui/root.js';
import { loadTheme, resolveTheme } from '../dist/tui/theme/theme.js';
import { fmtMs, median, percentile, printTable } from './table.mjs';

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

function neurons(n, salt) {
  return Array.from({ length: n }, (_, uid) => ({
    uid,
    hotkey: `5Hot${String(uid).padStart(6, '0')}${'x'.repeat(38)}`,
    coldkey: `5Cold${String(uid).padStart(6, '0')}${'y'.repeat(37)}`,
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

const theme = resolveTheme(loadTheme('default'), 'truecolor', true);
const FRAMES = 50;
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
  // One frame: from the change until Ink has written the new frame to stdout.
  const measure = async (change) => {
    const times = [];
    inkTimes.length = 0;
    for (let i = 0; i < FRAMES + 5; i++) {
      const written = new Promise((r) => stdout.once('frame', r));
      const t0 = performance.now();
      change(i);
      await written;
      if (i >= 5) times.push(performance.now() - t0); // 5 warm-up frames
    }
    return { times, ink: inkTimes.slice(5) };
  };
  // Data change: a poll delivers a new metagraph (filter + sort + visible rows + Ink layout and output).
  const data = await measure((i) => store.update({ neurons: neurons(n, i + 1) }));
  // Cursor move: j (the handler, React commit, Ink layout and output).
  const cursor = await measure(() => stdin.write('j'));
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
printTable(['Ranking view, 120x40, 50 frames', 'median', 'p99', 'Ink output (median)'], rows);
