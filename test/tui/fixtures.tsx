/**
 * Test data and a DataSource test implementation that records the actions the console asks for. It is a
 * double for the *data source* only: the console code under test (views, dialogs, keys) is real.
 */
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { SnapshotStore } from '../../src/tui/data/snapshot-store.js';
import type {
  DataSource,
  MarketSnapshot,
  Neuron,
  StakeRequest,
  TransferRequest,
  TxFate,
  TxSubmitted,
} from '../../src/tui/data/types.js';
import { DEFAULT_BINDINGS, registeredBindings, type ViewId } from '../../src/tui/keys.js';
import { Console } from '../../src/tui/root.js';
import { loadTheme, resolveTheme, type Theme } from '../../src/tui/theme/theme.js';
import type { PoolState } from '../../src/chain/subtensor/swap-estimate.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A deterministic SS58-looking address (48 chars, starts with 5). */
export function address(seed: number): string {
  let x = (seed + 1) >>> 0 || 1;
  let s = '5';
  for (let i = 0; i < 47; i++) {
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0;
    x = (x ^ (x >>> 12) ^ Math.imul(seed + i, 0x297a2d39)) >>> 0;
    s += ALPHABET[x % ALPHABET.length];
  }
  return s;
}

/** The wallet's own keys are real SS58 addresses (checksum included): the dialogs sign to and from them. */
export const OWN_COLDKEY = encodeAddress(new Uint8Array(32).fill(0xc0));
export const OWN_HOTKEY = encodeAddress(new Uint8Array(32).fill(0x40));

/** A fresh dynamic pool of 1,000 τ / 1,000 α (price 1.0, L = 10^12), protocol liquidity only, fee 33/65535. */
export const freshPool = (netuid: number): PoolState => ({
  netuid,
  mechanism: 1,
  sqrtPrice: 1n << 64n,
  liquidity: 10n ** 12n,
  feeRate: 33n,
  protocolOnly: true,
  initialized: true,
});

export function makeNeurons(n: number, ownUids: readonly number[] = [3]): Neuron[] {
  return Array.from({ length: n }, (_, uid) => {
    const own = ownUids.includes(uid);
    return {
      uid,
      hotkey: own ? OWN_HOTKEY : address(uid),
      coldkey: own ? OWN_COLDKEY : address(uid + 50_000),
      stake: BigInt((uid * 7919) % 10_000) * 1_000_000_000n + 123_456_789n,
      rank: (uid * 2654435761) % 65536,
      trust: (uid * 40503) % 65536,
      consensus: (uid * 12345) % 65536,
      incentive: (uid * 54321) % 65536,
      dividends: (uid * 999) % 65536,
      validatorTrust: (uid * 31) % 65536,
      emission: BigInt(uid) * 1_000_000n,
      validatorPermit: uid % 4 === 0,
      active: uid % 5 !== 0,
    };
  });
}

export function baseSnapshot(neurons = makeNeurons(16)): Partial<MarketSnapshot> {
  return {
    node: {
      url: 'http://127.0.0.1:9944',
      connection: { kind: 'connected' },
      lastUpdate: Date.now(),
      head: 1234,
      nextEpochIn: 17,
      blockTimeMs: 1000,
      chain: 'tao-dev',
      txFee: 1_000_000n,
    },
    subnet: { netuid: 1, n: neurons.length, maxUids: 4096, tempo: 100, lastEpoch: 1151 },
    neurons,
    own: {
      walletName: 'default',
      coldkey: OWN_COLDKEY,
      hotkeys: [{ name: 'default', ss58: OWN_HOTKEY }],
      balance: { free: 10_000_000_000n, staked: 5_000_000_000n },
      stakes: [{ hotkey: OWN_HOTKEY, amount: 5_000_000_000n }],
    },
    neighbours: [
      {
        uid: 7,
        hotkey: address(7),
        score: 0.128,
        se: 0.01,
        ema: 0.125,
        gate: 0.98,
        weight: 0.41,
        latencyMs: 12,
        failures: 0,
      },
      {
        uid: 9,
        hotkey: address(9),
        score: -0.002,
        se: 0.002,
        ema: 0.001,
        gate: 0.13,
        weight: 0,
        latencyMs: 40,
        failures: 3,
      },
      {
        uid: 11,
        hotkey: address(11),
        score: 0.248,
        se: 0.012,
        ema: 0.24,
        gate: 0.99,
        weight: 0.59,
        latencyMs: null,
        failures: 1,
      },
    ],
    lastWeightsTx: { txHash: `0x${'ab'.repeat(32)}`, block: 1200, status: 'included' },
    nextWeightsDue: 1300,
    processes: [
      {
        name: 'node',
        kind: 'node',
        state: 'running',
        pid: 4242,
        uptimeMs: 3_723_000,
        restarts: 0,
        lastExit: null,
        cpu: 3.2,
        memBytes: 80 * 1024 * 1024,
        gpu: null,
        device: null,
      },
      {
        name: 'peer-own',
        kind: 'peer',
        state: 'crash-looping',
        pid: null,
        uptimeMs: null,
        restarts: 5,
        lastExit: 'exit 1: model file missing',
        cpu: null,
        memBytes: null,
        gpu: null,
        device: 'cpu',
      },
    ],
    logs: [
      { ts: Date.UTC(2025, 0, 1, 12, 0, 0), source: 'node', text: 'imported block #1233' },
      { ts: Date.UTC(2025, 0, 1, 12, 0, 1), source: 'node', text: 'imported block #1234' },
      { ts: Date.UTC(2025, 0, 1, 12, 0, 2), source: 'peer-own', text: 'error: model file missing' },
    ],
    emissionHistory: [1n, 3n, 2n, 5n, 8n],
  };
}

export type Call =
  | { op: 'transfer'; request: TransferRequest }
  | { op: 'addStake' | 'removeStake'; request: StakeRequest }
  | { op: 'start' | 'stop' | 'restart'; name: string }
  | { op: 'setNetuid'; netuid: number };

/** Records every action; transactions get `fate` after `waitForTx`. */
export class RecordingSource implements DataSource {
  readonly store: SnapshotStore;
  readonly calls: Call[] = [];
  fate: TxFate = { status: 'included', block: 1235 };
  keychain = false;
  closed = false;

  constructor(initial: Partial<MarketSnapshot> = baseSnapshot()) {
    this.store = new SnapshotStore('http://127.0.0.1:9944', initial);
  }

  subscribe = (l: () => void) => this.store.subscribe(l);
  getSnapshot = () => this.store.getSnapshot();
  start() {}
  close() {
    this.closed = true;
  }
  setNetuid(netuid: number) {
    this.calls.push({ op: 'setNetuid', netuid });
  }
  hasKeychainPassword() {
    return Promise.resolve(this.keychain);
  }
  private tx(): Promise<TxSubmitted> {
    return Promise.resolve({ txHash: `0x${String(this.calls.length).padStart(64, '0')}` });
  }
  transfer(request: TransferRequest) {
    this.calls.push({ op: 'transfer', request });
    return this.tx();
  }
  addStake(request: StakeRequest) {
    this.calls.push({ op: 'addStake', request });
    return this.tx();
  }
  removeStake(request: StakeRequest) {
    this.calls.push({ op: 'removeStake', request });
    return this.tx();
  }
  waitForTx() {
    return Promise.resolve(this.fate);
  }
  startProcess(name: string) {
    this.calls.push({ op: 'start', name });
    return Promise.resolve();
  }
  stopProcess(name: string) {
    this.calls.push({ op: 'stop', name });
    return Promise.resolve();
  }
  restartProcess(name: string) {
    this.calls.push({ op: 'restart', name });
    return Promise.resolve();
  }
}

export function theme(name = 'default', opts: { depth?: Theme['depth']; unicode?: boolean } = {}): Theme {
  return resolveTheme(loadTheme(name), opts.depth ?? 'truecolor', opts.unicode ?? true);
}

export const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

/**
 * One event-loop turn: Ink flushes a held ESC on setImmediate, React runs passive effects there, and every
 * promise chain the console starts on a key (the RecordingSource answers at once) settles within it.
 */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** Turns with no new frame after which the console counts as settled (a count of turns, not a duration). */
const QUIET_TURNS = 3;

/** Waits for `ok` turn by turn; after `limitMs` it throws, saying what never happened. */
async function until(ok: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`renderAt: gave up after ${limitMs} ms waiting for ${what}`);
    await turn();
  }
}

/**
 * Renders with ink-testing-library, then sets the fake terminal to `columns`x`rows` and emits `resize`
 * (the console lays out from the terminal size, so this also exercises resize redraws). Every action waits
 * on the renderer, not the clock: until Ink listens for keys, then until no frame has been written for
 * QUIET_TURNS turns; a wait that never ends fails the test loudly instead of going on with a stale frame.
 */
export async function renderAt(tree: ReactElement, columns: number, rows: number) {
  const r = render(tree);
  /** Waits until the frames stop changing (at least one turn, so a pending ESC or effect runs). */
  const settle = async (what: string) => {
    let seen = r.frames.length;
    let quiet = 0;
    await until(() => {
      if (r.frames.length !== seen) {
        seen = r.frames.length;
        quiet = 0;
      }
      return quiet++ >= QUIET_TURNS;
    }, `the frames to settle after ${what}`);
  };
  Object.defineProperty(r.stdout, 'columns', { configurable: true, get: () => columns });
  Object.defineProperty(r.stdout, 'rows', { configurable: true, writable: true, value: rows });
  r.stdout.emit('resize');
  await settle('the first render');
  // Ink attaches its stdin listener in an effect; the fake stdin (unlike a real one) does not buffer, so
  // wait until Ink listens before each key. The console's own input hook stays mounted while it runs, so
  // a listener that was there and is gone means the app has exited (q): keys then go nowhere, as in a
  // terminal after the program ends.
  let listened = false;
  const listening = async () => {
    const count = () => r.stdin.listenerCount('readable');
    if (listened && count() === 0) return;
    await until(() => count() > 0, 'Ink to listen on stdin');
    listened = true;
  };
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      await listening();
      r.stdin.write(k);
      await settle(`key ${JSON.stringify(k)}`);
    }
    if (keys.length === 0) await settle('a store update');
  };
  const type = async (text: string) => press(...[...text]);
  const resize = async (c: number, h: number) => {
    Object.defineProperty(r.stdout, 'columns', { configurable: true, get: () => c });
    Object.defineProperty(r.stdout, 'rows', { configurable: true, writable: true, value: h });
    r.stdout.emit('resize');
    await settle(`resize to ${c}x${h}`);
  };
  return { ...r, press, type, resize, frame: () => r.lastFrame() ?? '' };
}

export const KEYS = {
  esc: '\x1b',
  enter: '\r',
  down: '\x1b[B',
  up: '\x1b[A',
  pageDown: '\x1b[6~',
  pageUp: '\x1b[5~',
  backspace: '\x7f',
  ctrlC: '\x03',
};

export function consoleTree(
  source: RecordingSource,
  opts: {
    readonly?: boolean;
    theme?: Theme;
    view?: ViewId;
  } = {},
): ReactElement {
  const readonly = opts.readonly ?? false;
  return (
    <Console
      source={source}
      theme={opts.theme ?? theme()}
      readonly={readonly}
      bindings={registeredBindings(DEFAULT_BINDINGS, readonly)}
      initialView={opts.view}
    />
  );
}
