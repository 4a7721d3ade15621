/**
 * `tao stake add | remove | move | transfer | list` under dynamic TAO on the real spec-300 runtime, through the
 * real binary. A subnet is created and started by //Alice, a tao wallet is funded and registers two hotkeys;
 * every value is read back from the chain (events of the block, the runtime's stake info, balances).
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
} from './stake-fixture.js';

const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';

interface StakeReport {
  tx_hash: string;
  block: number;
  status: string;
  fee: string;
  fee_estimate: string;
  alpha: string;
  tao: string;
  price: string;
  netuid: number;
  hotkey: string;
  limit_price: string | null;
  swap_fee: string;
}

const rao = (tao: string): bigint => {
  const [whole, frac = ''] = tao.split('.');
  return BigInt(whole ?? '0') * RAO + BigInt(frac.padEnd(9, '0'));
};
const fmt = (v: bigint) => `${v / RAO}.${(v % RAO).toString().padStart(9, '0')}`;

type Ev = { section: string; method: string; data: unknown[] };
const stakeEvent = (events: Ev[], method: string) => {
  const e = events.find((x) => x.section === 'subtensorModule' && x.method === method);
  if (!e) throw new Error(`no ${method} in ${JSON.stringify(events.map((x) => x.method))}`);
  const [coldkey, hotkey, tao, alpha, netuid, fee] = e.data;
  return {
    coldkey: String(coldkey),
    hotkey: String(hotkey),
    tao: BigInt(String(tao)),
    alpha: BigInt(String(alpha)),
    netuid: Number(netuid),
    fee: BigInt(String(fee)),
  };
};
const feePaid = (events: Ev[]) =>
  BigInt(String(events.find((e) => e.method === 'TransactionFeePaid')?.data[1] ?? -1));

describeLocalnet('stake on Subtensor (dynamic TAO)', () => {
  const { home, cleanup } = tempHome('tao-st-stake-');
  const tao = (args: string[]) => runTao(['--network', endpoint(), ...args], { home, timeoutMs: 120_000 });
  let fx: Fixture;
  let netuid = 0;
  let coldkey = '';
  let hot1 = '';
  let hot2 = '';
  let snapshot = 0;

  beforeAll(async () => {
    fx = await openFixture(endpoint());
    const w = await runTao(['wallet', 'create', '--no-password', '--show-mnemonic', '--json'], { home });
    expect(w.code, w.stderr).toBe(0);
    const created = parseJson<{
      coldkey: { ss58: string };
      hotkey: { ss58: string };
      mnemonic: string;
    }>(w);
    const h2 = await runTao(['wallet', 'new-hotkey', '--hotkey', 'h2', '--no-password', '--json'], { home });
    expect(h2.code, h2.stderr).toBe(0);
    coldkey = created.coldkey.ss58;
    hot1 = created.hotkey.ss58;
    hot2 = parseJson<{ hotkey: { ss58: string } }>(h2).hotkey.ss58;
    const pair = fx.keyring.addFromMnemonic(created.mnemonic);
    expect(pair.address).toBe(coldkey);
    await fund(fx, coldkey, 5_000n);
    netuid = await createStartedSubnet(fx);
    await burnedRegister(fx, pair, netuid, hot1);
    await burnedRegister(fx, pair, netuid, hot2);
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

  const add = async (amount: string, extra: string[] = []) => {
    const r = await tao(['stake', 'add', '--netuid', String(netuid), '--amount', amount, '--json', ...extra]);
    return { r, report: r.code === 0 ? parseJson<StakeReport>(r) : undefined };
  };

  it('adds stake within tolerance: alpha == StakeAdded, balance moves by amount + fee exactly', async () => {
    const free0 = await freeOf(fx, coldkey);
    const price = await priceOf(fx, netuid);
    const { r, report } = await add('1');
    expect(r.code, r.stderr).toBe(0);
    const events = await blockEvents(fx, report!.block);
    const ev = stakeEvent(events, 'StakeAdded');
    expect(ev).toMatchObject({ coldkey, hotkey: hot1, netuid, tao: RAO });
    expect(report!.alpha).toBe(fmt(ev.alpha));
    expect(report!.tao).toBe('1.000000000');
    expect(report!.swap_fee).toBe(fmt(ev.fee));
    expect(report!.fee).toBe(fmt(feePaid(events)));
    expect(report!.price).toBe(fmt(price));
    expect(report!.limit_price).toBe(fmt((price * 1005n) / 1000n));
    expect(report).toMatchObject({ status: 'included', netuid, hotkey: hot1 });
    expect(await alphaOf(fx, hot1, coldkey, netuid)).toBe(ev.alpha);
    expect(free0 - (await freeOf(fx, coldkey))).toBe(RAO + feePaid(events));
  });

  it('refuses before signing a stake that would pass the limit; --partial fills what fits', async () => {
    const free0 = await freeOf(fx, coldkey);
    const refused = await add('100');
    expect(refused.r.code, refused.r.stderr).toBe(5);
    expect(refused.r.stderr).toContain('E_SLIPPAGE');
    expect(await freeOf(fx, coldkey)).toBe(free0);

    const { r, report } = await add('100', ['--partial']);
    expect(r.code, r.stderr).toBe(0);
    const events = await blockEvents(fx, report!.block);
    const ev = stakeEvent(events, 'StakeAdded');
    expect(ev.tao).toBeLessThan(100n * RAO);
    expect(ev.tao).toBeGreaterThan(0n);
    expect(report!.tao).toBe(fmt(ev.tao));
    expect(report!.alpha).toBe(fmt(ev.alpha));
    expect(await alphaOf(fx, hot1, coldkey, netuid)).toBe(ev.alpha);
    expect(free0 - (await freeOf(fx, coldkey))).toBe(ev.tao + feePaid(events));
    // The pool's price after the partial fill is within the limit the report names.
    expect(await priceOf(fx, netuid)).toBeLessThanOrEqual(rao(report!.limit_price!));
  });

  it('removes part, then --all; τ credited == StakeRemoved τ minus the fee', async () => {
    const added = await add('2');
    expect(added.r.code, added.r.stderr).toBe(0);
    const held = await alphaOf(fx, hot1, coldkey, netuid);
    const free0 = await freeOf(fx, coldkey);
    const part = await tao(['stake', 'remove', '--netuid', String(netuid), '--amount', '0.5', '--json']);
    expect(part.code, part.stderr).toBe(0);
    const rep = parseJson<StakeReport>(part);
    const events = await blockEvents(fx, rep.block);
    const ev = stakeEvent(events, 'StakeRemoved');
    expect(ev).toMatchObject({ coldkey, hotkey: hot1, netuid, alpha: RAO / 2n });
    expect(rep.alpha).toBe('0.500000000');
    expect(rep.tao).toBe(fmt(ev.tao));
    expect(await alphaOf(fx, hot1, coldkey, netuid)).toBe(held - RAO / 2n);
    const free1 = await freeOf(fx, coldkey);
    expect(free1 - free0).toBe(ev.tao - feePaid(events));

    const all = await tao(['stake', 'remove', '--netuid', String(netuid), '--all', '--json']);
    expect(all.code, all.stderr).toBe(0);
    const allRep = parseJson<StakeReport>(all);
    const allEvents = await blockEvents(fx, allRep.block);
    const allEv = stakeEvent(allEvents, 'StakeRemoved');
    expect(allEv.alpha).toBe(held - RAO / 2n);
    expect(allRep.alpha).toBe(fmt(allEv.alpha));
    expect(await alphaOf(fx, hot1, coldkey, netuid)).toBe(0n);
    expect((await freeOf(fx, coldkey)) - free1).toBe(allEv.tao - feePaid(allEvents));
  });

  it('moves stake to another hotkey and transfers it to another coldkey (no swap within a subnet)', async () => {
    expect((await add('2')).r.code).toBe(0);
    const held = await alphaOf(fx, hot1, coldkey, netuid);
    const moved = await tao([
      'stake',
      'move',
      '--netuid',
      String(netuid),
      '--dest-hotkey',
      hot2,
      '--amount',
      '0.7',
      '--json',
    ]);
    expect(moved.code, moved.stderr).toBe(0);
    const m = parseJson<StakeReport & { alpha_received: string; dest_hotkey: string }>(moved);
    const mEvents = await blockEvents(fx, m.block);
    expect(stakeEvent(mEvents, 'StakeRemoved').alpha).toBe(700_000_000n);
    expect(m.alpha).toBe('0.700000000');
    expect(m.alpha_received).toBe(fmt(stakeEvent(mEvents, 'StakeAdded').alpha));
    expect(await alphaOf(fx, hot1, coldkey, netuid)).toBe(held - 700_000_000n);
    expect(await alphaOf(fx, hot2, coldkey, netuid)).toBe(rao(m.alpha_received));

    const sent = await tao([
      'stake',
      'transfer',
      '--netuid',
      String(netuid),
      '--dest',
      BOB,
      '--amount',
      '0.3',
      '--json',
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    const t = parseJson<StakeReport & { alpha_received: string; dest_coldkey: string }>(sent);
    const tEvents = await blockEvents(fx, t.block);
    expect(stakeEvent(tEvents, 'StakeAdded')).toMatchObject({ coldkey: BOB, hotkey: hot1 });
    expect(t.dest_coldkey).toBe(BOB);
    expect(await alphaOf(fx, hot1, BOB, netuid)).toBe(rao(t.alpha_received));
    expect(await alphaOf(fx, hot1, coldkey, netuid)).toBe(held - 1_000_000_000n);
  });

  it('lists alpha, price and value per (hotkey, netuid) with the total', async () => {
    expect((await add('1')).r.code).toBe(0);
    const r = await tao(['stake', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const list = parseJson<{
      stakes: {
        coldkey: string;
        hotkey: string;
        netuid: number;
        amount: string;
        alpha: string;
        price: string;
        value: string;
      }[];
      total_value: string;
    }>(r);
    const alpha = await alphaOf(fx, hot1, coldkey, netuid);
    const price = await priceOf(fx, netuid);
    const value = (alpha * price) / RAO;
    expect(list.stakes).toEqual([
      {
        coldkey,
        hotkey: hot1,
        netuid,
        amount: fmt(value),
        alpha: fmt(alpha),
        price: fmt(price),
        value: fmt(value),
      },
    ]);
    expect(list.total_value).toBe(fmt(value));
  });

  it('malformed --tolerance is exit 2 before anything is sent; a move to the same stake is refused before it', async () => {
    for (const bad of ['1.5', 'abc', '0', '-0.1', '5%', '0.0000000001', '1']) {
      const r = await tao([
        'stake',
        'add',
        '--netuid',
        String(netuid),
        '--amount',
        '1',
        '--tolerance',
        bad,
        '--json',
      ]);
      expect(r.code, `${bad}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('E_BAD_TOLERANCE');
    }
    const both = await tao([
      'stake',
      'add',
      '--netuid',
      String(netuid),
      '--amount',
      '1',
      '--unsafe',
      '--partial',
      '--json',
    ]);
    expect(both.code).toBe(2);
    const ledger = await runTao(
      ['--node', 'http://127.0.0.1:1', 'stake', 'move', '--netuid', '1', '--amount', '1', '--json'],
      {
        home,
      },
    );
    // on tao's ledger too (its node here does not even answer): nothing to move, exit 2 before connecting
    expect(ledger.code, ledger.stderr).toBe(2);
    expect(JSON.parse(ledger.stderr).error).toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('nothing to move'),
    });
  });
});
