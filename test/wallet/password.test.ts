import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { badPassword } from '../../src/wallet/errors.js';
import { newPassword, type PasswordContext, withPassword } from '../../src/wallet/password.js';
import { tempHome } from '../helpers/tao.js';

let home: string;
let cleanup: () => void;
beforeEach(() => {
  ({ home, cleanup } = tempHome('tao-pw-'));
});
afterEach(() => cleanup());

const base = (extra: Partial<PasswordContext> = {}): PasswordContext => ({
  home,
  wallet: 'w',
  keychain: false,
  env: {},
  notice: () => undefined,
  ...extra,
});

const accept = (good: string) => async (pw: string) => {
  if (pw !== good) throw badPassword();
  return 'opened';
};

describe('password sources', () => {
  it('takes the first line of --password-file before TAO_PASSWORD', async () => {
    const file = join(home, 'pw');
    writeFileSync(file, 'from-the-file\nsecond line\n');
    const r = await withPassword(
      base({ passwordFile: file, env: { TAO_PASSWORD: 'from-env' } }),
      'x',
      accept('from-the-file'),
    );
    expect(r).toMatchObject({ value: 'opened', source: 'file' });
  });

  it('uses TAO_PASSWORD when no file is given', async () => {
    const r = await withPassword(base({ env: { TAO_PASSWORD: 'from-env' } }), 'x', accept('from-env'));
    expect(r.source).toBe('env');
  });

  it('fails at once with E_BAD_PASSWORD when a given password is wrong (no retry)', async () => {
    let calls = 0;
    const prompt = async () => {
      calls++;
      return 'typed';
    };
    await expect(
      withPassword(base({ env: { TAO_PASSWORD: 'wrong' }, interactive: true, prompt }), 'x', accept('right')),
    ).rejects.toMatchObject({ code: 'E_BAD_PASSWORD', exitCode: 3 });
    expect(calls).toBe(0);
  });

  it('without a source or a terminal fails with E_PASSWORD_REQUIRED (exit 3)', async () => {
    await expect(withPassword(base(), 'sign', accept('right'))).rejects.toMatchObject({
      code: 'E_PASSWORD_REQUIRED',
      exitCode: 3,
    });
  });

  it('prompts at most three times on a terminal, then fails with E_BAD_PASSWORD', async () => {
    const answers = ['a', 'b', 'c', 'right'];
    const prompt = async () => answers.shift()!;
    await expect(
      withPassword(base({ interactive: true, prompt }), 'x', accept('right')),
    ).rejects.toMatchObject({
      code: 'E_BAD_PASSWORD',
    });
    expect(answers).toEqual(['right']);
    const second = ['nope', 'right'];
    const r = await withPassword(
      base({ interactive: true, prompt: async () => second.shift()! }),
      'x',
      accept('right'),
    );
    expect(r.source).toBe('prompt');
  });

  it('reports a missing password file as a usage error (exit 2)', async () => {
    await expect(
      withPassword(base({ passwordFile: join(home, 'missing') }), 'x', accept('right')),
    ).rejects.toMatchObject({ code: 'E_BAD_FILE', exitCode: 2 });
  });
});

describe('new passwords', () => {
  it('must be at least 8 characters (E_WEAK_PASSWORD, exit 2)', async () => {
    await expect(newPassword(base({ env: { TAO_PASSWORD: 'short' } }), 'x')).rejects.toMatchObject({
      code: 'E_WEAK_PASSWORD',
      exitCode: 2,
    });
    await expect(newPassword(base({ env: { TAO_PASSWORD: 'long enough' } }), 'x')).resolves.toBe(
      'long enough',
    );
  });

  it('are typed twice on a terminal and must match', async () => {
    const typed = ['first-pass', 'other-pass', 'again-pass', 'again-pass'];
    const pw = await newPassword(base({ interactive: true, prompt: async () => typed.shift()! }), 'x');
    expect(pw).toBe('again-pass');
    const never = ['aaaaaaaa', 'bbbbbbbb', 'aaaaaaaa', 'bbbbbbbb', 'aaaaaaaa', 'bbbbbbbb'];
    await expect(
      newPassword(base({ interactive: true, prompt: async () => never.shift()! }), 'x'),
    ).rejects.toMatchObject({ code: 'E_PASSWORD_MISMATCH' });
  });

  it('without a source or a terminal are E_PASSWORD_REQUIRED', async () => {
    await expect(newPassword(base(), 'x')).rejects.toMatchObject({
      code: 'E_PASSWORD_REQUIRED',
      exitCode: 3,
    });
  });
});
