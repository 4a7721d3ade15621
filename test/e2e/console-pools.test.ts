/**
 * The console's stake dialog on tao's subnet pools, end to end: the real console (Ink, ink-testing-library)
 * on the real LiveDataSource against a real dev ledger node (--instant: a block only when a tx arrives, so
 * nothing moves the pool between the review and the stake). The dialog stakes 10 τ as α on subnet 1: refused
 * at the default tolerance 0.005 (it would move the price ~2 %), reviewed at 0.05; its review (price, expected α, slippage, limit price, tolerance) is the ledger's
 * own quote (stake_quote) and the α the RPC reports afterwards is the review's expected α, to the rao.
 * The Subnets view then shows subnet 1's pool and the α as subnet_list and stake_list give them; the unstake
 * dialog sells that α back, its expected τ the ledger's quote and the free balance's gain to the rao.
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
  /** The review line `label   value`. */
  const lineOf = (frame: string, label: string) =>
    new RegExp(`${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+(.+?)\\s*│`).exec(frame)?.[1] ?? '';

  it('stakes 10 τ as α on subnet 1: the review is the ledger quote and the α afterwards is its expected α', async () => {
    const account = await rpc(node!.url, 'account_info', { address: wallet.coldkey });
    await shows(formatTao(BigInt(account.free)));
    await r.press('a');
    await shows('Hotkey (SS58');
    await r.press(KEYS.enter); // own hotkey prefilled
    await shows('Subnet (netuid):');
    expect(plain(r.frame())).toMatch(/^│ > 0 +│$/m); // root by default
    await r.press(KEYS.backspace);
    await r.type('1');
    await r.press(KEYS.enter);
    await shows('Amount in TAO');
    await r.type('10');
    await r.press(KEYS.enter);
    await shows('Price tolerance');
    await r.press(KEYS.enter); // 0.005 prefilled
    // 10 τ into a 1,000 τ pool moves its price about 2 %: refused before the review, nothing signed.
    await shows('staking 10.000000000 τ would move the price past the limit (tolerance 0.5 %)');
    await r.press(...Array<string>(5).fill(KEYS.backspace));
    await r.type('0.05');
    await r.press(KEYS.enter);
    const review = await shows('Sign and submit? y/N');

    // The ledger's own quote of the same trade at the same state (nothing moved: --instant, no tx sent).
    const subnet = (await rpc(node!.url, 'subnet_list')).subnets.find(
      (s: { netuid: number }) => s.netuid === 1,
    );
    const price = BigInt(subnet.price);
    const limit = price + (price * 5n) / 100n;
    const quote = await rpc(node!.url, 'stake_quote', {
      netuid: 1,
      order: 'buy',
      amount: String(10n * TAO),
      limit_price: String(limit),
    });
    expect(lineOf(review, 'netuid')).toBe('1');
    expect(lineOf(review, 'amount')).toBe('10.000000000 τ');
    expect(lineOf(review, 'price')).toBe(`${formatTao(price)} τ/α`);
    const expected = raoOf(/^([\d.]+) α$/.exec(lineOf(review, 'expected α out'))?.[1] ?? 'NaN');
    expect(expected).toBe(BigInt(quote.paid_out));
    expect(lineOf(review, 'limit price')).toBe(`${formatTao(limit)} τ/α (ceiling)`);
    expect(lineOf(review, 'tolerance')).toBe('0.05 (5 %), fill or kill');
    expect(lineOf(review, 'slippage')).toMatch(/^\d+\.\d{3} % \(pool fee included\)$/);

    await r.press('y'); // a password-less coldkey: no password asked
    const done = await shows(/included in block #\d+|rejected|failed|fate unknown/, 60_000);
    expect(done).toMatch(/included in block #\d+/);
    const stakes = await rpc(node!.url, 'stake_list', { coldkey: wallet.coldkey });
    const alpha = stakes.alpha_stakes.find(
      (s: { netuid: number; hotkey: string }) => s.netuid === 1 && s.hotkey === wallet.hotkey,
    );
    expect(BigInt(alpha.alpha)).toBe(expected); // to the rao
    expect(lineOf(done, 'staked')).toBe(`${formatTao(expected)} α for 10.000000000 τ`);
    const root = stakes.stakes.filter((s: { hotkey: string }) => s.hotkey === wallet.hotkey);
    expect(root).toEqual([]); // nothing went to root stake

    // The Subnets view shows subnet 1's pool after the stake, and the α held there.
    await r.press(KEYS.enter);
    await r.press('6');
    const after = (await rpc(node!.url, 'subnet_list')).subnets.find(
      (s: { netuid: number }) => s.netuid === 1,
    );
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
    const stakes = await rpc(node!.url, 'stake_list', { coldkey: wallet.coldkey });
    const held = BigInt(stakes.alpha_stakes.find((s: { netuid: number }) => s.netuid === 1).alpha);
    await r.press('5');
    await shows('Wallet & stake');
    await r.press('r');
    await shows('Hotkey (SS58');
    await r.press(KEYS.enter);
    await shows('Subnet (netuid):');
    await r.press(KEYS.backspace);
    await r.type('1');
    await r.press(KEYS.enter);
    await shows(`Alpha to unstake (up to 9 decimals; ${formatTao(held)} α held here):`);
    await r.type(formatTao(held));
    await r.press(KEYS.enter);
    await shows('Price tolerance');
    await r.press(...Array<string>(5).fill(KEYS.backspace));
    await r.type('0.05');
    await r.press(KEYS.enter);
    const review = await shows('Sign and submit? y/N');
    const subnet = (await rpc(node!.url, 'subnet_list')).subnets.find(
      (s: { netuid: number }) => s.netuid === 1,
    );
    const price = BigInt(subnet.price);
    const limit = (price * 95n) / 100n; // floor of price × (1 − 0.05)
    const quote = await rpc(node!.url, 'stake_quote', {
      netuid: 1,
      order: 'sell',
      amount: String(held),
      limit_price: String(limit),
    });
    expect(lineOf(review, 'alpha')).toBe(`${formatTao(held)} α of ${formatTao(held)} α held`);
    expect(lineOf(review, 'limit price')).toBe(`${formatTao(limit)} τ/α (floor)`);
    const expected = raoOf(/^([\d.]+) τ$/.exec(lineOf(review, 'expected τ out'))?.[1] ?? 'NaN');
    expect(expected).toBe(BigInt(quote.paid_out));
    const before = BigInt((await rpc(node!.url, 'account_info', { address: wallet.coldkey })).free);
    const fee = BigInt((await rpc(node!.url, 'system_info')).tx_fee);
    await r.press('y');
    const done = await shows(/included in block #\d+|rejected|failed|fate unknown/, 60_000);
    expect(done).toMatch(/included in block #\d+/);
    expect(lineOf(done, 'unstaked')).toBe(`${formatTao(held)} α for ${formatTao(expected)} τ`);
    const after = await rpc(node!.url, 'stake_list', { coldkey: wallet.coldkey });
    expect(after.alpha_stakes.filter((s: { netuid: number }) => s.netuid === 1)).toEqual([]);
    const free = BigInt((await rpc(node!.url, 'account_info', { address: wallet.coldkey })).free);
    expect(free).toBe(before + expected - fee); // exact, in rao
  }, 120_000);
});
