/**
 * `tao console --network <localnet>` in a real terminal (tmux, 80x24) on the real Subtensor runtime: a
 * started subnet where //Alice holds alpha, and a watch-only tao wallet of //Alice's coldkey. The Subnets,
 * Ranking and Wallet views must show the values read back from the chain (`tao subnet list --json`,
 * `tao wallet balance --json`, runtime storage), exactly at the digits shown. //Alice has a chain identity
 * (set_identity 'Alice Labs'): the Ranking names her hotkey by it, and the `/` filter finds it by that name.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hasTmux, Tmux } from '../e2e/console-fixtures.js';
import { parseJson, runTao, TAO_BIN, tempHome } from '../helpers/tao.js';
import { describeLocalnet, endpoint, resetChain } from './harness.js';
import { alphaOf, createStartedSubnet, type Fixture, openFixture, RAO, send, tx } from './stake-fixture.js';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

/** A decimal τ string cut (never rounded) to `decimals` places, as the console prints it. */
const cut = (text: string, decimals: number): string => {
  const [whole, frac = ''] = text.split('.');
  return `${whole}.${frac.padEnd(9, '0').slice(0, decimals)}`;
};
const raoText = (rao: bigint, decimals: number): string =>
  cut(`${rao / RAO}.${(rao % RAO).toString().padStart(9, '0')}`, decimals);
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface SubnetJson {
  netuid: number;
  price: string;
  tao_in: string;
  alpha_in: string;
  tempo: number;
  n: number;
}

describeLocalnet('tao console on Subtensor (tmux)', () => {
  const { home, cleanup } = tempHome('tao-st-console-');
  let fx: Fixture;
  let tmux: Tmux | null = null;
  let netuid = 0;
  let ownerHotkey = '';

  beforeAll(async () => {
    await resetChain();
    fx = await openFixture(endpoint());
    netuid = await createStartedSubnet(fx);
    ownerHotkey = fx.keyring.addFromUri('//Alice//owner').address;
    await send(fx.api, fx.alice, tx(fx.api, 'subtensorModule', 'addStake')(ownerHotkey, netuid, 100n * RAO));
    await send(
      fx.api,
      fx.alice,
      tx(fx.api, 'subtensorModule', 'setIdentity')('Alice Labs', '', '', '', '', '', ''),
    );
    const r = await runTao(['wallet', 'regen-coldkeypub', '--wallet', 'w', '--ss58', ALICE, '--json'], {
      home,
    });
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    tmux?.kill();
    await fx?.close();
    await resetChain();
    cleanup();
  });

  it.skipIf(!hasTmux)(
    'shows the chain values in Subnets, Ranking and Wallet at 80x24',
    async () => {
      const tao = (args: string[]) => runTao(['--network', endpoint(), ...args], { home, timeoutMs: 60_000 });
      const list = await tao(['subnet', 'list', '--json']);
      expect(list.code, list.stderr).toBe(0);
      const subnet = parseJson<{ subnets: SubnetJson[] }>(list).subnets.find((s) => s.netuid === netuid)!;
      const balance = await tao(['wallet', 'balance', '--address', ALICE, '--json']);
      expect(balance.code, balance.stderr).toBe(0);
      const own = parseJson<{ balances: { free: string; staked: string }[] }>(balance).balances[0]!;
      const alpha = await alphaOf(fx, ownerHotkey, ALICE, netuid);
      expect(alpha).toBeGreaterThan(0n);
      const hotkeyAlpha = BigInt(
        (await fx.api.query.subtensorModule!.totalHotkeyAlpha!(ownerHotkey, netuid)).toString(),
      );

      tmux = new Tmux('tao-st-console', home);
      tmux.start(
        `${process.execPath} ${TAO_BIN} --wallet w --network ${endpoint()} console --readonly --netuid ${netuid}`,
        { TAO_HOME: home, TERM: 'xterm-256color', LANG: 'C.UTF-8', TAO_NO_KEYCHAIN: '1' },
        { columns: 80, rows: 24 },
      );
      await tmux.waitFor(/connected .*#\d+/, 60_000);

      tmux.type('6');
      const subnets = await tmux.waitFor(new RegExp(`^\\S? +${netuid} `, 'm'), 30_000);
      expect(subnets).toMatch(
        new RegExp(
          `^\\S? +${netuid} .* ${esc(cut(subnet.price, 4))} +${esc(cut(subnet.tao_in, 2))} +${esc(cut(subnet.alpha_in, 2))} +[0-9.]+ +${subnet.tempo} +${subnet.n} +${esc(raoText(alpha, 4))}\\s*$`,
          'm',
        ),
      );
      expect(subnets).not.toContain('no subnet pools');

      tmux.type('2');
      const ranking = await tmux.waitFor(`subnet ${netuid}`);
      expect(ranking).toContain('stake α');
      // The name column holds the coldkey's chain identity (IdentitiesV2), before the hotkey.
      const row = new RegExp(
        `^\\S? +0 +Alice Labs +${esc(ownerHotkey.slice(0, 4))}\\S* +${esc(raoText(hotkeyAlpha, 2))} `,
        'm',
      );
      expect(ranking).toMatch(row);
      tmux.type('/');
      tmux.type('Labs');
      await tmux.waitFor('/Labs_');
      tmux.keys('Enter');
      expect(await tmux.waitFor(row)).toMatch(row);
      tmux.keys('Escape');

      tmux.type('5');
      const wallet = await tmux.waitFor('Stakes by hotkey and subnet');
      expect(wallet).toContain(own.free);
      expect(wallet).toContain(own.staked);
      expect(wallet).toMatch(new RegExp(`│ +${netuid} │ +${esc(raoText(alpha, 4))} │`));

      tmux.type('3');
      await tmux.waitFor("Neighbours: scores come from tao's own peers");
      tmux.type('q');
      await tmux.waitFor('console exited with 0');
    },
    180_000,
  );
});
