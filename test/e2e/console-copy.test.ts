/**
 * The real `tao console` in tmux (100x30) against a supervised dev ledger: the Ranking names the wallet's
 * own neuron and `/` finds it by that name; `c` copies the selected row's hotkey with OSC 52, which tmux
 * (`set-clipboard on`) turns into a paste buffer, read back with `show-buffer`; `:subnets` lists every
 * subnet. Skipped without tmux locally; fails under CI.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAO_BIN, tempHome } from '../helpers/tao.js';
import { fundedWallet, hasTmux, type Stack, startStack, Tmux, waitUntil } from './console-fixtures.js';

if (!hasTmux && process.env.CI) throw new Error('tmux is required under CI (apt-get install tmux)');

describe.skipIf(!hasTmux)('tao console copies addresses (OSC 52) and names peers, in tmux', () => {
  const { home, cleanup } = tempHome('tao-console-copy-');
  let stack: Stack;
  let tmux: Tmux;
  let wallet: { coldkey: string; hotkey: string };

  /** tmux's newest paste buffer, or null while there is none. */
  const buffer = (): string | null => {
    try {
      return execFileSync('tmux', ['-S', tmux.socket, 'show-buffer'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      return null;
    }
  };

  beforeAll(async () => {
    stack = await startStack(home, 300);
    wallet = await fundedWallet(home, stack.url, 'correct horse battery');
    tmux = new Tmux('tao-console-copy', home);
    tmux.start(`${process.execPath} ${TAO_BIN} --wallet w --node ${stack.url} console`, {
      TAO_HOME: home,
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      TAO_NO_KEYCHAIN: '1',
    });
    // Applications may set the clipboard: tmux stores each OSC 52 as a paste buffer.
    tmux.tmux('set-option', '-s', 'set-clipboard', 'on');
    await tmux.waitFor(/connected .*#\d+/);
  }, 90_000);

  afterAll(async () => {
    tmux?.kill();
    await stack?.stop();
    cleanup();
  }, 60_000);

  it('Ranking names the own neuron by wallet/hotkey, and /w/default finds it', async () => {
    tmux.type('2');
    const ranking = await tmux.waitFor(/^\S? +\d+ w\/default +5/m); // ● own, or ▶ under the cursor
    expect(ranking).toMatch(/uid name +hotkey/);
    tmux.type('/');
    await tmux.waitFor(/^\/_/m);
    tmux.type('w/default');
    await tmux.waitFor('/w/default_');
    tmux.keys('Enter');
    const filtered = await tmux.waitFor(/\/w\/default: 1\/\d+/);
    expect(filtered).toMatch(/^\S? +\d+ w\/default /m);
  });

  it('c copies the selected hotkey to the clipboard through OSC 52', async () => {
    expect(buffer()).toBeNull();
    tmux.type('c');
    const copied = await waitUntil('a tmux paste buffer', () => buffer());
    expect(copied).toBe(wallet.hotkey);
    await tmux.waitFor(`copied hotkey ${wallet.hotkey.slice(0, 20)}`);
  });

  it('C copies the coldkey; in Neighbours c copies the selected neighbour', async () => {
    tmux.type('C'); // the same row, still selected
    expect(await waitUntil('the coldkey buffer', () => (buffer() === wallet.coldkey ? true : null))).toBe(
      true,
    );
    tmux.type('3');
    await tmux.waitFor('5NeighbourSeven');
    tmux.type('c'); // first row by score: uid 7
    await waitUntil('the neighbour buffer', () =>
      buffer() === '5NeighbourSeven0000000000000000000000000000000' ? true : null,
    );
  });

  it(':subnets lists every subnet', async () => {
    tmux.type(':');
    await tmux.waitFor(/^:_/m);
    tmux.type('subnets');
    await tmux.waitFor(':subnets_'); // typed before Enter: one read must not hold both
    tmux.keys('Enter');
    const screen = await tmux.waitFor(/Subnets {2}\d+ subnets/);
    const count = Number(/Subnets {2}(\d+) subnets/.exec(screen)![1]);
    // a row: netuid, name ('-' or 'not started' when unnamed), then the price (a pool's, or '-')
    const listed = screen
      .split('\n')
      .filter((l) => /^\S? +\d+ +(?:-|not started|\S+) +(?:-|\d+\.\d{4}) /.test(l)).length;
    expect(count).toBeGreaterThanOrEqual(1);
    expect(listed).toBe(count);
  });
});
