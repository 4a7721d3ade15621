/**
 * The dynamic-TAO model's swap (src/dtao) against the real spec-300 runtime, to the rao. One subnet is
 * registered by //Alice; for each pool configuration its reserves and fee rate are written with
 * dev_setStorage (swap state cleared, so the next swap initialises the pool from the reserves as the runtime
 * does), then one utility.batchAll of 8 add_stake(_limit) calls and one of 8 remove_stake(_limit) calls run
 * in one block each. Every StakeAdded / StakeRemoved event (τ, α, fee) must equal the model's, replayed in
 * the block's order, and so must the pool (√price bits, liquidity, τ and α reserves) and Alice's alpha.
 * 6 configurations × 16 swaps = 96 (pool, amount) pairs in 12 blocks.
 */
import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { genesis, registerHotkey } from '../../src/dtao/subnet.js';
import { addStake, addStakeLimit, removeStake, removeStakeLimit } from '../../src/dtao/stake.js';
import { alphaHeld } from '../../src/dtao/shares.js';
import { type DtaoState, stakeKey } from '../../src/dtao/state.js';
import { newCurve, spotPriceRao } from '../../src/dtao/swap.js';
import { describeLocalnet, endpoint, resetChain, rpc } from './harness.js';
import { alphaOf, type Fixture, openFixture, RAO, send, tx } from './stake-fixture.js';

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
const stakeEvents = (events: Ev[], method: string) =>
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
    await send(api, alice, tx(api, 'sudo', 'sudo')(tx(api, 'adminUtils', 'sudoSetNetworkRateLimit')(0)));
    log('sudo');
    hotkey = fx.keyring.addFromUri('//Alice//swapcheck').address;
    const events = await send(api, alice, tx(api, 'subtensorModule', 'registerNetwork')(hotkey));
    netuid = Number(events.find((e) => e.method === 'NetworkAdded')!.data[0]);
    log('registered');
    model = genesis([[alice.address, 10n ** 18n]]);
    registerHotkey(model, hotkey, alice.address);
  });
  afterAll(async () => {
    await fx?.close();
    await resetChain();
  });

  /** Both sides get the same fresh pool: reserves, fee rate, swap state cleared, staking enabled. */
  async function setPool(c: Config): Promise<void> {
    const { api } = fx;
    const k = (pallet: string, item: string) => query(api, pallet, item).key(netuid);
    await rpc('dev_setStorage', [
      [
        [k('subtensorModule', 'subnetTAO'), le(c.tao, 8)],
        [k('subtensorModule', 'subnetAlphaIn'), le(c.alpha, 8)],
        [k('subtensorModule', 'subnetTaoProvided'), le(0n, 8)],
        [k('subtensorModule', 'subnetAlphaInProvided'), le(0n, 8)],
        [k('subtensorModule', 'subtokenEnabled'), '0x01'],
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
  }

  async function expectPool(): Promise<void> {
    const { api } = fx;
    const n = model.subnets.get(netuid)!;
    expect(await bitsOf(api, 'swap', 'alphaSqrtPrice', netuid)).toBe(n.curve.sqrtPrice);
    expect(await num(api, 'swap', 'currentLiquidity', netuid)).toBe(n.curve.liquidity);
    expect(await num(api, 'subtensorModule', 'subnetTAO', netuid)).toBe(n.taoReserve);
    expect(await num(api, 'subtensorModule', 'subnetAlphaIn', netuid)).toBe(n.alphaReserve);
    expect(await alphaOf(fx, hotkey, fx.alice.address, netuid)).toBe(
      alphaHeld(model.stakes.get(stakeKey(hotkey, netuid))!, fx.alice.address),
    );
  }

  const batch = (calls: SubmittableExtrinsic<'promise'>[]) =>
    send(fx.api, fx.alice, tx(fx.api, 'utility', 'batchAll')(calls));

  it.each(CONFIGS.map((c, i) => [i, c] as const))(
    'pool %i: 8 stakes and 8 unstakes agree to the rao',
    async (_i, c) => {
      const { api, alice } = fx;
      const me = alice.address;
      await setPool(c);
      if (process.env.DEBUG_XCHECK) console.log('pool set');
      const price = spotPriceRao(model.subnets.get(netuid)!.curve, { tao: c.tao, alpha: c.alpha });
      const amounts = c.adds.map((pm) => {
        const t = (c.tao * pm) / 1000n;
        return t < 10_000_000n ? 10_000_000n : t;
      });
      const limited = (i: number) => c.limits === true && i >= 6;
      const upLimit = (price * 102n) / 100n;
      const added = await batch(
        amounts.map((t, i) =>
          limited(i)
            ? tx(api, 'subtensorModule', 'addStakeLimit')(hotkey, netuid, t, upLimit, true)
            : tx(api, 'subtensorModule', 'addStake')(hotkey, netuid, t),
        ),
      );
      if (process.env.DEBUG_XCHECK) console.log('added', JSON.stringify(added.map((e) => e.method)));
      const addEvents = stakeEvents(added, 'StakeAdded');
      expect(addEvents).toHaveLength(8);
      amounts.forEach((t, i) => {
        const ours = limited(i)
          ? addStakeLimit(model, me, hotkey, netuid, t, upLimit, true)
          : addStake(model, me, hotkey, netuid, t);
        const ev = addEvents[i]!;
        expect({ alpha: ours.alpha, fee: ours.fee }, `add ${i}: ${t} rao`).toEqual({
          alpha: ev.alpha,
          fee: ev.fee,
        });
        if (!limited(i)) expect(ev.tao).toBe(t);
        expect(ours.tao).toBeLessThanOrEqual(ev.tao);
        pairs += 1;
      });
      await expectPool();

      const downPrice = (spotPriceRao(model.subnets.get(netuid)!.curve, { tao: 0n, alpha: 0n }) * 98n) / 100n;
      const pool = () => model.subnets.get(netuid)!;
      const calls: SubmittableExtrinsic<'promise'>[] = [];
      const expected: { alpha: bigint; tao: bigint; fee: bigint }[] = [];
      REMOVES.forEach((pm, i) => {
        const held = alphaHeld(model.stakes.get(stakeKey(hotkey, netuid))!, me);
        const a = (held * pm) / 1000n;
        const ours = limited(i)
          ? removeStakeLimit(model, me, hotkey, netuid, a, downPrice, true)
          : removeStake(model, me, hotkey, netuid, a);
        expected.push(ours);
        calls.push(
          limited(i)
            ? tx(api, 'subtensorModule', 'removeStakeLimit')(hotkey, netuid, a, downPrice, true)
            : tx(api, 'subtensorModule', 'removeStake')(hotkey, netuid, a),
        );
      });
      expect(pool().taoReserve).toBeGreaterThan(0n);
      const removed = stakeEvents(await batch(calls), 'StakeRemoved');
      expect(removed).toHaveLength(8);
      removed.forEach((ev, i) => {
        expect({ tao: expected[i]!.tao, fee: expected[i]!.fee }, `remove ${i}`).toEqual({
          tao: ev.tao,
          fee: ev.fee,
        });
        pairs += 1;
      });
      await expectPool();
    },
  );

  it('ran at least 50 (pool, amount) pairs', () => {
    expect(pairs).toBeGreaterThanOrEqual(50);
  });
});
