/**
 * The dynamic-TAO model's swap (src/dtao) against the real spec-300 runtime, to the rao. One subnet is
 * registered by //Alice; for each pool configuration its reserves and fee rate are written with
 * dev_setStorage (swap state cleared, so the next swap initialises the pool from the reserves as the runtime
 * does; Alice's stake emptied, so a pool never inherits an earlier one's share pool), then one
 * utility.batchAll of 8 add_stake(_limit) calls and one of 8 remove_stake(_limit) calls run in one block
 * each. The model replays the calls first, in the block's order (each limited call's limit is ±2 % of the
 * price the calls before it left, so it fills partially); every StakeAdded / StakeRemoved event (τ, α, fee)
 * must equal the model's, and so must the pool (√price bits, liquidity, τ and α reserves) and Alice's share
 * pool (TotalHotkeyAlpha, TotalHotkeyShares and her share, U64F64 bits). 6 configurations × 16 swaps = 96
 * (pool, amount) pairs in 12 blocks.
 */
import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { genesis, registerHotkey } from '../../src/dtao/subnet.js';
import { bigMin } from '../../src/dtao/fixed.js';
import {
  addStake,
  addStakeLimit,
  maxAmountAdd,
  maxAmountRemove,
  removeStake,
  removeStakeLimit,
} from '../../src/dtao/stake.js';
import { alphaHeld } from '../../src/dtao/shares.js';
import { type DtaoState, stakeKey } from '../../src/dtao/state.js';
import { newCurve, spotPriceRao } from '../../src/dtao/swap.js';
import { describeLocalnet, endpoint, resetChain, rpc } from './harness.js';
import { alphaOf, type Fixture, openFixture, RAO, send, tx } from './stake-fixture.js';
import { clearOfSessionBlock } from './subnet-fixture.js';

interface Config {
  tao: bigint;
  alpha: bigint;
  feeRate: bigint;
  /** τ per add, as fractions (per mille) of the pool's τ reserve. */
  adds: bigint[];
  /** Calls 7 and 8 use the _limit variants with allow_partial at price ±2 %. */
  limits?: boolean;
}

const ADDS = [1n, 5n, 20n, 50n, 100n, 200n, 400n, 800n];
const CONFIGS: Config[] = [
  { tao: 1_000n * RAO, alpha: 1_000n * RAO, feeRate: 196n, adds: ADDS },
  { tao: 5n * RAO, alpha: 20n * RAO, feeRate: 33n, adds: ADDS.map((a) => a * 3n), limits: true },
  { tao: 1_000_000n * RAO, alpha: 300_000n * RAO, feeRate: 196n, adds: [1n, 2n, 3n, 5n, 8n, 13n, 21n, 34n] },
  { tao: 123_456_789_012n, alpha: 987_654_321_098n, feeRate: 10_000n, adds: ADDS, limits: true },
  { tao: 2_500n * RAO, alpha: 2_500_000n * RAO, feeRate: 0n, adds: ADDS },
  { tao: 77_777_777_777_777n, alpha: 3_333_333_333n, feeRate: 65n, adds: [1n, 1n, 2n, 3n, 5n, 8n, 13n, 21n] },
];
/** Alpha sold per remove, per mille of what Alice holds at that moment. */
const REMOVES = [20n, 50n, 100n, 125n, 166n, 200n, 250n, 333n];

type Ev = { section: string; method: string; data: unknown[] };
/** A StakeAdded / StakeRemoved event's τ, α and fee. */
type Swapped = { tao: bigint; alpha: bigint; fee: bigint };
const stakeEvents = (events: Ev[], method: string): Swapped[] =>
  events
    .filter((e) => e.section === 'subtensorModule' && e.method === method)
    .map((e) => ({
      tao: BigInt(String(e.data[2])),
      alpha: BigInt(String(e.data[3])),
      fee: BigInt(String(e.data[5])),
    }));

const le = (v: bigint, bytes: number) => {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return u8aToHex(out);
};
type Query = { key: (...a: unknown[]) => string } & ((...a: unknown[]) => Promise<unknown>);
const query = (api: ApiPromise, pallet: string, item: string) =>
  (api.query as unknown as Record<string, Record<string, Query>>)[pallet]![item]!;
const num = async (api: ApiPromise, pallet: string, item: string, netuid: number) =>
  BigInt(String(await query(api, pallet, item)(netuid)));
const bitsOf = async (api: ApiPromise, pallet: string, item: string, netuid: number) =>
  BigInt(String(((await query(api, pallet, item)(netuid)) as { bits: unknown }).bits));

describeLocalnet('swap cross-check: src/dtao vs the spec-300 runtime', () => {
  let fx: Fixture;
  let netuid = 0;
  let hotkey = '';
  let model: DtaoState;
  let pairs = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    const log = (m: string) => process.env.DEBUG_XCHECK && console.log(`${Date.now() - t0} ms ${m}`);
    fx = await openFixture(endpoint());
    log('api');
    const { api, alice } = fx;
    await clearOfSessionBlock();
    await send(api, alice, tx(api, 'sudo', 'sudo')(tx(api, 'adminUtils', 'sudoSetNetworkRateLimit')(0)));
    log('sudo');
    hotkey = fx.keyring.addFromUri('//Alice//swapcheck').address;
    await clearOfSessionBlock();
    const events = await send(api, alice, tx(api, 'subtensorModule', 'registerNetwork')(hotkey));
    netuid = Number(events.find((e) => e.method === 'NetworkAdded')!.data[0]);
    log('registered');
    model = genesis([[alice.address, 10n ** 18n]]);
    registerHotkey(model, hotkey, alice.address);
  }, 120_000);
  afterAll(async () => {
    await fx?.close();
    await resetChain();
  });

  /**
   * Both sides get the same fresh pool: reserves, fee rate, swap state cleared, staking enabled, and Alice's
   * stake on the hotkey emptied, so every pool starts from the same share pool whatever an earlier one did.
   */
  async function setPool(c: Config): Promise<void> {
    const { api } = fx;
    const me = fx.alice.address;
    const k = (pallet: string, item: string, ...keys: unknown[]) =>
      query(api, pallet, item).key(...(keys.length > 0 ? keys : [netuid]));
    await rpc('dev_setStorage', [
      [
        [k('subtensorModule', 'subnetTAO'), le(c.tao, 8)],
        [k('subtensorModule', 'subnetAlphaIn'), le(c.alpha, 8)],
        [k('subtensorModule', 'subnetTaoProvided'), le(0n, 8)],
        [k('subtensorModule', 'subnetAlphaInProvided'), le(0n, 8)],
        [k('subtensorModule', 'subtokenEnabled'), '0x01'],
        [k('subtensorModule', 'totalHotkeyAlpha', hotkey, netuid), null],
        [k('subtensorModule', 'totalHotkeyShares', hotkey, netuid), null],
        [k('subtensorModule', 'alpha', hotkey, me, netuid), null],
        [k('swap', 'swapV3Initialized'), '0x00'],
        [k('swap', 'currentLiquidity'), le(0n, 8)],
        [k('swap', 'alphaSqrtPrice'), le(0n, 16)],
        [k('swap', 'feeRate'), le(c.feeRate, 2)],
      ],
    ]);
    const n = model.subnets.get(netuid) ?? {
      ...structuredClone(model.subnets.get(0)!),
      netuid,
      owner: fx.alice.address,
      ownerHotkey: hotkey,
    };
    Object.assign(n, {
      taoReserve: c.tao,
      alphaReserve: c.alpha,
      curve: newCurve(c.feeRate),
      firstEmissionBlock: 1,
    });
    model.subnets.set(netuid, n);
    model.stakes.delete(stakeKey(hotkey, netuid));
  }

  /** The pool and Alice's stake, down to the share pool's U64F64 bits. */
  async function expectPool(): Promise<void> {
    const { api } = fx;
    const me = fx.alice.address;
    const n = model.subnets.get(netuid)!;
    const stake = model.stakes.get(stakeKey(hotkey, netuid))!;
    const bits = async (item: string, ...keys: unknown[]) =>
      BigInt(String(((await query(api, 'subtensorModule', item)(...keys)) as { bits: unknown }).bits));
    const [sqrtPrice, liquidity, tao, alpha, held, value, denominator, share] = await Promise.all([
      bitsOf(api, 'swap', 'alphaSqrtPrice', netuid),
      num(api, 'swap', 'currentLiquidity', netuid),
      num(api, 'subtensorModule', 'subnetTAO', netuid),
      num(api, 'subtensorModule', 'subnetAlphaIn', netuid),
      alphaOf(fx, hotkey, me, netuid),
      query(api, 'subtensorModule', 'totalHotkeyAlpha')(hotkey, netuid).then((v) => BigInt(String(v))),
      bits('totalHotkeyShares', hotkey, netuid),
      bits('alpha', hotkey, me, netuid),
    ]);
    expect({ sqrtPrice, liquidity, tao, alpha, held, value, denominator, share }).toEqual({
      sqrtPrice: n.curve.sqrtPrice,
      liquidity: n.curve.liquidity,
      tao: n.taoReserve,
      alpha: n.alphaReserve,
      held: alphaHeld(stake, me),
      value: stake.value,
      denominator: stake.denominator,
      share: stake.shares.get(me) ?? 0n,
    });
  }

  /** Spec 300's session block (a multiple of 15) has no room for a batch of 8 stakes: mine past it. */
  const batch = async (calls: SubmittableExtrinsic<'promise'>[]) => {
    await clearOfSessionBlock();
    return send(fx.api, fx.alice, tx(fx.api, 'utility', 'batchAll')(calls));
  };
  /** One block: its StakeAdded / StakeRemoved events must be the model's, then so must the pool. */
  async function runBlock(calls: SubmittableExtrinsic<'promise'>[], method: string, ours: Swapped[]) {
    const events = stakeEvents(await batch(calls), method);
    expect(events).toEqual(ours);
    pairs += events.length;
    await expectPool();
  }
  const price = () => {
    const n = model.subnets.get(netuid)!;
    return spotPriceRao(n.curve, { tao: n.taoReserve, alpha: n.alphaReserve });
  };

  it.each(CONFIGS.map((c, i) => [i, c] as const))(
    'pool %i: 8 stakes and 8 unstakes agree to the rao',
    { timeout: 90_000 },
    async (_i, c) => {
      const { api, alice } = fx;
      const me = alice.address;
      await setPool(c);
      const limited = (i: number) => c.limits === true && i >= 6;
      // The model goes first: each limited call's limit is ±2 % of the price the calls before it left, so
      // it fills partially (the amounts are far more than 2 % moves), as a real client would set it.
      const addCalls: SubmittableExtrinsic<'promise'>[] = [];
      const added: Swapped[] = [];
      c.adds.forEach((pm, i) => {
        const t0 = (c.tao * pm) / 1000n;
        const t = t0 < 10_000_000n ? 10_000_000n : t0;
        if (!limited(i)) {
          added.push({ ...addStake(model, me, hotkey, netuid, t), tao: t });
          addCalls.push(tx(api, 'subtensorModule', 'addStake')(hotkey, netuid, t));
          return;
        }
        const limit = (price() * 102n) / 100n;
        // The runtime takes min(amount, get_max_amount_add) from the coldkey (we refund what the swap
        // leaves unused: docs/dtao.md), and its event says so.
        const taken = bigMin(t, maxAmountAdd(model.subnets.get(netuid)!, limit));
        const ours = addStakeLimit(model, me, hotkey, netuid, t, limit, true);
        expect(taken, `add ${i} fills partially`).toBeLessThan(t);
        expect(ours.tao).toBeLessThanOrEqual(taken);
        added.push({ ...ours, tao: taken });
        addCalls.push(tx(api, 'subtensorModule', 'addStakeLimit')(hotkey, netuid, t, limit, true));
      });
      await runBlock(addCalls, 'StakeAdded', added);

      const removeCalls: SubmittableExtrinsic<'promise'>[] = [];
      const removed: Swapped[] = [];
      REMOVES.forEach((pm, i) => {
        const a = (alphaHeld(model.stakes.get(stakeKey(hotkey, netuid))!, me) * pm) / 1000n;
        if (!limited(i)) {
          removed.push({ ...removeStake(model, me, hotkey, netuid, a), alpha: a });
          removeCalls.push(tx(api, 'subtensorModule', 'removeStake')(hotkey, netuid, a));
          return;
        }
        const limit = (price() * 98n) / 100n;
        // The event's α is what was taken off the stake before the swap: min(amount, get_max_amount_remove).
        const taken = bigMin(a, maxAmountRemove(model.subnets.get(netuid)!, limit));
        expect(taken, `remove ${i} fills partially`).toBeLessThan(a);
        removed.push({ ...removeStakeLimit(model, me, hotkey, netuid, a, limit, true), alpha: taken });
        removeCalls.push(tx(api, 'subtensorModule', 'removeStakeLimit')(hotkey, netuid, a, limit, true));
      });
      expect(model.subnets.get(netuid)!.taoReserve).toBeGreaterThan(0n);
      await runBlock(removeCalls, 'StakeRemoved', removed);
    },
  );

  it('ran at least 50 (pool, amount) pairs', () => {
    expect(pairs).toBeGreaterThanOrEqual(50);
  });
});
