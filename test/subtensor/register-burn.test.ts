/**
 * `tao subnet register` protects the burn it showed: the command waits at its preview on a real terminal
 * (tmux) while //Alice registers two hotkeys in one block on a subnet whose registration terms adjust every
 * block (interval 1, target 1, adjustment alpha 0: the runtime's own rule then raises the burn to
 * burn × (2 + 1) / (1 + 1)). Confirming afterwards must refuse before signing (E_BURN_ROSE, exit 5): nothing
 * is registered and nothing is charged.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hasTmux, Tmux } from '../e2e/console-fixtures.js';
import { parseJson, runTao, TAO_BIN, tempHome } from '../helpers/tao.js';
import { describeLocalnet, endpoint, mine, resetChain } from './harness.js';
import {
  createStartedSubnet,
  type Fixture,
  freeOf,
  fund,
  openFixture,
  RAO,
  send,
  tx,
} from './stake-fixture.js';

if (!hasTmux && process.env.CI) throw new Error('tmux is required under CI (apt-get install tmux)');

const fmt = (v: bigint) => `${v / RAO}.${(v % RAO).toString().padStart(9, '0')}`;

describeLocalnet('subnet register: the burn rises between preview and signing', () => {
  const { home, cleanup } = tempHome('tao-st-burn-');
  let fx: Fixture;
  let tmux: Tmux | undefined;
  let netuid = 0;
  let coldkey = '';
  let hotkey = '';

  const burnOf = async () => BigInt((await fx.api.query.subtensorModule!.burn!(netuid)).toString());

  beforeAll(async () => {
    fx = await openFixture(endpoint());
    const w = await runTao(['wallet', 'create', '--no-password', '--json'], { home });
    expect(w.code, w.stderr).toBe(0);
    const created = parseJson<{ coldkey: { ss58: string }; hotkey: { ss58: string } }>(w);
    coldkey = created.coldkey.ss58;
    hotkey = created.hotkey.ss58;
    await fund(fx, coldkey, 100n);
    netuid = await createStartedSubnet(fx);
    const burn = await burnOf();
    const admin = (call: string, ...args: unknown[]) => tx(fx.api, 'adminUtils', call)(netuid, ...args);
    await send(
      fx.api,
      fx.alice,
      tx(
        fx.api,
        'sudo',
        'sudo',
      )(
        tx(
          fx.api,
          'utility',
          'batchAll',
        )([
          admin('sudoSetAdjustmentInterval', 1),
          admin('sudoSetAdjustmentAlpha', 0),
          admin('sudoSetTargetRegistrationsPerInterval', 1),
          admin('sudoSetMaxRegistrationsPerBlock', 10),
          // An interval with no registration would halve the burn; the floor keeps it where it is.
          admin('sudoSetMinBurn', burn),
        ]),
      ),
    );
  });
  afterAll(async () => {
    tmux?.kill();
    await fx?.close();
    await resetChain();
    cleanup();
  });

  it.skipIf(!hasTmux)(
    'two registrations by another account raise the burn 1.5×: confirming is refused before signing (exit 5)',
    async () => {
      const shown = await burnOf();
      const free0 = await freeOf(fx, coldkey);
      tmux = new Tmux('tao-burn', home);
      tmux.start(
        `${process.execPath} ${TAO_BIN} --network ${endpoint()} subnet register --netuid ${netuid}`,
        {
          TAO_HOME: home,
          NO_COLOR: '1',
        },
      );
      const preview = (await tmux.waitFor('Sign and submit?', 60_000)).replace(/\s+/g, ' ');
      expect(preview).toContain(
        `burn ${fmt(shown)} τ (refused if it rises above ${fmt((shown * 1005n) / 1000n)} τ`,
      );

      // //Alice registers two hotkeys in one block; the next block's registration adjustment raises the burn.
      const register = (uri: string) =>
        tx(fx.api, 'subtensorModule', 'burnedRegister')(netuid, fx.keyring.addFromUri(uri).address);
      await send(
        fx.api,
        fx.alice,
        tx(fx.api, 'utility', 'batchAll')([register('//Alice//burn1'), register('//Alice//burn2')]),
      );
      await mine(1);
      const risen = await burnOf();
      expect(risen).toBe((shown * 3n) / 2n);

      tmux.type('y');
      tmux.keys('Enter');
      const screen = (await tmux.waitFor(/console exited with \d+/, 90_000)).replace(/\s+/g, ' ');
      expect(screen).toMatch(/console exited with 5/);
      expect(screen).toContain(
        `the registration burn on subnet ${netuid} rose to ${fmt(risen)} τ, above the ${fmt(shown)} τ shown`,
      );
      expect((await fx.api.query.subtensorModule!.uids!(netuid, hotkey)).toJSON()).toBeNull();
      expect(await freeOf(fx, coldkey)).toBe(free0);
    },
  );
});
