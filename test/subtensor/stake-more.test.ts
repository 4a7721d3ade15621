/**
 * More of `tao stake` on the real spec-300 runtime, through the binary: the --json report's expected output
 * (the preview's own estimate) against the chain's StakeAdded / StakeRemoved to the rao, `stake add --all`
 * keeping the fee and the existential deposit, and a price-protected move across two subnets
 * (swapStakeLimit), and `tao stake swap`: swapStakeLimit with the floor on origin price / destination price,
 * the α read back from the chain equal to the report to the rao, a swap past the tolerance refused before
 * signing (and by the runtime when signed directly), --partial moving only what fits. //Alice sets the subnet moving-price alpha to 0 before the subnets start, so no
 * emission reaches the pools: a pool then changes only through the trades themselves and the estimate on
 * the previewed state is the state the transaction meets.
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
  freeOf,
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

interface StakeReport {
  block: number;
  fee: string;
  fee_estimate: string;
  alpha: string;
  tao: string;
  expected_alpha?: string;
  expected_tao?: string;
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
  'stake on Subtensor: expected vs actual, --all, protected moves and swaps across subnets',
  () => {
    const { home, cleanup } = tempHome('tao-st-stake-more-');
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
    const stakeOnA = async (amount: number) => {
      const r = await tao([
        'stake',
        'add',
        '--netuid',
        String(a),
        '--amount',
        String(amount),
        '--unsafe',
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
    };

    beforeAll(async () => {
      fx = await openFixture(endpoint());
      const w = await runTao(['wallet', 'create', '--no-password', '--show-mnemonic', '--json'], { home });
      expect(w.code, w.stderr).toBe(0);
      const created = parseJson<{ coldkey: { ss58: string }; hotkey: { ss58: string }; mnemonic: string }>(w);
      coldkey = created.coldkey.ss58;
      hotkey = created.hotkey.ss58;
      mnemonic = created.mnemonic;
      await fund(fx, coldkey, 200n);
      await send(
        fx.api,
        fx.alice,
        tx(fx.api, 'sudo', 'sudo')(tx(fx.api, 'adminUtils', 'sudoSetSubnetMovingAlpha')(0)),
      );
      a = await createStartedSubnet(fx);
      b = await createStartedSubnet(fx);
      const pair = fx.keyring.addFromMnemonic(created.mnemonic);
      await burnedRegister(fx, pair, a, hotkey);
      await burnedRegister(fx, pair, b, hotkey);
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

    it('--json reports the preview’s expected alpha / τ, equal to the chain’s to the rao on a protocol-only pool', async () => {
      expect((await fx.api.query.swap!.enabledUserLiquidity!(a)).toString()).toBe('false');
      const added = await tao(['stake', 'add', '--netuid', String(a), '--amount', '2', '--json']);
      expect(added.code, added.stderr).toBe(0);
      const add = parseJson<StakeReport>(added);
      const addEv = stakeEvent(await blockEvents(fx, add.block), 'StakeAdded');
      expect(add.alpha).toBe(fmt(addEv.alpha));
      expect(add.expected_alpha).toBe(add.alpha);
      expect(add.expected_tao).toBeUndefined();

      const removed = await tao(['stake', 'remove', '--netuid', String(a), '--amount', '1', '--json']);
      expect(removed.code, removed.stderr).toBe(0);
      const rem = parseJson<StakeReport>(removed);
      const remEv = stakeEvent(await blockEvents(fx, rem.block), 'StakeRemoved');
      expect(rem.tao).toBe(fmt(remEv.tao));
      expect(rem.expected_tao).toBe(rem.tao);
      expect(rem.expected_alpha).toBeUndefined();
    });

    it('stake add --all stakes all but the fee and the existential deposit: the account stays alive', async () => {
      const ed = BigInt(fx.api.consts.balances!.existentialDeposit!.toString());
      const free0 = await freeOf(fx, coldkey);
      const r = await tao(['stake', 'add', '--netuid', String(a), '--all', '--unsafe', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const rep = parseJson<StakeReport>(r);
      const ev = stakeEvent(await blockEvents(fx, rep.block), 'StakeAdded');
      expect(ev.tao).toBe(free0 - rao(rep.fee_estimate) - ed);
      expect(rep.fee).toBe(rep.fee_estimate);
      expect(await freeOf(fx, coldkey)).toBe(ed);
      const account = (await fx.api.query.system!.account!(coldkey)).toJSON() as { providers: number };
      expect(account.providers).toBeGreaterThan(0);
      expect(await alphaOf(fx, hotkey, coldkey, a)).toBe(ev.alpha);
    });

    it('stake move across subnets on one hotkey: preview with prices, expected alpha and limit; alpha moves', async () => {
      expect(
        (await tao(['stake', 'add', '--netuid', String(a), '--amount', '10', '--unsafe', '--json'])).code,
      ).toBe(0);
      const heldA = await alphaOf(fx, hotkey, coldkey, a);
      const [priceA, priceB] = [await priceOf(fx, a), await priceOf(fx, b)];
      const limit = (((priceA * RAO) / priceB) * 995n) / 1000n;
      const r = await tao([
        'stake',
        'move',
        '--netuid',
        String(a),
        '--dest-netuid',
        String(b),
        '--amount',
        '0.5',
        '--yes',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const preview = r.stderr.replace(/\s+/g, ' ');
      expect(preview).toContain(`price ${fmt(priceA)} τ/α → ${fmt(priceB)} τ/α`);
      expect(preview).toContain(
        `limit ratio ${fmt(limit)} (floor on origin/destination price; tolerance 0.5 %, fill or kill)`,
      );
      expect(preview).not.toContain('carries no limit price');
      const expected = /expected alpha out (?:≈ )?(\d+\.\d{9}) α/.exec(preview)?.[1];
      expect(expected, preview).toBeDefined();

      const block = Number(/included in block (\d+)/.exec(r.stdout)?.[1]);
      const events = await blockEvents(fx, block);
      const out = stakeEvent(events, 'StakeRemoved');
      const into = stakeEvent(events, 'StakeAdded');
      expect(out).toMatchObject({ netuid: a, alpha: RAO / 2n });
      expect(into.netuid).toBe(b);
      expect(r.stdout).toContain(`0.500000000 α out of subnet ${a}, ${fmt(into.alpha)} α into subnet ${b}`);
      expect(await alphaOf(fx, hotkey, coldkey, a)).toBe(heldA - RAO / 2n);
      expect(await alphaOf(fx, hotkey, coldkey, b)).toBe(into.alpha);
      // The estimate (sell on the origin without its fee, buy on the destination) is within 0.1 % of the chain.
      const diff = rao(expected ?? '0') - into.alpha;
      expect((diff < 0n ? -diff : diff) * 1000n).toBeLessThanOrEqual(into.alpha);
      // The pools moved within the limit: origin price / destination price stays above the floor.
      expect(((await priceOf(fx, a)) * RAO) / (await priceOf(fx, b))).toBeGreaterThanOrEqual(limit);
    });

    it('stake transfer across subnets (transferStake has no limit in spec 300): past the tolerance refused before signing; within it sent, the preview saying the check is all', async () => {
      await stakeOnA(40);
      const heldA = await alphaOf(fx, hotkey, coldkey, a);
      const before = await headNumber();
      const dest = fx.alice.address;
      const args = ['stake', 'transfer', '--netuid', String(a), '--dest-netuid', String(b), '--dest', dest];
      const refused = await tao([...args, '--amount', '30', '--json']);
      expect(refused.code, refused.stderr).toBe(5);
      expect(JSON.parse(refused.stderr).error.code).toBe('E_SLIPPAGE');
      expect(await headNumber()).toBe(before);
      expect(await alphaOf(fx, hotkey, coldkey, a)).toBe(heldA);

      const [priceA, priceB] = [await priceOf(fx, a), await priceOf(fx, b)];
      const r = await tao([...args, '--amount', '0.5', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      const preview = r.stderr.replace(/\s+/g, ' ');
      expect(preview).toContain(`limit ratio ${fmt((((priceA * RAO) / priceB) * 995n) / 1000n)}`);
      expect(preview).toContain("this runtime's transferStake carries no limit price");
      const events = await blockEvents(fx, Number(/included in block (\d+)/.exec(r.stdout)?.[1]));
      expect(stakeEvent(events, 'StakeRemoved')).toMatchObject({ netuid: a, alpha: RAO / 2n });
      expect(stakeEvent(events, 'StakeAdded').netuid).toBe(b);
      expect(await alphaOf(fx, hotkey, coldkey, a)).toBe(heldA - RAO / 2n);
      expect(await alphaOf(fx, hotkey, dest, b)).toBe(stakeEvent(events, 'StakeAdded').alpha);
    });

    it('stake swap of 1 α from subnet a to b signs swapStakeLimit: the α moved, read back from the chain, to the rao', async () => {
      await stakeOnA(40);
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

    it('stake swap past the tolerance: refused before signing; the runtime refuses the same swapStakeLimit; --partial moves what fits', async () => {
      await stakeOnA(40);
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
