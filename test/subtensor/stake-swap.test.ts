/**
 * `tao stake swap` on the real spec-300 runtime, through the binary: swapStakeLimit with the floor on origin
 * price / destination price, the α read back from the chain (StakeRemoved / StakeAdded and the stake info)
 * equal to the report to the rao, a swap past the tolerance refused before signing (and the runtime refusing
 * the same call signed directly), and --partial moving only what fits. //Alice sets the subnet moving-price
 * alpha to 0 before the subnets start, so the pools change only through the trades themselves.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { describeLocalnet, endpoint, resetChain, rpc } from './harness.js';
import {
  alphaOf,
  blockEvents,
  burnedRegister,
  createStartedSubnet,
  type Fixture,
  fund,
  headNumber,
  openFixture,
  priceOf,
  RAO,
  send,
  tx,
} from './stake-fixture.js';
import { clearOfSessionBlock, rao } from './subnet-fixture.js';

interface SwapReport {
  block: number;
  alpha: string;
  alpha_received: string;
  expected_alpha_received: string;
  tao: string;
  ratio: string;
  limit_price: string | null;
  tolerance: string | null;
  partial: boolean;
}

const fmt = (v: bigint) => `${v / RAO}.${(v % RAO).toString().padStart(9, '0')}`;

type Ev = { section: string; method: string; data: unknown[] };
const stakeEvent = (events: Ev[], method: string) => {
  const e = events.find((x) => x.section === 'subtensorModule' && x.method === method);
  if (!e) throw new Error(`no ${method} in ${JSON.stringify(events.map((x) => x.method))}`);
  const [, , tao, alpha, netuid] = e.data;
  return { tao: BigInt(String(tao)), alpha: BigInt(String(alpha)), netuid: Number(netuid) };
};

describeLocalnet(
  'tao stake swap on Subtensor: swapStakeLimit, exact alpha, refusals past the tolerance',
  () => {
    const { home, cleanup } = tempHome('tao-st-stake-swap-');
    const tao = async (args: string[]) => {
      await clearOfSessionBlock();
      return runTao(['--network', endpoint(), ...args], { home, timeoutMs: 120_000 });
    };
    let fx: Fixture;
    let a = 0;
    let b = 0;
    let coldkey = '';
    let hotkey = '';
    let mnemonic = '';
    let snapshot = 0;

    beforeAll(async () => {
      fx = await openFixture(endpoint());
      const w = await runTao(['wallet', 'create', '--no-password', '--show-mnemonic', '--json'], { home });
      expect(w.code, w.stderr).toBe(0);
      const created = parseJson<{ coldkey: { ss58: string }; hotkey: { ss58: string }; mnemonic: string }>(w);
      [coldkey, hotkey, mnemonic] = [created.coldkey.ss58, created.hotkey.ss58, created.mnemonic];
      await fund(fx, coldkey, 200n);
      await send(
        fx.api,
        fx.alice,
        tx(fx.api, 'sudo', 'sudo')(tx(fx.api, 'adminUtils', 'sudoSetSubnetMovingAlpha')(0)),
      );
      a = await createStartedSubnet(fx);
      b = await createStartedSubnet(fx);
      const pair = fx.keyring.addFromMnemonic(mnemonic);
      await burnedRegister(fx, pair, a, hotkey);
      await burnedRegister(fx, pair, b, hotkey);
      const added = await tao([
        'stake',
        'add',
        '--netuid',
        String(a),
        '--amount',
        '40',
        '--unsafe',
        '--json',
      ]);
      expect(added.code, added.stderr).toBe(0);
      snapshot = await headNumber();
    });
    beforeEach(async () => {
      if (snapshot) await rpc('dev_setHead', [snapshot]);
    });
    afterAll(async () => {
      await fx?.close();
      await resetChain();
      cleanup();
    });

    it('swaps 1 α from subnet a to b with swapStakeLimit: the α moved, read back from the chain, to the rao', async () => {
      const heldA = await alphaOf(fx, hotkey, coldkey, a);
      const [priceA, priceB] = [await priceOf(fx, a), await priceOf(fx, b)];
      const r = await tao([
        'stake',
        'swap',
        '--netuid',
        String(a),
        '--dest-netuid',
        String(b),
        '--amount',
        '1',
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const out = parseJson<SwapReport>(r);
      expect(out).toMatchObject({ alpha: '1.000000000', tolerance: '0.005', partial: false });
      expect(out.ratio).toBe(fmt((priceA * RAO) / priceB));
      expect(out.limit_price).toBe(fmt((((priceA * RAO) / priceB) * 995n) / 1000n));
      const events = await blockEvents(fx, out.block);
      const removed = stakeEvent(events, 'StakeRemoved');
      const added = stakeEvent(events, 'StakeAdded');
      expect(removed).toMatchObject({ netuid: a, alpha: RAO });
      expect(added.netuid).toBe(b);
      expect(out.alpha_received).toBe(fmt(added.alpha));
      expect(out.tao).toBe(fmt(removed.tao));
      expect(await alphaOf(fx, hotkey, coldkey, a)).toBe(heldA - RAO);
      expect(await alphaOf(fx, hotkey, coldkey, b)).toBe(added.alpha);
      // the preview's expectation (fee-free sale, then a buy with the destination's fee) against the chain
      const diff = rao(out.expected_alpha_received) - added.alpha;
      expect((diff < 0n ? -diff : diff) * 1000n).toBeLessThanOrEqual(added.alpha);
    });

    it('past the tolerance: refused before signing; the runtime refuses the same swapStakeLimit; --partial moves what fits', async () => {
      const heldA = await alphaOf(fx, hotkey, coldkey, a);
      const before = await headNumber();
      const big = ['stake', 'swap', '--netuid', String(a), '--dest-netuid', String(b), '--amount', '30'];
      const refused = await tao([...big, '--json']);
      expect(refused.code, refused.stderr).toBe(5);
      expect(JSON.parse(refused.stderr).error.code).toBe('E_SLIPPAGE');
      expect(await headNumber()).toBe(before);
      expect(await alphaOf(fx, hotkey, coldkey, a)).toBe(heldA);

      // the chain's own rule: the same amount and limit signed directly is refused, nothing moves
      const [priceA, priceB] = [await priceOf(fx, a), await priceOf(fx, b)];
      const limit = (((priceA * RAO) / priceB) * 995n) / 1000n;
      const pair = fx.keyring.addFromMnemonic(mnemonic);
      await expect(
        send(
          fx.api,
          pair,
          tx(fx.api, 'subtensorModule', 'swapStakeLimit')(hotkey, a, b, 30n * RAO, limit, false),
        ),
      ).rejects.toThrow(/1010|custom|Slippage/i);
      expect(await alphaOf(fx, hotkey, coldkey, a)).toBe(heldA);

      const r = await tao([...big, '--partial', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = parseJson<SwapReport>(r);
      expect(out.partial).toBe(true);
      const events = await blockEvents(fx, out.block);
      const removed = stakeEvent(events, 'StakeRemoved');
      const added = stakeEvent(events, 'StakeAdded');
      expect(removed.alpha).toBeGreaterThan(0n);
      expect(removed.alpha).toBeLessThan(30n * RAO);
      expect(out.alpha).toBe(fmt(removed.alpha));
      expect(out.alpha_received).toBe(fmt(added.alpha));
      expect(await alphaOf(fx, hotkey, coldkey, a)).toBe(heldA - removed.alpha);
      expect(await alphaOf(fx, hotkey, coldkey, b)).toBe(added.alpha);
      // the preview planned what get_max_amount_move lets through: its expectation is the chain's within 0.1 %
      const diff = rao(out.expected_alpha_received) - added.alpha;
      expect((diff < 0n ? -diff : diff) * 1000n).toBeLessThanOrEqual(added.alpha);
    });
  },
);
