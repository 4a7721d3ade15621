/**
 * The pure dynamic-TAO model (src/dtao): every call and its rejections on a small state, with expected values
 * hard-coded (fee 299,076,829 rao on 100 τ at fee rate 196 is the runtime's; the runtime's α for these pools is
 * checked in test/subtensor/swap-crosscheck.test.ts), and the supply invariant over 10,000 seeded random calls.
 */
import { describe, expect, it } from 'vitest';
import { DtaoError } from '../../src/dtao/errors.js';
import { checkedSqrt, U64F64 } from '../../src/dtao/fixed.js';
import { alphaHeld } from '../../src/dtao/shares.js';
import { addStake, addStakeLimit, removeStake, removeStakeLimit, unstakeAll } from '../../src/dtao/stake.js';
import { moveStake, swapStake, transferStake } from '../../src/dtao/move.js';
import { genesis, registerHotkey, registerNetwork, startCall } from '../../src/dtao/subnet.js';
import { type DtaoState, stakeKey, supplyHeld } from '../../src/dtao/state.js';
import { runBlock } from '../../src/dtao/emission.js';
import { spotPriceRao } from '../../src/dtao/swap.js';

const RAO = 1_000_000_000n;
const A = 'alice';
const B = 'bob';
const HK = 'hk-alice';
const HK2 = 'hk-bob';

function world(feeRate = 196n): { s: DtaoState; netuid: number } {
  const s = genesis(
    [
      [A, 100_000n * RAO],
      [B, 100_000n * RAO],
    ],
    { feeRate },
  );
  const netuid = registerNetwork(s, A, HK, 1_000n * RAO);
  registerHotkey(s, HK2, B);
  s.block = 10;
  startCall(s, A, netuid);
  return { s, netuid };
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DtaoError) return e.code;
    throw e;
  }
  return 'ok';
};
const stake = (s: DtaoState, hk: string, ck: string, netuid: number) => {
  const p = s.stakes.get(stakeKey(hk, netuid));
  return p ? alphaHeld(p, ck) : 0n;
};

describe('fixed point', () => {
  it("checked_sqrt is the runtime's bisection, not the exact root", () => {
    const f = U64F64;
    expect(checkedSqrt(f.int(4n), f.float(1e-12))).toBe(f.int(2n));
    expect(checkedSqrt(f.int(1n), f.float(1e-12))).toBe(f.one);
    const two = checkedSqrt(f.int(2n), f.float(1e-12));
    expect(two).toBe(26087635650669969408n);
  });
});

describe('subnets', () => {
  it('registration seeds the pool with the lock (price 1) and burns what exceeds the seed', () => {
    const s = genesis([[A, 5_000n * RAO]]);
    const netuid = registerNetwork(s, A, HK, 1_500n * RAO);
    const n = s.subnets.get(netuid)!;
    expect([netuid, n.taoReserve, n.alphaReserve, s.burned]).toEqual([
      1,
      1_000n * RAO,
      1_000n * RAO,
      500n * RAO,
    ]);
    expect(spotPriceRao(n.curve, { tao: n.taoReserve, alpha: n.alphaReserve })).toBe(RAO);
    expect(supplyHeld(s)).toBe(s.issuance);
    expect(code(() => registerNetwork(s, A, HK, 10_000n * RAO))).toBe('E_INSUFFICIENT_BALANCE');
  });

  it('start_call: owner only, after the delay, once', () => {
    const s = genesis([[A, 5_000n * RAO]]);
    const netuid = registerNetwork(s, A, HK, 1_000n * RAO);
    expect(code(() => addStake(s, A, HK, netuid, RAO))).toBe('E_SUBNET_NOT_STARTED');
    expect(code(() => startCall(s, A, netuid))).toBe('E_START_TOO_EARLY');
    s.block = 10;
    expect(code(() => startCall(s, B, netuid))).toBe('E_NOT_SUBNET_OWNER');
    expect(startCall(s, A, netuid)).toBe(11);
    expect(code(() => startCall(s, A, netuid))).toBe('E_ALREADY_STARTED');
    expect(code(() => startCall(s, A, 7))).toBe('E_UNKNOWN_SUBNET');
  });
});

describe('add_stake / remove_stake', () => {
  it("100 τ into a fresh 1,000/1,000 pool: the runtime's alpha and fee", () => {
    const { s, netuid } = world();
    const r = addStake(s, A, HK, netuid, 100n * RAO);
    expect(r).toEqual({ tao: 100n * RAO, alpha: 90_661_852_754n, fee: 299_076_829n });
    expect(stake(s, HK, A, netuid)).toBe(90_661_852_754n);
    expect(s.free.get(A)).toBe(99_000n * RAO - 100n * RAO);
    const n = s.subnets.get(netuid)!;
    expect([n.taoReserve, n.alphaReserve, n.feesTao]).toEqual([
      1_100n * RAO - 299_076_829n,
      1_000n * RAO - 90_661_852_754n,
      299_076_829n,
    ]);
    expect(supplyHeld(s)).toBe(s.issuance);
    const back = removeStake(s, A, HK, netuid, 10n * RAO);
    expect(back.tao).toBe(11_926_489_129n);
    expect(supplyHeld(s)).toBe(s.issuance);
  });

  it('rejections', () => {
    const { s, netuid } = world();
    expect(code(() => addStake(s, A, HK, 9, RAO))).toBe('E_UNKNOWN_SUBNET');
    expect(code(() => addStake(s, A, HK, netuid, 1_000_000n))).toBe('E_AMOUNT_TOO_LOW');
    expect(code(() => addStake(s, A, 'nobody', netuid, RAO))).toBe('E_UNKNOWN_HOTKEY');
    expect(code(() => addStake(s, 'carol', HK, netuid, RAO))).toBe('E_INSUFFICIENT_BALANCE');
    expect(code(() => removeStake(s, A, HK, netuid, RAO))).toBe('E_INSUFFICIENT_STAKE');
    addStake(s, A, HK, netuid, RAO);
    expect(code(() => removeStake(s, A, HK, netuid, 0n))).toBe('E_AMOUNT_TOO_LOW');
    const before = structuredClone(s);
    expect(code(() => removeStake(s, A, HK, netuid, 10n * RAO))).toBe('E_INSUFFICIENT_STAKE');
    expect(s).toEqual(before);
  });

  it('limit price: refused whole, filled in part with allow_partial', () => {
    const { s, netuid } = world();
    const limit = (RAO * 101n) / 100n;
    expect(code(() => addStakeLimit(s, A, HK, netuid, 100n * RAO, limit, false))).toBe('E_PRICE_LIMIT');
    const r = addStakeLimit(s, A, HK, netuid, 100n * RAO, limit, true);
    expect(r.tao).toBe(5_002_523_498n);
    expect(r.alpha).toBe(4_962_809_787n);
    const n = s.subnets.get(netuid)!;
    expect(spotPriceRao(n.curve, { tao: 0n, alpha: 0n })).toBeLessThanOrEqual(limit);
    expect(code(() => addStakeLimit(s, A, HK, netuid, RAO, RAO, true))).toBe('E_PRICE_LIMIT');
    expect(code(() => removeStakeLimit(s, A, HK, netuid, RAO, 2n * RAO, true))).toBe('E_PRICE_LIMIT');
    const out = removeStakeLimit(s, A, HK, netuid, 4n * RAO, RAO, true);
    expect(out.alpha).toBeLessThanOrEqual(4n * RAO);
    expect(supplyHeld(s)).toBe(s.issuance);
  });

  it('root (netuid 0) is 1:1 with no fee; unstake_all sells every subnet', () => {
    const { s, netuid } = world();
    expect(addStake(s, A, HK, 0, 5n * RAO)).toEqual({ tao: 5n * RAO, alpha: 5n * RAO, fee: 0n });
    addStake(s, A, HK, netuid, 3n * RAO);
    const done = unstakeAll(s, A, HK);
    expect([...done.keys()]).toEqual([0, netuid]);
    expect(done.get(0)!.tao).toBe(5n * RAO);
    expect(stake(s, HK, A, netuid)).toBe(0n);
    expect(code(() => unstakeAll(s, A, HK))).toBe('E_INSUFFICIENT_STAKE');
    expect(supplyHeld(s)).toBe(s.issuance);
  });
});

describe('move / transfer / swap', () => {
  it('move_stake to another hotkey keeps alpha; transfer_stake to another coldkey; swap_stake across subnets', () => {
    const { s, netuid } = world();
    const { alpha } = addStake(s, A, HK, netuid, 10n * RAO);
    expect(code(() => moveStake(s, A, HK, HK, netuid, netuid, alpha))).toBe('E_SAME_STAKE');
    moveStake(s, A, HK, HK2, netuid, netuid, alpha / 2n);
    expect(stake(s, HK2, A, netuid)).toBe(alpha / 2n);
    transferStake(s, A, B, HK2, netuid, netuid, alpha / 2n);
    expect(stake(s, HK2, B, netuid)).toBe(alpha / 2n);
    const r = swapStake(s, B, HK2, netuid, 0, alpha / 2n);
    expect(r.alphaIn).toBe(r.tao);
    expect(stake(s, HK2, B, 0)).toBe(r.tao);
    expect(code(() => swapStake(s, B, HK2, netuid, 0, RAO))).toBe('E_INSUFFICIENT_STAKE');
    expect(supplyHeld(s)).toBe(s.issuance);
  });
});

describe('emission', () => {
  it('splits τ by moving price, injects α, takes the 18 % owner cut, updates moving prices', () => {
    const { s, netuid } = world();
    const n = s.subnets.get(netuid)!;
    // A halving time of 0 makes the moving price jump to the price at once (the default, 201,600 blocks,
    // moves it by less than one U96F32 unit per block at first).
    n.emaHalvingBlocks = 0n;
    s.block = 11;
    runBlock(s);
    // Moving prices start at 0: no τ the first block; α out and the owner cut still accrue.
    expect(n.pendingOwnerCut).toBe(179_995_422n);
    expect(n.pendingEmission).toBe(820_004_577n);
    expect(n.movingPrice).toBeGreaterThan(0n);
    const before = n.taoReserve;
    runBlock(s);
    expect(n.taoReserve - before).toBe(RAO);
    expect(supplyHeld(s)).toBe(s.issuance);
  });
});

describe('supply invariant', () => {
  it('holds over 10,000 seeded random calls', () => {
    const { s, netuid } = world();
    s.block = 10;
    const n2 = registerNetwork(s, B, HK2, 1_000n * RAO);
    s.block = 21;
    startCall(s, B, n2);
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const keys = [A, B];
    const hks = [HK, HK2];
    const nets = [0, netuid, n2];
    let ok = 0;
    for (let i = 0; i < 10_000; i++) {
      const ck = keys[rnd() % 2]!;
      const hk = hks[rnd() % 2]!;
      const net = nets[rnd() % 3]!;
      const amount = BigInt(rnd() % 50_000) * 1_000_000n + 1n;
      try {
        switch (rnd() % 6) {
          case 0:
            addStake(s, ck, hk, net, amount);
            break;
          case 1:
            removeStake(s, ck, hk, net, amount < stake(s, hk, ck, net) ? amount : stake(s, hk, ck, net));
            break;
          case 2:
            addStakeLimit(s, ck, hk, net, amount, (RAO * BigInt(90 + (rnd() % 30))) / 100n, true);
            break;
          case 3:
            swapStake(s, ck, hk, net, nets[rnd() % 3]!, stake(s, hk, ck, net) / 3n);
            break;
          case 4:
            s.block += 1;
            runBlock(s);
            break;
          default:
            removeStakeLimit(
              s,
              ck,
              hk,
              net,
              stake(s, hk, ck, net) / 2n,
              (RAO * BigInt(80 + (rnd() % 30))) / 100n,
              true,
            );
        }
        ok += 1;
      } catch (e) {
        if (!(e instanceof DtaoError)) throw e;
      }
      if (supplyHeld(s) !== s.issuance) throw new Error(`supply broken at step ${i}`);
    }
    expect(ok).toBeGreaterThan(3_000);
  });
});
