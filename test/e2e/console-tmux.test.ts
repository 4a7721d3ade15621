/**
 * The real `tao console` in a real terminal: a detached tmux session (100x30, xterm-256color, UTF-8)
 * against a supervised dev ledger with fast blocks and a supervised peer-like child. The screen is read
 * with capture-pane; keys are sent with send-keys. Skipped without tmux locally; fails under CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTao } from '../../src/core/amount.js';
import { TAO_BIN, tempHome } from '../helpers/tao.js';
import { rpc } from './node-helpers.js';
import {
  fundedWallet,
  hasTmux,
  type Stack,
  stakesOf,
  startStack,
  Tmux,
  waitUntil,
} from './console-fixtures.js';

if (!hasTmux && process.env.CI) throw new Error('tmux is required under CI (apt-get install tmux)');

const PASSWORD = 'correct horse battery';

describe.skipIf(!hasTmux)('tao console in tmux against a live dev ledger', () => {
  const { home, cleanup } = tempHome('tao-console-tmux-');
  let stack: Stack;
  let tmux: Tmux;
  let wallet: { coldkey: string; hotkey: string };

  beforeAll(async () => {
    stack = await startStack(home, 300);
    wallet = await fundedWallet(home, stack.url, PASSWORD);
    tmux = new Tmux('tao-console', home);
    tmux.start(`${process.execPath} ${TAO_BIN} --wallet w --node ${stack.url} console`, {
      TAO_HOME: home,
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      TAO_NO_KEYCHAIN: '1',
    });
  }, 90_000);

  afterAll(async () => {
    tmux?.kill();
    await stack?.stop();
    cleanup();
  }, 60_000);

  const account = async () => {
    const a = await rpc(stack.url, 'account_info', { address: wallet.coldkey });
    return { free: BigInt(a.free), nonce: Number(a.nonce), pending: Number(a.pending ?? 0) };
  };
  const head = (screen: string) => Number(/#(\d+)\s/.exec(screen)?.[1] ?? Number.NaN);

  it('starts on the Overview, connected, with the head block advancing from the event stream', async () => {
    const first = await tmux.waitFor(/connected .*#\d+/);
    expect(first).toContain('1 Overview');
    expect(first).toContain(wallet.coldkey.slice(0, 10));
    const h1 = head(first);
    const later = await waitUntil('the head to advance', () => {
      const s = tmux.screen();
      return head(s) >= h1 + 3 ? s : null;
    });
    expect(later).toMatch(/updated \d+s ago/);
    expect(later).toMatch(/state\s+running/); // the own peer, from the supervisor
  });

  it('switches views with number keys and the : palette', async () => {
    tmux.type('2');
    await tmux.waitFor('Ranking  subnet 1');
    tmux.type(':');
    await tmux.waitFor(/^:_/m);
    tmux.type('neighbours');
    // Typed text and an Enter sent at once can reach Ink as one read (a paste) and the Enter is lost.
    await tmux.waitFor(':neighbours_');
    tmux.keys('Enter');
    const neighbours = await tmux.waitFor('5NeighbourSeven');
    expect(neighbours).toContain('5NeighbourNine');
    expect(neighbours).toMatch(/last weights tx .* included in #12/);
    tmux.type('4');
    const peer = await tmux.waitFor('peer-own');
    expect(peer).toMatch(/node\s+running/);
  });

  it('filters the process list with / and clears the filter with esc', async () => {
    tmux.type('/');
    await tmux.waitFor(/^\/_/m);
    tmux.type('own');
    await tmux.waitFor('/own_');
    tmux.keys('Enter');
    const filtered = await waitUntil('only peer-own listed', () => {
      const s = tmux.screen();
      return s.includes('peer-own') && !/^\S?\s+node\s+running/m.test(s) ? s : null;
    });
    expect(filtered).not.toMatch(/^\S?\s+node\s+running/m);
    tmux.type('/');
    await tmux.waitFor(/^\/own_/m);
    tmux.keys('Escape');
    await waitUntil('node listed again', () => /^\S?\s+node\s+running/m.test(tmux.screen()));
  });

  it('declining a stake dialog signs nothing and changes nothing on the ledger', async () => {
    const before = await account();
    tmux.type('5');
    await tmux.waitFor('Wallet & stake');
    tmux.type('a');
    await tmux.waitFor('Hotkey (SS58');
    tmux.keys('Enter'); // the own hotkey is prefilled
    await tmux.waitFor('Subnet (netuid):');
    tmux.keys('Enter'); // 0 = root stake, prefilled
    await tmux.waitFor('Amount in TAO');
    tmux.type('2');
    tmux.keys('Enter');
    await tmux.waitFor('Sign and submit? y/N');
    tmux.keys('Enter'); // the default is No
    await tmux.waitFor('Wallet & stake');
    expect(tmux.screen()).not.toContain('Sign and submit?');
    // Two more blocks: nothing was submitted, so nothing can have been included meanwhile.
    const h = head(tmux.screen());
    await waitUntil('two more blocks', () => head(tmux.screen()) >= h + 2);
    const after = await account();
    expect(after.nonce).toBe(before.nonce); // nothing was signed by the coldkey
    expect(after.pending).toBe(before.pending);
    expect(after.free).toBe(before.free);
  });

  it('a confirmed stake dialog asks the password, submits, shows inclusion, and the ledger has the stake', async () => {
    const before = await account();
    const fee = BigInt((await rpc(stack.url, 'system_info')).tx_fee);
    tmux.type('a');
    await tmux.waitFor('Hotkey (SS58');
    tmux.keys('Enter');
    await tmux.waitFor('Subnet (netuid):');
    tmux.keys('Enter');
    await tmux.waitFor('Amount in TAO');
    tmux.type('1.5');
    tmux.keys('Enter');
    const review = await tmux.waitFor('Sign and submit? y/N');
    expect(review).toContain('1.500000000 τ');
    expect(review).toContain(wallet.hotkey);
    tmux.type('y');
    await tmux.waitFor('Coldkey password (not shown)');
    tmux.type(PASSWORD);
    expect(tmux.screen()).not.toContain(PASSWORD);
    tmux.keys('Enter');
    const done = await tmux.waitFor(/included in block #\d+/, 60_000);
    expect(done).not.toContain(PASSWORD);
    const after = await account();
    expect(after.nonce).toBe(before.nonce + 1);
    expect(after.free).toBe(before.free - 1_500_000_000n - fee); // exact, in rao
    const stakes = await stakesOf(home, stack.url);
    expect(stakes.map((x) => x.hotkey)).toContain(wallet.hotkey);
    tmux.keys('Enter');
    await tmux.waitFor(formatTao(after.free)); // the wallet table shows the new free balance
  }, 120_000);

  it('says "needs at least" below 80x24 and redraws the view when enlarged again', async () => {
    await tmux.waitFor('Wallet & stake');
    tmux.resize(70, 20);
    const small = await tmux.waitFor('needs at least 80x24');
    expect(small).toContain('70x20');
    tmux.resize(100, 30);
    await tmux.waitFor('Wallet & stake');
  });

  it('Ctrl-C quits, restores the terminal (alternate screen left) and leaves the supervised processes running', async () => {
    const pids = await stack.pids();
    tmux.keys('C-c');
    await tmux.waitFor('console exited with 0');
    const alternate = tmux.tmux('display-message', '-p', '-t', 'tao-console', '#{alternate_on}').trim();
    expect(alternate).toBe('0');
    const cursorFlag = tmux.tmux('display-message', '-p', '-t', 'tao-console', '#{cursor_flag}').trim();
    expect(cursorFlag).toBe('1');
    expect(await stack.pids()).toEqual(pids);
    for (const pid of Object.values(pids)) expect(() => process.kill(pid!, 0)).not.toThrow();
    // The terminal is back in cooked mode: a typed line reaches the shell.
    tmux.type('echo still-$((40+2))');
    tmux.keys('Enter');
    await tmux.waitFor('still-42');
  });
});
