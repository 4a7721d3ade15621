/**
 * Price protection for real: `tao stake add` runs on a real terminal (tmux) and stops at its preview; while
 * it waits for the confirmation another account (//Alice) stakes heavily on the same subnet, moving the
 * price past the limit; confirming then sends addStakeLimit with the limit from the preview and the chain
 * refuses it (exit 5, the pallet's error name). Nothing is staked; only the transaction fee is charged.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Tmux, hasTmux } from '../e2e/console-fixtures.js';
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

describeLocalnet('stake price protection on a real terminal', () => {
  const { home, cleanup } = tempHome('tao-st-protect-');
  let fx: Fixture;
  let tmux: Tmux | undefined;
  let netuid = 0;
  let coldkey = '';
  let hotkey = '';

  beforeAll(async () => {
    fx = await openFixture(endpoint());
    const w = await runTao(['wallet', 'create', '--no-password', '--show-mnemonic', '--json'], { home });
    expect(w.code, w.stderr).toBe(0);
    const created = parseJson<{ coldkey: { ss58: string }; hotkey: { ss58: string }; mnemonic: string }>(w);
    coldkey = created.coldkey.ss58;
    hotkey = created.hotkey.ss58;
    await fund(fx, coldkey, 3_000n);
    netuid = await createStartedSubnet(fx);
    await burnedRegister(fx, fx.keyring.addFromMnemonic(created.mnemonic), netuid, hotkey);
  });
  afterAll(async () => {
    tmux?.kill();
    await fx?.close();
    await resetChain();
    cleanup();
  });

  it.skipIf(!hasTmux)(
    'a stake confirmed after another account moved the price past the limit is refused by the chain (exit 5)',
    async () => {
      const price0 = await priceOf(fx, netuid);
      const free0 = await freeOf(fx, coldkey);
      tmux = new Tmux('tao-stake', home);
      tmux.start(
        `${process.execPath} ${TAO_BIN} --network ${endpoint()} stake add --netuid ${netuid} --amount 1`,
        {
          TAO_HOME: home,
          NO_COLOR: '1',
        },
      );
      const preview = await tmux.waitFor('Sign and submit?', 60_000);
      expect(preview).toContain('limit price');
      expect(preview).toContain(`${(price0 * 1005n) / 1000n / RAO}.`);

      // Someone else buys 50 τ of alpha on the same pool while the preview waits.
      await send(fx.api, fx.alice, tx(fx.api, 'subtensorModule', 'addStake')(hotkey, netuid, 50n * RAO));
      const moved = await priceOf(fx, netuid);
      expect(moved).toBeGreaterThan((price0 * 1005n) / 1000n);

      tmux.type('y');
      tmux.keys('Enter');
      const screen = await tmux.waitFor(/console exited with \d+/, 90_000);
      expect(screen).toMatch(/console exited with 5/);
      // Spec 300 checks the limit when the transaction enters the pool (CustomTransactionError 14,
      // ZeroMaxAmount: the price is already past the limit), so it never reaches a block: no fee.
      expect(screen).toMatch(/SubtensorModule\.(ZeroMaxAmount|ZeroMaxStakeAmount|SlippageTooHigh)/);
      expect(await alphaOf(fx, hotkey, coldkey, netuid)).toBe(0n);
      expect(await freeOf(fx, coldkey)).toBe(free0);
    },
  );
});
