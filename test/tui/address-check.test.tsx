/**
 * One address check for the CLI and the console (src/crypto/check-address.ts): the console's transfer
 * dialog refuses an address with a mistyped character (bad SS58 checksum) at its field, before any review
 * or signing, with the same words the CLI's E_BAD_ADDRESS uses.
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAddress as cliCheckAddress } from '../../src/cli/tx-flow.js';
import { addressProblem } from '../../src/crypto/check-address.js';
import { consoleTree, KEYS, OWN_HOTKEY, RecordingSource, renderAt } from './fixtures.js';

afterEach(() => cleanup());

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** OWN_HOTKEY with one character changed: still 48 base58 characters, checksum wrong. */
const MISTYPED = `${OWN_HOTKEY.slice(0, 20)}${OWN_HOTKEY[20] === 'a' ? 'b' : 'a'}${OWN_HOTKEY.slice(21)}`;

describe('one SS58 address check', () => {
  it('a mistyped character fails the checksum; the real address passes', () => {
    expect(MISTYPED).toMatch(/^[1-9A-HJ-NP-Za-km-z]{48}$/);
    expect(addressProblem(OWN_HOTKEY, 'to')).toBeNull();
    expect(addressProblem(MISTYPED, 'to')).toMatch(/^to is not a valid SS58 address: .*bad checksum/);
    expect(addressProblem('  ', 'to')).toBe('to is required');
  });

  it('the CLI refuses it with E_BAD_ADDRESS (exit 2) and the same message', async () => {
    const error = await cliCheckAddress(MISTYPED, '--dest').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_BAD_ADDRESS', exitCode: 2 });
    expect((error as Error).message).toBe(addressProblem(MISTYPED, '--dest'));
    expect(await cliCheckAddress(` ${OWN_HOTKEY} `, '--dest')).toBe(OWN_HOTKEY);
  });

  it('the console transfer dialog stops at the field and signs nothing', async () => {
    const source = new RecordingSource();
    const r = await renderAt(consoleTree(source, { view: 'wallet' }), 120, 40);
    await r.press('t');
    await r.type(MISTYPED);
    await r.press(KEYS.enter);
    expect(plain(r.frame())).toContain('a character is mistyped or missing');
    await r.type('1');
    await r.press(KEYS.enter);
    expect(plain(r.frame())).not.toContain('You are about to sign');
    expect(source.calls).toEqual([]);
  });
});
