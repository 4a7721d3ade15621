import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleTree, KEYS, OWN_COLDKEY, OWN_HOTKEY, RecordingSource, renderAt } from './fixtures.js';

afterEach(() => cleanup());

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

async function openStakeDialog(source: RecordingSource, amount: string) {
  const r = await renderAt(consoleTree(source, { view: 'wallet' }), 120, 40);
  await r.press('a');
  expect(plain(r.frame())).toContain('Add stake');
  await r.press(KEYS.enter); // the default hotkey is the wallet's own
  await r.type(amount);
  await r.press(KEYS.enter);
  return r;
}

describe('stake dialog', () => {
  it('shows exactly what will be signed, then signs with the password when confirmed', async () => {
    const source = new RecordingSource();
    const r = await openStakeDialog(source, '1.5');
    const review = plain(r.frame());
    expect(review).toContain(`from            ${OWN_COLDKEY}`);
    expect(review).toContain(`hotkey          ${OWN_HOTKEY}`);
    expect(review).toContain('amount          1.500000000 τ');
    expect(review).toContain('fee             0.001000000 τ');
    expect(review).toContain('free after      8.499000000 τ (now 10.000000000 τ)');
    expect(review).toContain('stake after     6.500000000 τ (now 5.000000000 τ)');
    expect(review).toContain('y/N');
    await r.press('y');
    expect(plain(r.frame())).toContain('Coldkey password (not shown)');
    await r.type('hunter22');
    expect(plain(r.frame())).not.toContain('hunter22');
    await r.press(KEYS.enter);
    expect(source.calls).toEqual([
      {
        op: 'addStake',
        request: {
          hotkey: OWN_HOTKEY,
          amount: 1_500_000_000n,
          auth: { kind: 'password', password: 'hunter22' },
        },
      },
    ]);
    expect(plain(r.frame())).toContain('included in block #1235');
    await r.press(KEYS.enter);
    expect(plain(r.frame())).not.toContain('Add stake');
  });

  it('declines on enter (the default is No) and signs nothing', async () => {
    const source = new RecordingSource();
    const r = await openStakeDialog(source, '1');
    await r.press(KEYS.enter);
    expect(source.calls).toEqual([]);
    expect(plain(r.frame())).not.toContain('You are about to sign');
    expect(plain(r.frame())).toContain('Stakes by hotkey');
  });

  it('uses the keychain when it holds the password, and shows a rejection with its reason', async () => {
    const source = new RecordingSource();
    source.keychain = true;
    source.fate = { status: 'rejected', code: 'E_STALE_NONCE', message: 'nonce 3 already used' };
    const r = await openStakeDialog(source, '2');
    await r.press('y');
    expect(source.calls[0]).toMatchObject({
      op: 'addStake',
      request: { amount: 2_000_000_000n, auth: { kind: 'keychain' } },
    });
    expect(plain(r.frame())).toContain('rejected: E_STALE_NONCE: nonce 3 already used');
  });

  it('refuses an unstake above the staked amount before anything is signed', async () => {
    const source = new RecordingSource();
    const r = await renderAt(consoleTree(source, { view: 'wallet' }), 120, 40);
    await r.press('r', KEYS.enter);
    await r.type('5.000000001');
    await r.press(KEYS.enter);
    expect(plain(r.frame())).toContain('cannot unstake 5.000000001 τ: only 5.000000000 τ staked');
    await r.press(KEYS.esc);
    expect(source.calls).toEqual([]);
  });

  it('rejects a malformed amount and a transfer above the free balance', async () => {
    const source = new RecordingSource();
    const r = await renderAt(consoleTree(source, { view: 'wallet' }), 120, 40);
    await r.press('t');
    await r.type(OWN_HOTKEY);
    await r.press(KEYS.enter);
    await r.type('1e3');
    await r.press(KEYS.enter);
    expect(plain(r.frame())).toMatch(/amount/i);
    expect(plain(r.frame())).not.toContain('You are about to sign');
    for (let i = 0; i < 3; i++) await r.press(KEYS.backspace);
    await r.type('10');
    await r.press(KEYS.enter);
    expect(plain(r.frame())).toContain('insufficient balance');
    expect(source.calls).toEqual([]);
  });
});

describe('process control', () => {
  it('restart asks first (default No) and goes through the data source on y', async () => {
    const source = new RecordingSource();
    const r = await renderAt(consoleTree(source, { view: 'peer' }), 80, 24);
    await r.press('R');
    expect(plain(r.frame())).toContain('Restart node?');
    await r.press(KEYS.enter);
    expect(source.calls).toEqual([]);
    await r.press('j', 'R', 'y');
    expect(source.calls).toEqual([{ op: 'restart', name: 'peer-own' }]);
  });

  it('q quits without stopping anything', async () => {
    const source = new RecordingSource();
    const r = await renderAt(consoleTree(source, { view: 'peer' }), 80, 24);
    await r.press('q');
    const afterQuit = r.frame();
    await r.press('2');
    expect(source.calls).toEqual([]);
    // the app has exited: a view switch no longer redraws anything
    expect(r.frame()).toBe(afterQuit);
  });
});
