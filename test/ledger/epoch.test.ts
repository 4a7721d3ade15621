import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type EpochInputs, NEW_SUBNET_PARAMS, runEpoch, sparseToRows } from '../../src/consensus/index.js';
import { fromHex } from '../../src/crypto/hex.js';
import { signTx } from '../../src/crypto/tx.js';
import { runLedgerEpoch } from '../../src/ledger/state/epoch-hook.js';
import { devGenesis } from '../../src/ledger/state/genesis.js';
import { LedgerNode } from '../../src/ledger/node/node.js';
import { verifyChain } from '../../src/ledger/node/verify.js';
import { Chain, type Key, key, rng, TAO } from './helpers.js';

const bob = key('//Bob', 'sr25519');
const charlie = key('//Charlie', 'sr25519');
const sw = (uids: number[], weights: number[]) => ({ type: 'set_weights', netuid: 1, uids, weights });
/** Each block's α emission of a started subnet, as spec 300 splits 1 α: to the epoch, and the owner's 18 %. */
const PENDING_PER_BLOCK = 820_004_577n;
const OWNER_CUT_PER_BLOCK = 179_995_422n;
const U64_MAX = (1n << 64n) - 1n;
/** Spec 300's InitialTaoWeight: root τ counts 971718665099567868 / (2^64 − 1) ≈ 5.27 % beside α. */
const TAO_WEIGHT = 971_718_665_099_567_868n;
const alphaValue = (c: Chain, hotkey: string) => c.state.alpha.get(`${hotkey}/1`)?.value ?? 0n;
const stakeWeight = (c: Chain, hotkey: string) =>
  alphaValue(c, hotkey) + (c.state.totalStakeOfHotkey(hotkey) * TAO_WEIGHT) / U64_MAX;

/**
 * Subnet 1 (tempo 10, epochs at blocks 9, 20, 31 …): uid 0 Alice's validator (the owner's hotkey), uid 1 Bob's
 * validator (Charlie nominates it), uids 2–4 Bob's miners. Both validators set weights at block 6, before the
 * first epoch: nobody holds a permit yet, so the bootstrap permits let them.
 */
function subnet() {
  const c = Chain.dev();
  const v0 = key('//ep-v0');
  const v1 = key('//ep-v1');
  const miners = [key('//ep-m2'), key('//ep-m3'), key('//ep-m4')];
  c.block([
    c.tx(c.alice, { type: 'burned_register', netuid: 1, hotkey: v0.address }),
    c.tx(bob, { type: 'burned_register', netuid: 1, hotkey: v1.address }),
    ...miners.map((m) => c.tx(bob, { type: 'burned_register', netuid: 1, hotkey: m.address })),
  ]); // block 1
  c.block([
    c.tx(c.alice, { type: 'add_stake', hotkey: v0.address, amount: String(100n * TAO) }),
    c.tx(bob, { type: 'add_stake', hotkey: v1.address, amount: String(50n * TAO) }),
    c.tx(charlie, { type: 'add_stake', hotkey: v1.address, amount: String(25n * TAO) }),
  ]); // block 2
  c.mine(3); // blocks 3..5
  const b6 = c.block([c.tx(v0, sw([2, 3, 4], [60000, 30000, 10000])), c.tx(v1, sw([2, 3], [50000, 50000]))]);
  expect(b6.txs.map((t) => t.status)).toEqual(['included', 'included']);
  return { c, v0, v1, miners };
}

/** The epoch's inputs for subnet 1 at the next block, read straight from the stored records. */
function inputsFromState(c: Chain, permits: boolean[]): { inputs: EpochInputs; pool: bigint } {
  const sn = c.state.subnet(1)!;
  const neurons = c.state.neuronsOf(1);
  const pool = c.state.pool(1)!.pendingEmission + PENDING_PER_BLOCK; // the next block's α joins it
  return {
    pool,
    inputs: {
      n: neurons.length,
      currentBlock: c.head.number + 1,
      stake: neurons.map((n) => stakeWeight(c, n.hotkey)),
      weights: neurons.map((n) => n.weights),
      bonds: neurons.map((n) => n.bonds),
      validatorPermits: permits,
      lastUpdate: neurons.map((n) => n.last_update),
      blockAtRegistration: neurons.map((n) => n.registered_at),
      params: {
        ...NEW_SUBNET_PARAMS,
        tempo: 10,
        activityCutoff: 138,
        ownerUid: 0,
        lastMechanismStepBlock: sn.last_epoch,
        raoEmission: pool,
      },
    },
  };
}

/** Each hotkey's α on subnet 1 (its share pool's value). */
const alphaByHotkey = (c: Chain) => {
  const m = new Map<string, bigint>();
  for (const [k, v] of c.state.alpha.entries()) if (k.endsWith('/1')) m.set(k.slice(0, -2), v.value);
  return m;
};

function expectStoredOutputs(c: Chain, inputs: EpochInputs) {
  const out = runEpoch(inputs);
  c.state.neuronsOf(1).forEach((n, i) => {
    expect(n.validator_permit).toBe(out.newValidatorPermits[i]);
    expect(n.active).toBe(out.active[i]);
    expect(n.stake_weight).toBe(out.stakeWeightU16[i]);
    expect(n.consensus).toBe(out.consensusU16[i]);
    expect(n.incentive).toBe(out.incentiveU16[i]);
    expect(n.rank).toBe(out.incentiveU16[i]);
    expect(n.dividends).toBe(out.dividendsU16[i]);
    expect(n.validator_trust).toBe(out.validatorTrustU16[i]);
    expect(n.bonds).toEqual(sparseToRows(out.bonds)[i]);
    // the exact payout never pays less than the chain's floored emissions, and at most 2 rao more
    const floor = out.serverEmission[i]! + out.validatorEmission[i]!;
    expect(n.emission >= floor && n.emission <= floor + 2n).toBe(true);
  });
  return out;
}

describe('the Yuma epoch through the ledger', () => {
  it('stores exactly what runEpoch computes on the same inputs, at the first and the second epoch', () => {
    const { c } = subnet();
    c.mine(2); // blocks 7, 8
    // first epoch: nobody holds a permit → bootstrap permits: the owner and the staked validator
    expect(c.state.neuronsOf(1).some((n) => n.validator_permit)).toBe(false);
    const first = inputsFromState(c, [true, true, false, false, false]);
    c.mine(1); // block 9: epoch
    expect(c.state.subnet(1)!.last_epoch).toBe(9);
    const out1 = expectStoredOutputs(c, first.inputs);
    expect(out1.newValidatorPermits).toEqual([true, true, false, false, false]);
    expect(out1.incentiveU16.slice(2).every((x) => x > 0)).toBe(true); // the weights counted
    expect(out1.consensusU16[2]).toBeGreaterThan(0);
    const n2 = c.state.neuron(1, 2)!;
    expect(n2.trust).toBeGreaterThan(0);
    expect(n2.trust).toBeLessThanOrEqual(65535);
    expect(c.state.neuron(1, 1)!.bonds.length).toBeGreaterThan(0);
    // second epoch: permits and bonds from the first
    c.mine(10); // blocks 10..19
    const second = inputsFromState(
      c,
      c.state.neuronsOf(1).map((n) => n.validator_permit),
    );
    c.mine(1); // block 20
    expect(c.state.subnet(1)!.last_epoch).toBe(20);
    expectStoredOutputs(c, second.inputs);
    expect(c.invariantHolds()).toBe(true);
  });

  it('pays the pool exactly as α: miners’ server emission to their own stake, dividends and the owner cut', () => {
    const { c, v0, v1, miners } = subnet();
    c.mine(2);
    const { inputs, pool } = inputsFromState(c, [true, true, false, false, false]);
    const expected = runLedgerEpoch(inputs, pool);
    const ownerCut = c.state.pool(1)!.pendingOwnerCut + OWNER_CUT_PER_BLOCK;
    const before = alphaByHotkey(c);
    const issued = c.state.totalsRecord().issuance;
    const reserve = c.state.pool(1)!.taoReserve;
    c.mine(1); // epoch
    const after = alphaByHotkey(c);
    let gained = 0n;
    for (const [k, v] of after) gained += v - (before.get(k) ?? 0n);
    // Σ α paid = the pending α (less the owner hotkey's own incentive) + the owner's cut, to the rao
    expect(gained).toBe(pool - expected.server[0]! + ownerCut);
    expect(c.state.pool(1)!.pendingEmission).toBe(0n);
    expect(c.state.pool(1)!.pendingOwnerCut).toBe(0n);
    // the block's τ went into the pool and nowhere else
    expect(c.state.totalsRecord().issuance - issued).toBe(c.state.pool(1)!.taoReserve - reserve);
    const delta = (h: Key) => (after.get(h.address) ?? 0n) - (before.get(h.address) ?? 0n);
    for (const [i, m] of miners.entries()) expect(delta(m)).toBe(expected.server[i + 2]);
    expect(expected.server.slice(2).reduce((a, b) => a + b, 0n)).toBeGreaterThan(0n);
    // v1's nominators staked root τ, not α on subnet 1: the whole dividend is its owner's (Bob's) α
    const held = (h: Key, cold: Key) => {
      const r = c.state.alpha.get(`${h.address}/1`);
      return r?.shares[cold.address] === undefined ? 0n : r.value;
    };
    expect(delta(v1)).toBe(expected.validator[1]);
    expect(held(v1, bob)).toBe(expected.validator[1]);
    expect(held(v1, charlie)).toBe(0n);
    // v0 is the owner's hotkey: its dividend and the owner cut; its own incentive is not paid (spec 300
    // skips the subnet owner hotkey's miner emission)
    expect(delta(v0)).toBe(expected.validator[0]! + ownerCut);
    expect(c.invariantHolds()).toBe(true);
  });

  it('splits a dividend among α nominators: take to the owner, the rest pro rata by share', () => {
    const { c, v1 } = subnet();
    // Bob and Charlie stake α on v1 (3:1 by τ), so the next epochs' dividends reach both
    c.block([
      c.tx(bob, { type: 'add_stake', hotkey: v1.address, netuid: 1, amount: String(30n * TAO) }),
      c.tx(charlie, { type: 'add_stake', hotkey: v1.address, netuid: 1, amount: String(10n * TAO) }),
    ]); // block 7
    const r0 = c.state.alpha.get(`${v1.address}/1`)!;
    const bob0 = r0.shares[bob.address]!;
    const charlie0 = r0.shares[charlie.address]!;
    const value0 = r0.value;
    c.mine(2); // block 9: epoch
    const r1 = c.state.alpha.get(`${v1.address}/1`)!;
    const v = c.state.neuron(1, 1)!.emission;
    expect(v).toBeGreaterThan(0n);
    const take = (v * 11796n) / 65535n;
    expect(r1.value - value0).toBe(v);
    // Charlie's share did not change; Bob's grew by the take, bought at the pool's price per share
    expect(r1.shares[charlie.address]).toBe(charlie0);
    expect(r1.shares[bob.address]! > bob0).toBe(true);
    // Charlie's α grew by its share (after the take bought Bob's new shares) of the rest, v − take
    const charlieAlpha = (s: { value: bigint; denominator: bigint }, share: bigint) =>
      (s.value * share) / s.denominator;
    const gain = charlieAlpha(r1, charlie0) - charlieAlpha(r0, charlie0);
    const expectedGain = ((v - take) * charlie0) / r1.denominator;
    expect(gain >= expectedGain - 2n && gain <= expectedGain + 2n).toBe(true);
    expect(c.invariantHolds()).toBe(true);
  });

  it('a lone staked validator on a fresh subnet gets a permit at the first epoch and its weights count', () => {
    const c = Chain.dev();
    const val = key('//solo-val');
    const miner = key('//solo-miner');
    c.block([
      c.tx(bob, { type: 'burned_register', netuid: 1, hotkey: val.address }),
      c.tx(bob, { type: 'burned_register', netuid: 1, hotkey: miner.address }),
    ]);
    c.run(bob, { type: 'add_stake', hotkey: val.address, amount: String(10n * TAO) });
    c.mine(3); // block 5
    expect(c.run(miner, sw([0], [1])).error?.code).toBe('E_NO_VALIDATOR_PERMIT'); // unstaked: no bootstrap
    expect(c.run(val, sw([1], [65535])).status).toBe('included'); // block 7
    c.mine(2); // block 9: epoch
    const [v, m] = c.state.neuronsOf(1);
    expect(v!.validator_permit).toBe(true);
    expect(m!.validator_permit).toBe(false);
    expect(m!.incentive).toBe(65535);
    expect(m!.consensus).toBeGreaterThan(0);
    expect(v!.dividends).toBe(65535);
    expect(alphaValue(c, miner.address)).toBeGreaterThan(0n);
    expect(c.state.pool(1)!.pendingEmission).toBe(0n);
    expect(c.invariantHolds()).toBe(true);
  });

  it('re-registration (replace_neuron): the new neuron starts clean and the next epoch equals runEpoch', () => {
    const { c, miners } = subnet();
    const sn = c.state.subnet(1)!;
    c.state.subnets.set('1', { ...sn, params: { ...sn.params, max_uids: 5, immunity_period: 5 } });
    c.mine(3); // block 9: epoch
    const lowest = c.state
      .neuronsOf(1)
      .filter((n) => n.uid !== 0)
      .sort((a, b) => (a.emission < b.emission ? -1 : a.emission > b.emission ? 1 : a.uid - b.uid))[0]!;
    const uid = lowest.uid;
    const bondsBefore = c.state.neuron(1, 0)!.bonds.find(([j]) => j === uid)?.[1] ?? 0;
    const fresh = key('//ep-fresh');
    c.run(charlie, { type: 'burned_register', netuid: 1, hotkey: fresh.address }); // block 10
    expect(c.state.uidOf(1, fresh.address)).toBe(uid);
    const n = c.state.neuron(1, uid)!;
    expect([n.registered_at, n.last_update, n.validator_permit]).toEqual([10, 10, false]);
    expect([n.weights, n.bonds]).toEqual([[], []]);
    for (const other of c.state.neuronsOf(1))
      for (const [j, w] of other.weights) if (j === uid) expect(w).toBe(0); // entry kept, zeroed
    c.mine(9); // blocks 11..19
    const next = inputsFromState(
      c,
      c.state.neuronsOf(1).map((x) => x.validator_permit),
    );
    c.mine(1); // block 20: epoch
    expectStoredOutputs(c, next.inputs);
    // the replaced uid was registered since the last epoch: its old bond column is masked, not carried
    const bondsAfter = c.state.neuron(1, 0)!.bonds.find(([j]) => j === uid)?.[1] ?? 0;
    expect(uid).toBe(4); // the miner only uid 0 weighted lightly: the lowest emission
    expect(c.state.uidOf(1, miners[2]!.address)).toBeUndefined();
    expect(bondsBefore).toBeGreaterThan(0);
    expect(bondsAfter).toBeLessThan(bondsBefore);
    expect(c.invariantHolds()).toBe(true);
  });
});

describe('exact payout (property)', () => {
  it('Σ payouts == pool for random states (or 0 when nobody can be paid), never below the floors', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const n = 1 + r(24);
      const row = () => {
        const uids = [...new Set(Array.from({ length: r(n + 1) }, () => r(n)))];
        return uids.map((j) => [j, r(65536)] as [number, number]);
      };
      const pool = BigInt(r(2 ** 31)) * BigInt(1 + r(2 ** 20)) + BigInt(r(3));
      const inputs: EpochInputs = {
        n,
        currentBlock: 100 + r(400),
        stake: Array.from({ length: n }, () => (r(4) === 0 ? 0n : BigInt(r(2 ** 31)) * BigInt(1 + r(1000)))),
        weights: Array.from({ length: n }, row),
        bonds: Array.from({ length: n }, () => (r(2) === 0 ? [] : row())),
        validatorPermits: Array.from({ length: n }, () => r(3) !== 0),
        lastUpdate: Array.from({ length: n }, () => r(500)),
        blockAtRegistration: Array.from({ length: n }, () => r(300)),
        params: {
          ...NEW_SUBNET_PARAMS,
          yuma3Enabled: r(2) === 0,
          liquidAlphaEnabled: r(3) === 0,
          maxAllowedValidators: 1 + r(n + 2),
          activityCutoff: 50 + r(400),
          tempo: 10 + r(100),
          lastMechanismStepBlock: r(2) === 0 ? 0 : r(100),
          ownerUid: r(2) === 0 ? null : r(n),
          raoEmission: pool,
        },
      };
      const res = runLedgerEpoch(inputs, pool);
      const paid = [...res.server, ...res.validator].reduce((a, b) => a + b, 0n);
      const anyShare =
        res.out.fixed.normalizedServerEmission.some((x) => x > 0) ||
        res.out.fixed.normalizedValidatorEmission.some((x) => x > 0);
      expect(paid).toBe(anyShare ? pool : 0n);
      for (let i = 0; i < n; i++) {
        expect(res.server[i]! >= res.out.serverEmission[i]!).toBe(true);
        expect(res.validator[i]! >= res.out.validatorEmission[i]!).toBe(true);
      }
    }
  });

  it('random chains of stake, weights and registrations keep the supply accounted through every epoch', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const r = rng(seed * 7919);
      const c = Chain.dev();
      const owners = [c.alice, bob, charlie];
      const hots = Array.from({ length: 6 }, (_, i) => key(`//prop-${seed}-${i}`));
      const ownerOf = new Map<string, Key>();
      hots.forEach((h, i) => {
        const o = owners[i % 3]!;
        ownerOf.set(h.address, o);
        c.run(o, { type: 'burned_register', netuid: 1, hotkey: h.address });
      });
      for (let b = 0; b < 45; b++) {
        const txs = [];
        for (let k = 0; k < 3; k++) {
          const h = hots[r(hots.length)]!;
          const pick = r(4);
          if (pick === 0)
            txs.push(
              c.tx(owners[r(3)]!, { type: 'add_stake', hotkey: h.address, amount: String(1 + r(10 ** 9)) }),
            );
          else if (pick === 3)
            txs.push(
              c.tx(owners[r(3)]!, {
                type: 'add_stake',
                hotkey: h.address,
                netuid: 1,
                amount: String(2_100_000 + r(10 ** 9)),
              }),
            );
          else if (pick === 1) {
            const others = hots.map((_, j) => j).filter((j) => j !== c.state.uidOf(1, h.address));
            txs.push(
              c.tx(
                h,
                sw(
                  others.slice(0, 1 + r(others.length)),
                  others.map(() => r(65536)).slice(0, 1 + r(others.length)),
                ),
              ),
            );
          }
        }
        const block = c.block(txs);
        expect(c.invariantHolds()).toBe(true);
        if (block.epochs.includes(1) && c.state.stake.size > 0)
          expect(c.state.pool(1)!.pendingEmission).toBe(0n);
      }
      expect(c.state.subnet(1)!.last_epoch).toBeGreaterThan(0);
    }
  });
});

describe('replay', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('verifyChain replays blocks with epochs to the same state roots and stored neuron outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tao-epoch-replay-'));
    dirs.push(dir);
    const node = await LedgerNode.open({
      dataDir: dir,
      genesis: () => devGenesis(1_700_000_000_000, 10),
      blockTimeMs: 0,
    });
    const genesisHash = fromHex(node.genesisHash);
    const nonces = new Map<string, number>();
    const submit = (k: Key, call: Record<string, unknown>) => {
      const nonce = nonces.get(k.address) ?? 0;
      nonces.set(k.address, nonce + 1);
      return node.submit(
        signTx(k.pair, { genesisHash, nonce, expiry: 10_000, call: call as { type: string } }),
      );
    };
    const v = key('//replay-v');
    const m = key('//replay-m');
    submit(c0(), { type: 'burned_register', netuid: 1, hotkey: v.address });
    submit(c0(), { type: 'burned_register', netuid: 1, hotkey: m.address });
    await node.mine(1);
    submit(c0(), { type: 'add_stake', hotkey: v.address, amount: String(5n * TAO) });
    await node.mine(6);
    submit(v, sw([1], [65535]));
    await node.mine(30); // epochs at 9, 20, 31
    const meta = node.state.neuronsOf(1).map((n) => [n.incentive, n.dividends, n.emission, n.bonds]);
    expect(node.state.neuron(1, 1)!.incentive).toBe(65535);
    const root = node.head.state_root;
    await node.stop();
    const res = await verifyChain(dir);
    expect(res.ok).toBe(true);
    expect(res.state_root).toBe(root);
    const again = await LedgerNode.open({ dataDir: dir, genesis: () => devGenesis(0), blockTimeMs: 0 });
    expect(again.state.neuronsOf(1).map((n) => [n.incentive, n.dividends, n.emission, n.bonds])).toEqual(
      meta,
    );
    await again.stop();
  });
});

const c0 = () => key('//Alice', 'sr25519');
