// One block's end on the ledger (issue 12): src/ledger/state/payout.ts endBlock, the block's emission plus every due
// subnet's epoch and its payout, timed in-process on a dev state of 64 subnets × 64 neurons (n = 4,096 in all;
// BENCH_SUBNETS / BENCH_NEURONS / BENCH_VALIDATORS change the shape, e.g. 1 × 4096 with 64: max_uids is raised). The state is built
// through applyTx (checked txs, as test/ledger/dtao-supply.test.ts builds them): genesis with every subnet
// (max_subnets raised to 64; started from block 1 under dynamic TAO), 64 coldkeys funded by //Alice,
// burned_register of every neuron, add_stake onto the first 16 uids of each subnet (α on that subnet under
// dynamic TAO, τ before it), and dense weights from those validators. Each subnet's tempo is then set so that
// all epochs fall in one block: a first untimed one (bonds exist after it), then the timed block B, where all
// 64 epochs run, against block B + 1 from the same state, where none does (emission only). Each is run
// BENCH_REPS times from the same state (journal mark / rollback, not timed) after one warm-up; medians. Subnet
// 1's epoch must pay its whole pending emission.
//   npm run bench -- endblock
// BENCH_TAO_DIST=/path/to/other/dist times another tree's build (the "before" tree: its endBlock splits
// emission evenly and pays τ stake; it has no pools or α).
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmtMs, median, printTable } from './table.mjs';

const dist = resolve(process.env.BENCH_TAO_DIST ?? resolve(import.meta.dirname, '../dist'));
const load = (m) => import(pathToFileURL(resolve(dist, m)).href);
const { keyPairFromUri } = await load('crypto/keys.js');
const { encodeAddress } = await load('crypto/ss58.js');
const { buildGenesis, devGenesis } = await load('ledger/state/genesis.js');
const { applyTx } = await load('ledger/state/apply.js');
const { parseCall } = await load('ledger/state/calls.js');
const { endBlock } = await load('ledger/state/payout.js');

const SUBNETS = Number(process.env.BENCH_SUBNETS ?? 64);
const NEURONS = Number(process.env.BENCH_NEURONS ?? 64); // per subnet
const VALIDATORS = Math.min(NEURONS, Number(process.env.BENCH_VALIDATORS ?? 16)); // per subnet
const REPS = Number(process.env.BENCH_REPS ?? 7);
const TAO = 1_000_000_000n;

const g = devGenesis(1_700_000_000_000, 10);
g.params.max_subnets = Math.max(g.params.max_subnets, SUBNETS);
g.subnets = Array.from({ length: SUBNETS }, (_, i) => ({ netuid: i + 1, owner: g.balances[0].address }));
const { state } = buildGenesis(g);
const dtao = 'pools' in state;
const alice = encodeAddress(keyPairFromUri('//Alice', 'sr25519').publicKey);
const addr = (seed) => encodeAddress(createHash('sha256').update(seed).digest());

let txCount = 0;
function apply(signer, call, block) {
  txCount++;
  applyTx(
    state,
    {
      hash: `0x${txCount.toString(16).padStart(64, '0')}`,
      signer,
      nonce: state.account(signer).nonce,
      expiry: block + 100,
      call: parseCall(call),
      raw: { call },
    },
    { block },
  );
}
const setSubnet = (netuid, f) => {
  const sn = state.subnet(netuid);
  state.subnets.set(String(netuid), f(sn));
};

const tSetup = performance.now();
const coldkeys = Array.from({ length: NEURONS }, (_, i) => addr(`bench-cold-${i}`));
// each coldkey: its burns and fees (1 τ a subnet), and its stake of 10 + i τ a subnet when it is a validator
coldkeys.forEach((ck, i) => {
  const perSubnet = i < VALIDATORS ? BigInt(11 + i) * TAO : TAO;
  apply(alice, { type: 'transfer', dest: ck, amount: String(BigInt(SUBNETS) * perSubnet) }, 1);
});
const hotkey = (netuid, i) => addr(`bench-hot-${netuid}-${i}`);
for (let netuid = 1; netuid <= SUBNETS; netuid++) {
  setSubnet(netuid, (sn) => ({
    ...sn,
    params: { ...sn.params, max_uids: Math.max(sn.params.max_uids, NEURONS), weights_rate_limit: 1 },
  }));
  for (let i = 0; i < NEURONS; i++)
    apply(coldkeys[i], { type: 'burned_register', netuid, hotkey: hotkey(netuid, i) }, 1);
  for (let i = 0; i < VALIDATORS; i++)
    apply(
      coldkeys[i],
      {
        type: 'add_stake',
        hotkey: hotkey(netuid, i),
        amount: String(BigInt(10 + i) * TAO),
        ...(dtao ? { netuid } : {}),
      },
      1,
    );
  for (let i = 0; i < VALIDATORS; i++) {
    const uids = [];
    const weights = [];
    for (let j = 0; j < NEURONS; j++)
      if (j !== i) {
        uids.push(j);
        weights.push(1 + ((i * 7919 + j * 104729) % 65535));
      }
    apply(hotkey(netuid, i), { type: 'set_weights', netuid, uids, weights, version_key: 0 }, 3);
  }
}

/** Every subnet's epoch due at `block` ((block + netuid + 1) % (tempo + 1) == 0 with tempo = block + netuid). */
const allDueAt = (block) => {
  for (let netuid = 1; netuid <= SUBNETS; netuid++)
    setSubnet(netuid, (sn) => ({ ...sn, params: { ...sn.params, tempo: block + netuid } }));
};
const W = 20; // first epochs (untimed, so that bonds exist)
const B = 40; // the timed block
allDueAt(W);
for (let b = 4; b <= W; b++) {
  const ran = endBlock(state, b);
  if (b === W && ran.length !== SUBNETS) throw new Error(`warm-up block ran ${ran.length} epochs`);
}
allDueAt(B);
for (let b = W + 1; b < B; b++) endBlock(state, b);
const setupS = (performance.now() - tSetup) / 1000;

/** The emission waiting for subnet 1's epoch (α under dynamic TAO, τ before). */
const pending = () => (dtao ? state.pool(1).pendingEmission : state.subnet(1).pending_emission);
const times = { epochs: [], emission: [] };
const cpu = { epochs: [], emission: [] }; // the process's CPU time (GC threads too): steadier than wall time on a shared box
for (let r = -1; r < REPS; r++)
  for (const [kind, block] of [
    ['epochs', B],
    ['emission', B + 1],
  ]) {
    const mark = state.journal.mark();
    const before = pending();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const ran = endBlock(state, block);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (r >= 0) {
      // r = -1: warm-up
      times[kind].push(ms);
      cpu[kind].push((c.user + c.system) / 1000);
    }
    if (kind === 'epochs' && !(before > 0n && pending() === 0n))
      throw new Error(`subnet 1's epoch paid nothing (pending ${before} → ${pending()})`);
    state.journal.rollback(mark);
    const expected = kind === 'epochs' ? SUBNETS : 0;
    if (ran.length !== expected) throw new Error(`block ${block} ran ${ran.length} epochs, not ${expected}`);
  }

const bonded = state.neuronsOf(1).filter((n) => n.bonds.length > 0).length;
console.log(
  `${dtao ? 'dynamic TAO' : 'before dynamic TAO (even split, τ stake)'} — ${dist}; ${SUBNETS} subnets × ${NEURONS} neurons (n = ${SUBNETS * NEURONS}), ${VALIDATORS} validators per subnet with dense weights, ${bonded} bonded rows on subnet 1; setup ${setupS.toFixed(1)} s; ${REPS} runs each`,
);
const row = (label, xs, cs) => [
  label,
  fmtMs(median(xs)),
  fmtMs(Math.min(...xs)),
  fmtMs(Math.max(...xs)),
  fmtMs(median(cs)),
];
const perEpoch = (xs) => xs.epochs.map((t, i) => (t - xs.emission[i]) / SUBNETS);
printTable(
  ['endBlock', 'wall median', 'min', 'max', 'CPU median'],
  [
    row(`block with all ${SUBNETS} epochs due (emission + epochs + payouts)`, times.epochs, cpu.epochs),
    row('block with no epoch due (emission only)', times.emission, cpu.emission),
    row('  per epoch (difference / subnets)', perEpoch(times), perEpoch(cpu)),
  ],
);
console.log(`load average (1 min) at the end: ${loadavg()[0].toFixed(2)}`);
