/**
 * The console's stake dialog on tao's subnet pools, end to end: the real console (Ink, ink-testing-library)
 * on the real LiveDataSource against a real dev ledger node (--instant: a block only when a tx arrives, so
 * nothing moves the pool between the review and the stake). The dialog stakes 10 τ as α on subnet 1: refused
 * at the default tolerance 0.005 (it would move the price ~2 %), reviewed at 0.05; its review (price, expected α, slippage, limit price, tolerance) is the ledger's
 * own quote (stake_quote) and the α the RPC reports afterwards is the review's expected α, to the rao.
 * The Subnets view then shows subnet 1's pool and the α as subnet_list and stake_list give them; the unstake
 * dialog sells that α back, its expected τ the ledger's quote and the free balance's gain to the rao. The
 * protection toggles sign what they say: p (partial fill) stakes only the τ that fits within the 0.5 %
 * ceiling (the ledger's max_amount), the rest stays free; u (no protection) sells without a limit price.
 */
import { createElement } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTao } from '../../src/core/amount.js';
import { LiveDataSource } from '../../src/tui/data/live-source.js';
import { DEFAULT_BINDINGS, registeredBindings } from '../../src/tui/keys.js';
import { Console } from '../../src/tui/root.js';
import { tempHome } from '../helpers/tao.js';
import { KEYS, renderAt, theme } from '../tui/fixtures.js';
import { fundedWallet, waitUntil } from './console-fixtures.js';
import { freePort, kill, type NodeProc, rpc, startNode } from './node-helpers.js';

const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(ANSI, '');
const TAO = 1_000_000_000n;
/** "1.234500000" (formatTao) → rao. */
const raoOf = (text: string) => {
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole!) * TAO + BigInt(frac.padEnd(9, '0'));
};

describe('console stake dialog into a subnet pool on a live dev ledger', () => {
  const { home, cleanup } = tempHome('tao-console-pools-');
  let node: NodeProc | undefined;
  let source: LiveDataSource | undefined;
  let wallet: { coldkey: string; hotkey: string };
  let r: Awaited<ReturnType<typeof renderAt>>;

  beforeAll(async () => {
    node = await startNode(home, await freePort(), ['--instant']);
    wallet = await fundedWallet(home, node.url);
    source = new LiveDataSource({
      url: node.url,
      netuid: 1,
      home,
      walletName: 'w',
      coldkey: wallet.coldkey,
      hotkeys: [{ name: 'default', ss58: wallet.hotkey }],
      env: { ...process.env, TAO_NO_KEYCHAIN: '1' },
      connectSupervisor: () => Promise.reject(new Error('no supervisor in this test')),
    });
    source.start();
    r = await renderAt(
      createElement(Console, {
        source,
        theme: theme(),
        readonly: false,
        bindings: registeredBindings(DEFAULT_BINDINGS, false),
        initialView: 'wallet',
      }),
      100,
      40,
    );
  }, 120_000);

  afterAll(async () => {
    r?.unmount();
    source?.close();
    await kill(node);
    cleanup();
  });

  /** Waits for `what` on the console's frame; a timeout says what the frame showed last. */
  const shows = (what: string | RegExp, timeoutMs = 30_000) =>
    waitUntil(
      `${String(what)} on the console`,
      () => {
        const f = plain(r.frame());
        const seen = typeof what === 'string' ? f.includes(what) : what.test(f);
        return seen ? f : null;
      },
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- frame ---\n${plain(r.frame())}`);
    });
  /**
   * Opens the stake ('a') or unstake ('r') dialog on the own hotkey and subnet 1, types `amount` and
   * returns the frame at the tolerance field (0.005 prefilled).
   */
  const stakeDialog = async (key: 'a' | 'r', amount: string, amountPrompt = 'Amount in TAO') => {
    await r.press('5');
    await shows('Wallet & stake');
    await r.press(key);
    await shows('Hotkey (SS58');
    await r.press(KEYS.enter); // own hotkey prefilled
    await shows('Subnet (netuid):');
    expect(plain(r.frame())).toMatch(/^│ > 0 +│$/m); // root by default
    await r.press(KEYS.backspace);
    await r.type('1');
    await r.press(KEYS.enter);
    await shows(amountPrompt);
    await r.type(amount);
    await r.press(KEYS.enter);
    return shows('Price tolerance');
  };
  /** Replaces the prefilled tolerance, presses `keys` (the protection toggles), enter: the next frame. */
  const tolerance = async (text: string | null, keys: string[] = []) => {
    if (text !== null) {
      await r.press(...Array<string>(5).fill(KEYS.backspace));
      await r.type(text);
    }
    if (keys.length > 0) await r.press(...keys);
    await r.press(KEYS.enter);
  };
  /** y on the review; the dialog's outcome, which must be an inclusion. */
  const sign = async () => {
    await r.press('y'); // a password-less coldkey: no password asked
    const done = await shows(/included in block #\d+|rejected|failed|fate unknown/, 60_000);
    expect(done).toMatch(/included in block #\d+/);
    return done;
  };
  const subnet1 = async () =>
    (await rpc(node!.url, 'subnet_list')).subnets.find((s: { netuid: number }) => s.netuid === 1);
  const alphaOn1 = async (): Promise<bigint> => {
    const stakes = await rpc(node!.url, 'stake_list', { coldkey: wallet.coldkey });
    const a = stakes.alpha_stakes.find(
      (s: { netuid: number; hotkey: string }) => s.netuid === 1 && s.hotkey === wallet.hotkey,
    );
    return a ? BigInt(a.alpha) : 0n;
  };
  /** The ledger's own quote of a trade on subnet 1 at the current state (stake_quote: nothing written). */
  const quoteOn1 = (order: 'buy' | 'sell', amount: bigint, limit?: bigint) =>
    rpc(node!.url, 'stake_quote', {
      netuid: 1,
      order,
      amount: String(amount),
      ...(limit === undefined ? {} : { limit_price: String(limit) }),
    });
  const freeOf = async () => BigInt((await rpc(node!.url, 'account_info', { address: wallet.coldkey })).free);

  /** The review line `label   value`. */
  const lineOf = (frame: string, label: string) =>
    new RegExp(`${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+(.+?)\\s*│`).exec(frame)?.[1] ?? '';

  it('stakes 10 τ as α on subnet 1: the review is the ledger quote and the α afterwards is its expected α', async () => {
    await shows(formatTao(await freeOf()));
    await stakeDialog('a', '10');
    await tolerance(null); // 0.005
    // 10 τ into a 1,000 τ pool moves its price about 2 %: refused before the review, nothing signed.
    await shows('staking 10.000000000 τ would move the price past the limit (tolerance 0.5 %)');
    await tolerance('0.05');
    const review = await shows('Sign and submit? y/N');

    // The ledger's own quote of the same trade at the same state (nothing moved: --instant, no tx sent).
    const price = BigInt((await subnet1()).price);
    const limit = price + (price * 5n) / 100n;
    const quote = await quoteOn1('buy', 10n * TAO, limit);
    expect(lineOf(review, 'netuid')).toBe('1');
    expect(lineOf(review, 'amount')).toBe('10.000000000 τ');
    expect(lineOf(review, 'price')).toBe(`${formatTao(price)} τ/α`);
    const expected = raoOf(/^([\d.]+) α$/.exec(lineOf(review, 'expected α out'))?.[1] ?? 'NaN');
    expect(expected).toBe(BigInt(quote.paid_out));
    expect(lineOf(review, 'limit price')).toBe(`${formatTao(limit)} τ/α (ceiling)`);
    expect(lineOf(review, 'tolerance')).toBe('0.05 (5 %), fill or kill');
    expect(lineOf(review, 'slippage')).toMatch(/^\d+\.\d{3} % \(pool fee included\)$/);

    const done = await sign();
    expect(await alphaOn1()).toBe(expected); // to the rao
    expect(lineOf(done, 'staked')).toBe(`${formatTao(expected)} α for 10.000000000 τ`);
    const stakes = await rpc(node!.url, 'stake_list', { coldkey: wallet.coldkey });
    const root = stakes.stakes.filter((s: { hotkey: string }) => s.hotkey === wallet.hotkey);
    expect(root).toEqual([]); // nothing went to root stake

    // The Subnets view shows subnet 1's pool after the stake, and the α held there.
    await r.press(KEYS.enter);
    await r.press('6');
    const after = await subnet1();
    const cut = (rao: string, decimals: number) =>
      formatTao(BigInt(rao))
        .slice(0, decimals - 9)
        .replace('.', '\\.');
    // the only subnet: all of the block's pool emission, once its moving price has grown above 0
    const share = BigInt(after.tao_emission) > 0n ? '100\\.00' : '0\\.00';
    const row = new RegExp(
      `^\\S? +1 +- +${cut(after.price, 4)} +${cut(after.tao_in, 2)} +${cut(after.alpha_in, 2)} +${share} +${after.tempo} +${after.n} +${cut(String(expected), 4)} *$`,
      'm',
    );
    await shows(row);
  }, 120_000);

  it('unstakes all that α back: the review is the ledger quote of the sale and the τ freed is its expected τ', async () => {
    const held = await alphaOn1();
    await stakeDialog(
      'r',
      formatTao(held),
      `Alpha to unstake (up to 9 decimals; ${formatTao(held)} α held here):`,
    );
    await tolerance('0.05');
    const review = await shows('Sign and submit? y/N');
    const price = BigInt((await subnet1()).price);
    const limit = (price * 95n) / 100n; // floor of price × (1 − 0.05)
    const quote = await quoteOn1('sell', held, limit);
    expect(lineOf(review, 'alpha')).toBe(`${formatTao(held)} α of ${formatTao(held)} α held`);
    expect(lineOf(review, 'limit price')).toBe(`${formatTao(limit)} τ/α (floor)`);
    const expected = raoOf(/^([\d.]+) τ$/.exec(lineOf(review, 'expected τ out'))?.[1] ?? 'NaN');
    expect(expected).toBe(BigInt(quote.paid_out));
    const before = await freeOf();
    const fee = BigInt((await rpc(node!.url, 'system_info')).tx_fee);
    const done = await sign();
    expect(lineOf(done, 'unstaked')).toBe(`${formatTao(held)} α for ${formatTao(expected)} τ`);
    const after = await rpc(node!.url, 'stake_list', { coldkey: wallet.coldkey });
    expect(after.alpha_stakes.filter((s: { netuid: number }) => s.netuid === 1)).toEqual([]);
    expect(await freeOf()).toBe(before + expected - fee); // exact, in rao
    await r.press(KEYS.enter);
  }, 120_000);

  it('p allows a partial fill: of 10 τ only what fits within the 0.5 % ceiling is staked, the rest stays free', async () => {
    await stakeDialog('a', '10');
    await tolerance(null, ['p']);
    const review = await shows('Sign and submit? y/N');
    const price = BigInt((await subnet1()).price);
    const limit = price + (price * 5n) / 1000n;
    const quote = await quoteOn1('buy', 10n * TAO, limit);
    expect(quote.limited).toBe(true);
    const fits = raoOf(
      /^[\d.]+ α \(partial: ([\d.]+) τ fits within the limit\)$/.exec(
        lineOf(review, 'expected α out'),
      )?.[1] ?? 'NaN',
    );
    expect(lineOf(review, 'expected α out')).toBe(
      `${formatTao(BigInt(quote.paid_out))} α (partial: ${formatTao(fits)} τ fits within the limit)`,
    );
    expect(fits).toBeLessThan(10n * TAO);
    expect(lineOf(review, 'tolerance')).toBe('0.005 (0.5 %), partial fill allowed');
    const [free0, alpha0] = [await freeOf(), await alphaOn1()];
    const fee = BigInt((await rpc(node!.url, 'system_info')).tx_fee);
    const done = await sign();
    expect(lineOf(done, 'staked')).toBe(`${formatTao(BigInt(quote.paid_out))} α for ${formatTao(fits)} τ`);
    expect(await alphaOn1()).toBe(alpha0 + BigInt(quote.paid_out));
    expect(await freeOf()).toBe(free0 - fits - fee); // only what fit was spent (pool fee included), to the rao
    await r.press(KEYS.enter);
  }, 120_000);

  it('u turns protection off: the sale has no limit price, all of it goes at the pool price', async () => {
    const held = await alphaOn1();
    await stakeDialog('r', formatTao(held), 'Alpha to unstake');
    await tolerance('0.001', ['u']); // a tolerance this sale would pass: not used without protection
    const review = await shows('Sign and submit? y/N');
    expect(lineOf(review, 'protection')).toBe('OFF: no limit price, executes at whatever price the pool has');
    expect(review).not.toMatch(/limit price +\d/);
    const quote = await quoteOn1('sell', held);
    expect(lineOf(review, 'expected τ out')).toBe(`${formatTao(BigInt(quote.paid_out))} τ`);
    const [free0, fee] = [await freeOf(), BigInt((await rpc(node!.url, 'system_info')).tx_fee)];
    await sign();
    expect(await alphaOn1()).toBe(0n);
    expect(await freeOf()).toBe(free0 + BigInt(quote.paid_out) - fee);
    // What was signed: remove_stake with no limit_price (the block's tx as the node stored it).
    const block = await rpc(node!.url, 'chain_block', {
      number: (await rpc(node!.url, 'chain_head')).number,
    });
    const call = JSON.stringify(block);
    expect(call).toContain('remove_stake');
    expect(call).not.toContain('limit_price');
  }, 120_000);
});
