/**
 * The console's signing dialogs on the real Subtensor runtime, in a real terminal (tmux, 80x24) through the
 * real binary: a password-encrypted tao wallet transfers exact rao (keep-alive; the review's chain fee
 * estimate == the fee paid; both balances read back over RPC), stakes with price protection (the review's
 * price, expected alpha and limit; addStakeLimit lands exactly the alpha it expected), unstakes with a floor
 * (removeStakeLimit), and a stake reviewed before //Alice moves the pool's price past its limit is refused by
 * the chain with the decoded error in the dialog, nothing charged, while the console keeps running. The
 * protection toggles sign what they say: p in the tolerance field stakes 200 τ as a partial fill
 * (addStakeLimit with allow_partial: only the τ that fits within the 0.5 % ceiling is staked), u in the
 * review sells without a limit (the block holds removeStake, not removeStakeLimit).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hasTmux, Tmux } from '../e2e/console-fixtures.js';
import { parseJson, runTao, TAO_BIN, tempHome } from '../helpers/tao.js';
import { describeLocalnet, endpoint, resetChain } from './harness.js';
import {
  alphaOf,
  burnedRegister,
  createStartedSubnet,
  type Fixture,
  freeOf,
  fund,
  openFixture,
  priceOf,
  RAO,
  send,
  tx,
} from './stake-fixture.js';

if (!hasTmux && process.env.CI) throw new Error('tmux is required under CI (apt-get install tmux)');

const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const PASSWORD = 'console tx password';
const DECIMAL = String.raw`(\d+\.\d{9})`;
const rao = (text: string): bigint => {
  const [whole, frac] = text.split('.');
  return BigInt(whole!) * RAO + BigInt(frac!);
};
const tao = (value: bigint) => `${value / RAO}.${(value % RAO).toString().padStart(9, '0')}`;
const grab = (screen: string, re: RegExp): string => {
  const m = re.exec(screen);
  if (!m?.[1]) throw new Error(`${re} not on the screen:\n${screen}`);
  return m[1];
};

describeLocalnet('console dialogs sign on Subtensor (tmux)', () => {
  const { home, cleanup } = tempHome('tao-st-console-tx-');
  let fx: Fixture;
  let tmux: Tmux | undefined;
  let netuid = 0;
  let coldkey = '';
  let hotkey = '';

  beforeAll(async () => {
    await resetChain();
    fx = await openFixture(endpoint());
    const pwFile = join(home, 'pw.txt');
    writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    const w = await runTao(['--password-file', pwFile, 'wallet', 'create', '--show-mnemonic', '--json'], {
      home,
      env: { TAO_NO_KEYCHAIN: '1' },
    });
    expect(w.code, w.stderr).toBe(0);
    const created = parseJson<{ coldkey: { ss58: string }; hotkey: { ss58: string }; mnemonic: string }>(w);
    coldkey = created.coldkey.ss58;
    hotkey = created.hotkey.ss58;
    await fund(fx, coldkey, 1_000n);
    netuid = await createStartedSubnet(fx);
    await burnedRegister(fx, fx.keyring.addFromMnemonic(created.mnemonic), netuid, hotkey);
  }, 300_000);

  afterAll(async () => {
    tmux?.kill();
    await fx?.close();
    await resetChain();
    cleanup();
  });

  /**
   * Types a field and presses enter once the text shows (a loaded box can deliver text and enter as one
   * chunk, which a line editor takes for a paste).
   */
  async function enter(t: Tmux, text: string, shown = text): Promise<void> {
    t.type(text);
    await t.waitFor(`> ${shown}`);
    t.keys('Enter');
  }

  /** Closes the outcome and waits for the Wallet view's keys (so the next key is not read with enter). */
  async function closeDialog(t: Tmux): Promise<void> {
    t.keys('Enter');
    await t.waitFor('a add stake');
  }

  /** Confirms the review, types the password, and returns the screen with the dialog's outcome. */
  async function confirm(t: Tmux, outcome: RegExp): Promise<string> {
    t.type('y');
    await t.waitFor('Coldkey password (not shown)');
    await enter(t, PASSWORD, '*'.repeat(PASSWORD.length));
    return t.waitFor(outcome, 90_000);
  }

  /**
   * Opens a stake dialog (a or r) on the wallet's own hotkey and the console's subnet, up to its review;
   * `partial`: p is pressed in the tolerance field (a partial fill allowed).
   */
  async function stakeReview(t: Tmux, key: 'a' | 'r', amount: string, partial = false): Promise<string> {
    t.type(key);
    await t.waitFor('Hotkey (SS58');
    t.keys('Enter'); // the wallet's own hotkey is filled in
    const subnet = await t.waitFor('Subnet (netuid):');
    expect(subnet).toContain(`> ${netuid}`);
    t.keys('Enter');
    await t.waitFor(key === 'a' ? 'Amount in TAO' : 'Alpha to unstake');
    await enter(t, amount);
    const tolerance = await t.waitFor('Price tolerance');
    expect(tolerance).toContain('> 0.005');
    if (partial) {
      t.type('p');
      await t.waitFor('partial fill ON');
    }
    t.keys('Enter');
    return t.waitFor('Sign and submit?', 60_000);
  }

  it.skipIf(!hasTmux)(
    'transfer exact rao, a protected stake and unstake land, a stake past its limit is refused and the console lives on',
    async () => {
      tmux = new Tmux('tao-st-console-tx', home);
      const t = tmux;
      t.start(
        `${process.execPath} ${TAO_BIN} --network ${endpoint()} console --netuid ${netuid}`,
        { TAO_HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8', TAO_NO_KEYCHAIN: '1', NO_COLOR: '1' },
        { columns: 80, rows: 24 },
      );
      await t.waitFor(/connected .*#\d+/, 60_000);
      t.type('5');
      await t.waitFor('a add stake');

      // Transfer: keep-alive, the chain's fee estimate in the review, the actual fee after inclusion.
      const [bob0, me0] = await Promise.all([freeOf(fx, BOB), freeOf(fx, coldkey)]);
      t.type('t');
      await t.waitFor('Destination address (SS58):');
      await enter(t, BOB);
      await t.waitFor('Amount in TAO');
      await enter(t, '1.234567891');
      const review = await t.waitFor('Sign and submit?', 60_000);
      expect(review).toContain('amount          1.234567891 τ');
      expect(review).toContain('keep-alive      yes: the existential deposit');
      const fee = rao(grab(review, new RegExp(`fee +${DECIMAL} τ \\(chain estimate\\)`)));
      expect(fee).toBeGreaterThan(0n);
      expect(review).toContain(`free after      ${tao(me0 - 1_234_567_891n - fee)} τ (now ${tao(me0)} τ)`);
      const sent = await confirm(t, /included in block #\d+|rejected:|failed:/);
      expect(sent).toMatch(/included in block #\d+/);
      expect(sent).toContain(`fee paid        ${tao(fee)} τ (estimate ${tao(fee)} τ)`);
      expect(await freeOf(fx, BOB)).toBe(bob0 + 1_234_567_891n);
      expect(await freeOf(fx, coldkey)).toBe(me0 - 1_234_567_891n - fee);
      await closeDialog(t);

      // A protected stake: price, expected alpha, slippage, the limit at price × 1.005; addStakeLimit lands it.
      const price0 = await priceOf(fx, netuid);
      const stake = await stakeReview(t, 'a', '1');
      expect(stake).toContain(`price           ${tao(price0)} τ/α`);
      expect(stake).toContain(`limit price     ${tao((price0 * 1005n) / 1000n)} τ/α (ceiling)`);
      expect(stake).toContain('tolerance       0.005 (0.5 %), fill or kill');
      expect(stake).toMatch(/slippage +\d+\.\d{3} % \(pool fee included\)/);
      const expected = rao(grab(stake, new RegExp(`expected α out +${DECIMAL} α`)));
      const staked = await confirm(t, /included in block #\d+|rejected:|failed:/);
      expect(staked).toMatch(/included in block #\d+/);
      expect(staked).toContain(`staked          ${tao(expected)} α for 1.000000000 τ (StakeAdded)`);
      expect(await alphaOf(fx, hotkey, coldkey, netuid)).toBe(expected);
      await closeDialog(t);

      // A protected unstake of 0.5 α: a floor at price × 0.995, removeStakeLimit, τ out as expected.
      const price1 = await priceOf(fx, netuid);
      const unstake = await stakeReview(t, 'r', '0.5');
      expect(unstake).toContain(`limit price     ${tao((price1 * 995n) / 1000n)} τ/α (floor)`);
      const out = rao(grab(unstake, new RegExp(`expected τ out +${DECIMAL} τ`)));
      const unstaked = await confirm(t, /included in block #\d+|rejected:|failed:/);
      expect(unstaked).toContain(`unstaked        0.500000000 α for ${tao(out)} τ (StakeRemoved)`);
      expect(await alphaOf(fx, hotkey, coldkey, netuid)).toBe(expected - RAO / 2n);
      await closeDialog(t);

      // Reviewed, then //Alice buys 50 τ of alpha on the pool: the limit from the review is passed.
      const held = await alphaOf(fx, hotkey, coldkey, netuid);
      const price2 = await priceOf(fx, netuid);
      await stakeReview(t, 'a', '1');
      await send(fx.api, fx.alice, tx(fx.api, 'subtensorModule', 'addStake')(hotkey, netuid, 50n * RAO));
      expect(await priceOf(fx, netuid)).toBeGreaterThan((price2 * 1005n) / 1000n);
      const free2 = await freeOf(fx, coldkey);
      const refused = await confirm(t, /included in block #\d+|rejected:|failed:/);
      // Spec 300 refuses it as the tx enters the pool (CustomTransactionError 14): no block, no fee.
      expect(refused).toMatch(/rejected: E_TX_INVALID: SubtensorModule\.(ZeroMaxAmount|SlippageTooHigh)/);
      expect(await alphaOf(fx, hotkey, coldkey, netuid)).toBe(held);
      expect(await freeOf(fx, coldkey)).toBe(free2);

      await closeDialog(t);

      // p: 200 τ passes the 0.5 % ceiling; as a partial fill only what fits is staked (addStakeLimit, partial).
      const alpha3 = await alphaOf(fx, hotkey, coldkey, netuid);
      const partial = await stakeReview(t, 'a', '200', true);
      expect(partial).toContain('tolerance       0.005 (0.5 %), partial fill allowed');
      const fits = rao(grab(partial, new RegExp(`\\(partial: ${DECIMAL} τ fits within the limit\\)`)));
      expect(fits).toBeLessThan(200n * RAO);
      const filled = await confirm(t, /included in block #\d+|rejected:|failed:/);
      expect(filled).toMatch(/included in block #\d+/);
      const [gotAlpha, spent] = new RegExp(`staked +${DECIMAL} α for ${DECIMAL} τ \\(StakeAdded\\)`)
        .exec(filled)!
        .slice(1)
        .map(rao);
      expect(spent).toBeLessThan(200n * RAO); // the rest stayed free
      if (!partial.includes('≈')) expect(spent).toBe(fits);
      expect(await alphaOf(fx, hotkey, coldkey, netuid)).toBe(alpha3 + gotAlpha!);
      await closeDialog(t);

      // u in the review: no limit price, the plain removeStake.
      await stakeReview(t, 'r', '0.5');
      t.type('u');
      const unsafe = await t.waitFor('protection      OFF: no limit price', 60_000);
      expect(unsafe).not.toContain('(floor)');
      const sold = await confirm(t, /included in block #\d+|rejected:|failed:/);
      const block = Number(grab(sold, /included in block #(\d+)/));
      expect(sold).toContain('unstaked        0.500000000 α for');
      const signed = await fx.api.rpc.chain.getBlock(await fx.api.rpc.chain.getBlockHash(block));
      const calls = signed.block.extrinsics.map((x) => `${x.method.section}.${x.method.method}`);
      expect(calls).toContain('subtensorModule.removeStake');
      expect(calls).not.toContain('subtensorModule.removeStakeLimit');

      // The console is still alive: the dialog closes and the views answer.
      await closeDialog(t);
      t.type('6');
      await t.waitFor(new RegExp(`^\\S? +${netuid} `, 'm'));
      t.type('q');
      await t.waitFor('console exited with 0');
    },
    400_000,
  );
});
