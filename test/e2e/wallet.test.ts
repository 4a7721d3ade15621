import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cryptoWaitReady,
  encodeAddress,
  mnemonicToMiniSecret,
  signatureVerify,
  sr25519PairFromSeed,
} from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';

interface ErrorDoc {
  error: { code: string; message: string };
}
const errorOf = (stderr: string) => (JSON.parse(stderr) as ErrorDoc).error;
const mode = (p: string) => statSync(p).mode & 0o777;
// No keychain in these tests: a D-Bus address that does not exist (the keychain has its own e2e test).
const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tao-test-bus' };
const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

let home: string;
let cleanup: () => void;
let pwFile: string;
const tao = (args: string[], env: Record<string, string> = {}, input?: string) =>
  runTao(args, { home, env: { ...NO_DBUS, ...env }, input });

interface Created {
  wallet: string;
  coldkey: { ss58: string; scheme: string };
  hotkey: { name: string; ss58: string };
  mnemonic?: string;
}
let created: Created;

beforeAll(async () => {
  await cryptoWaitReady();
  ({ home, cleanup } = tempHome('tao-e2e-wallet-'));
  pwFile = join(home, 'password.txt');
  writeFileSync(pwFile, 'correct horse battery\n');
  const r = await tao(['--json', 'wallet', 'create', '--password-file', pwFile]);
  expect(r.code, r.stderr).toBe(0);
  created = parseJson<Created>(r);
});
afterAll(() => cleanup());

describe('tao wallet create / list / show', () => {
  it('creates a coldkey and a default hotkey, printing the cli.md JSON shape without the mnemonic', () => {
    expect(created.wallet).toBe('default');
    expect(created.coldkey.scheme).toBe('sr25519');
    expect(created.coldkey.ss58).toMatch(/^5/);
    expect(created.hotkey).toMatchObject({ name: 'default' });
    expect(created.mnemonic).toBeUndefined();
  });

  it('writes keyfiles 0600 in 0700 directories, btcli layout, no mnemonic on disk', () => {
    const dir = join(home, 'wallets', 'default');
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'hotkeys'))).toBe(0o700);
    for (const f of ['coldkey', 'coldkeypub.txt', 'hotkeys/default', 'hotkeys/defaultpub.txt'])
      expect(mode(join(dir, f)), f).toBe(0o600);
    const pub = JSON.parse(readFileSync(join(dir, 'coldkeypub.txt'), 'utf8'));
    expect(pub).toMatchObject({ ss58Address: created.coldkey.ss58 });
    expect(pub.accountId).toBe(pub.publicKey);
    const cold = JSON.parse(readFileSync(join(dir, 'coldkey'), 'utf8'));
    expect(cold).toMatchObject({ tao_keyfile: 1, encrypted: true, kdf: { name: 'scrypt' } });
    expect(JSON.stringify(cold)).not.toMatch(/(\b[a-z]{3,8}\b ){11}/);
  });

  it('lists wallets with their coldkey and hotkeys', async () => {
    const r = await tao(['--json', 'wallet', 'list']);
    expect(r.code).toBe(0);
    expect(parseJson(r)).toEqual({
      wallets: [
        {
          name: 'default',
          coldkey: created.coldkey.ss58,
          hotkeys: [{ name: 'default', ss58: created.hotkey.ss58 }],
        },
      ],
    });
  });

  it('shows one wallet with schemes and encryption state', async () => {
    const r = await tao(['--json', 'wallet', 'show']);
    expect(parseJson(r)).toMatchObject({
      wallet: 'default',
      coldkey: { ss58: created.coldkey.ss58, scheme: 'sr25519', encrypted: true, watch_only: false },
      hotkeys: [{ name: 'default', ss58: created.hotkey.ss58, encrypted: true }],
    });
  });

  it('refuses to create over an existing wallet without --overwrite (exit 2), leaving it untouched', async () => {
    const before = readFileSync(join(home, 'wallets', 'default', 'coldkey'));
    const r = await tao(['--json', 'wallet', 'create', '--password-file', pwFile]);
    expect(r.code).toBe(2);
    expect(errorOf(r.stderr).code).toBe('E_WALLET_EXISTS');
    expect(readFileSync(join(home, 'wallets', 'default', 'coldkey')).equals(before)).toBe(true);
  });

  it('has an example in --help of every wallet command', async () => {
    for (const c of [
      'create',
      'new-coldkey',
      'new-hotkey',
      'regen-coldkey',
      'regen-hotkey',
      'regen-coldkeypub',
      'list',
      'show',
      'sign',
      'verify',
      'change-password',
      'unlock',
      'import',
    ]) {
      const r = await runTao(['wallet', c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(/Example/);
    }
  });
});

describe('tao wallet sign / verify', () => {
  it('signs with the coldkey; the signature verifies in tao and in polkadot.js', async () => {
    const s = await tao(['--json', 'wallet', 'sign', '--message', 'hello tao', '--password-file', pwFile]);
    expect(s.code, s.stderr).toBe(0);
    const { signature } = parseJson<{ signature: string }>(s);
    expect(signatureVerify('hello tao', signature, created.coldkey.ss58).isValid).toBe(true);
    const v = await tao([
      '--json',
      'wallet',
      'verify',
      '--message',
      'hello tao',
      '--signature',
      signature,
      '--address',
      created.coldkey.ss58,
    ]);
    expect(parseJson(v)).toMatchObject({ valid: true, scheme: 'sr25519' });
    const bad = await tao([
      '--json',
      'wallet',
      'verify',
      '--message',
      'hello TAO',
      '--signature',
      signature,
      '--address',
      created.coldkey.ss58,
    ]);
    expect(bad.code).toBe(2);
    expect(parseJson(bad)).toEqual({ valid: false, address: created.coldkey.ss58 });
    expect(errorOf(bad.stderr).code).toBe('E_SIGNATURE_INVALID');
  });

  it('an invalid signature fails (exit 2, E_SIGNATURE_INVALID) so `if tao wallet verify …` works', async () => {
    const s = await tao(['--json', 'wallet', 'sign', '--message', 'ok', '--password-file', pwFile]);
    const { signature } = parseJson<{ signature: string }>(s);
    const args = ['wallet', 'verify', '--signature', signature, '--address', created.coldkey.ss58];
    const good = await tao([...args, '--message', 'ok']);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^valid signature by /);
    const wrongMessage = await tao([...args, '--message', 'not ok']);
    expect(wrongMessage.code).toBe(2);
    expect(wrongMessage.stdout).toBe('');
    expect(wrongMessage.stderr).toMatch(/INVALID signature/);
    const wrongScheme = await tao([...args, '--message', 'ok', '--scheme', 'ed25519']);
    expect(wrongScheme.code).toBe(2);
  });

  it('signs with the hotkey (same password) under --use-hotkey, reading TAO_PASSWORD', async () => {
    const s = await tao(['--json', 'wallet', 'sign', '--message', 'm', '--use-hotkey'], {
      TAO_PASSWORD: 'correct horse battery',
    });
    expect(s.code, s.stderr).toBe(0);
    expect(
      signatureVerify('m', parseJson<{ signature: string }>(s).signature, created.hotkey.ss58).isValid,
    ).toBe(true);
  });

  it('fails a wrong password at once with E_BAD_PASSWORD (exit 3), no prompt loop', async () => {
    const r = await tao(['--json', 'wallet', 'sign', '--message', 'm'], { TAO_PASSWORD: 'wrong password' });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(errorOf(r.stderr).code).toBe('E_BAD_PASSWORD');
  });

  it('without any password source fails with E_PASSWORD_REQUIRED (exit 3), in --json and --yes mode', async () => {
    const j = await tao(['--json', 'wallet', 'sign', '--message', 'm']);
    expect(j.code).toBe(3);
    expect(errorOf(j.stderr).code).toBe('E_PASSWORD_REQUIRED');
    const y = await tao(['--yes', 'wallet', 'sign', '--message', 'm']);
    expect(y.code).toBe(3);
    expect(y.stderr).toMatch(/password is required/);
  });

  it('rejects an invalid SS58 address and one with the wrong network prefix (exit 2)', async () => {
    const sig = `0x${'11'.repeat(64)}`;
    const typo = `${created.coldkey.ss58.slice(0, -1)}${created.coldkey.ss58.endsWith('a') ? 'b' : 'a'}`;
    const polkadot = encodeAddress(mnemonicToMiniSecret(DEV_PHRASE).slice(0, 32), 0);
    for (const address of [typo, polkadot, 'not-an-address']) {
      const r = await tao([
        '--json',
        'wallet',
        'verify',
        '--message',
        'm',
        '--signature',
        sig,
        '--address',
        address,
      ]);
      expect(r.code, address).toBe(2);
      expect(errorOf(r.stderr).code).toBe('E_BAD_ADDRESS');
    }
  });
});

describe('regenerating keys from a mnemonic', () => {
  it('gives the address polkadot.js computes for the same mnemonic (stdin via --mnemonic-file -)', async () => {
    const r = await tao(
      ['--json', '--wallet', 'dev', 'wallet', 'regen-coldkey', '--mnemonic-file', '-', '--no-password'],
      {},
      `${DEV_PHRASE}\n`,
    );
    expect(r.code, r.stderr).toBe(0);
    const expected = encodeAddress(sr25519PairFromSeed(mnemonicToMiniSecret(DEV_PHRASE)).publicKey, 42);
    expect(parseJson(r)).toMatchObject({ wallet: 'dev', coldkey: { ss58: expected, scheme: 'sr25519' } });
    const key = JSON.parse(readFileSync(join(home, 'wallets', 'dev', 'coldkey'), 'utf8'));
    expect(key).toMatchObject({ encrypted: false, warning: expect.stringMatching(/UNENCRYPTED/) });
    // an unencrypted key signs with no password at all
    const s = await tao(['--json', '--wallet', 'dev', 'wallet', 'sign', '--message', 'x']);
    expect(s.code, s.stderr).toBe(0);
  });

  it('shows the mnemonic in JSON only with --show-mnemonic, and it regenerates the same keys', async () => {
    const r = await tao([
      '--json',
      '--wallet',
      'shown',
      'wallet',
      'create',
      '--no-password',
      '--show-mnemonic',
      '--words',
      '24',
      '--scheme',
      'ed25519',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const made = parseJson<Created & { hotkey: { mnemonic: string } }>(r);
    expect(made.mnemonic!.split(' ')).toHaveLength(24);
    const again = await tao([
      '--json',
      '--wallet',
      'again',
      'wallet',
      'regen-coldkey',
      '--mnemonic',
      made.mnemonic!,
      '--scheme',
      'ed25519',
      '--no-password',
    ]);
    expect(parseJson(again)).toMatchObject({ coldkey: { ss58: made.coldkey.ss58, scheme: 'ed25519' } });
    const hk = await tao([
      '--json',
      '--wallet',
      'again',
      '--hotkey',
      'h2',
      'wallet',
      'regen-hotkey',
      '--mnemonic',
      made.hotkey.mnemonic,
      '--scheme',
      'ed25519',
      '--no-password',
    ]);
    expect(parseJson(hk)).toMatchObject({ hotkey: { name: 'h2', ss58: made.hotkey.ss58 } });
  });

  it('rejects a bad checksum and a wrong word count with E_BAD_MNEMONIC (exit 2), writing nothing', async () => {
    const badChecksum = DEV_PHRASE.replace(/walk$/, 'bottom');
    const short = DEV_PHRASE.split(' ').slice(0, 11).join(' ');
    for (const m of [badChecksum, short]) {
      const r = await tao([
        '--json',
        '--wallet',
        'badm',
        'wallet',
        'regen-coldkey',
        '--mnemonic',
        m,
        '--no-password',
      ]);
      expect(r.code).toBe(2);
      expect(errorOf(r.stderr).code).toBe('E_BAD_MNEMONIC');
      expect(r.stderr).not.toContain('obey');
    }
    expect(existsSync(join(home, 'wallets', 'badm'))).toBe(false);
  });

  it('makes a watch-only wallet from an address and refuses a bad one (exit 2)', async () => {
    const r = await tao([
      '--json',
      '--wallet',
      'watch',
      'wallet',
      'regen-coldkeypub',
      '--ss58',
      created.coldkey.ss58,
    ]);
    expect(parseJson(r)).toMatchObject({ coldkey: { ss58: created.coldkey.ss58 } });
    const s = await tao(['--json', '--wallet', 'watch', 'wallet', 'sign', '--message', 'x']);
    expect(s.code).toBe(2);
    expect(errorOf(s.stderr).code).toBe('E_NO_COLDKEY');
    const bad = await tao(['--json', '--wallet', 'watch2', 'wallet', 'regen-coldkeypub', '--ss58', '5Bogus']);
    expect(bad.code).toBe(2);
    expect(errorOf(bad.stderr).code).toBe('E_BAD_ADDRESS');
  });
});

describe('damaged keyfiles and bad homes', () => {
  const copyWallet = (name: string) => {
    const src = join(home, 'wallets', 'default');
    const dst = join(home, 'wallets', name);
    for (const f of ['coldkey', 'coldkeypub.txt']) {
      const bytes = readFileSync(join(src, f));
      if (!existsSync(dst)) mkdirSync(dst, { mode: 0o700 });
      writeFileSync(join(dst, f), bytes, { mode: 0o600 });
    }
    return join(dst, 'coldkey');
  };

  it('reports a truncated keyfile as E_KEYFILE_CORRUPT (exit 3) and leaves its bytes unchanged', async () => {
    const path = copyWallet('trunc');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, 200));
    const before = readFileSync(path);
    const r = await tao([
      '--json',
      '--wallet',
      'trunc',
      'wallet',
      'sign',
      '--message',
      'x',
      '--password-file',
      pwFile,
    ]);
    expect(r.code).toBe(3);
    expect(errorOf(r.stderr).code).toBe('E_KEYFILE_CORRUPT');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('reports a tampered ciphertext as E_KEYFILE_TAMPERED (exit 3) and leaves the file alone', async () => {
    const path = copyWallet('tamper');
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    const ct: string = doc.ciphertext;
    doc.ciphertext = `${ct.slice(0, 10)}${ct[10] === '0' ? '1' : '0'}${ct.slice(11)}`;
    writeFileSync(path, JSON.stringify(doc));
    const before = readFileSync(path);
    const r = await tao([
      '--json',
      '--wallet',
      'tamper',
      'wallet',
      'sign',
      '--message',
      'x',
      '--password-file',
      pwFile,
    ]);
    expect(r.code).toBe(3);
    expect(errorOf(r.stderr).code).toBe('E_KEYFILE_TAMPERED');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('reports an unwritable home as E_HOME_NOT_WRITABLE (exit 2)', async () => {
    const file = join(home, 'plain-file');
    writeFileSync(file, 'x');
    const r = await runTao(['--json', '--home', join(file, 'home'), 'wallet', 'create', '--no-password'], {
      env: NO_DBUS,
    });
    expect(r.code).toBe(2);
    expect(errorOf(r.stderr).code).toBe('E_HOME_NOT_WRITABLE');
  });

  it('replaces a wallet with --overwrite and keeps 0600 backups of the old files', async () => {
    await tao(['--json', '--wallet', 'ow', 'wallet', 'create', '--no-password']);
    const old = readFileSync(join(home, 'wallets', 'ow', 'coldkey'), 'utf8');
    const r = await tao(['--json', '--wallet', 'ow', 'wallet', 'create', '--no-password', '--overwrite']);
    expect(r.code, r.stderr).toBe(0);
    const backups = readdirSync(join(home, 'wallets', 'ow')).filter((f) => f.startsWith('coldkey.bak-'));
    expect(backups).toHaveLength(1);
    const backup = join(home, 'wallets', 'ow', backups[0]!);
    expect(readFileSync(backup, 'utf8')).toBe(old);
    expect(mode(backup)).toBe(0o600);
    expect(parseJson<{ backups: string[] }>(r).backups.length).toBe(4);
  });
});

describe('hotkeys and password changes', () => {
  it('encrypts a new hotkey with the coldkey password and refuses a wrong one', async () => {
    const bad = await tao(['--json', '--hotkey', 'miner', 'wallet', 'new-hotkey'], {
      TAO_PASSWORD: 'not the password',
    });
    expect(bad.code).toBe(3);
    expect(errorOf(bad.stderr).code).toBe('E_BAD_PASSWORD');
    const r = await tao(['--json', '--hotkey', 'miner', 'wallet', 'new-hotkey', '--password-file', pwFile]);
    expect(r.code, r.stderr).toBe(0);
    const hk = JSON.parse(readFileSync(join(home, 'wallets', 'default', 'hotkeys', 'miner'), 'utf8'));
    expect(hk.encrypted).toBe(true);
  });

  it('change-password re-encrypts coldkey and hotkeys: the old password stops working, the new one works', async () => {
    await tao(['--json', '--wallet', 'cp', 'wallet', 'create'], { TAO_PASSWORD: 'old password 1' });
    const newFile = join(home, 'new-pw');
    writeFileSync(newFile, 'new password 2\n');
    const r = await tao(
      ['--json', '--wallet', 'cp', 'wallet', 'change-password', '--new-password-file', newFile],
      { TAO_PASSWORD: 'old password 1' },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r)).toMatchObject({ changed: ['coldkey', 'hotkeys/default'], skipped: [] });
    const old = await tao(['--json', '--wallet', 'cp', 'wallet', 'sign', '--message', 'x'], {
      TAO_PASSWORD: 'old password 1',
    });
    expect(old.code).toBe(3);
    const hot = await tao([
      '--json',
      '--wallet',
      'cp',
      'wallet',
      'sign',
      '--message',
      'x',
      '--use-hotkey',
      '--password-file',
      newFile,
    ]);
    expect(hot.code, hot.stderr).toBe(0);
  });

  it('rejects a new password shorter than 8 characters (exit 2)', async () => {
    const r = await tao(['--json', '--wallet', 'weak', 'wallet', 'create'], { TAO_PASSWORD: 'short' });
    expect(r.code).toBe(2);
    expect(errorOf(r.stderr).code).toBe('E_WEAK_PASSWORD');
    expect(existsSync(join(home, 'wallets', 'weak'))).toBe(false);
  });
});

describe('without a Secret Service', () => {
  it('unlock --remember fails with E_KEYCHAIN_UNAVAILABLE (exit 3); sign with TAO_PASSWORD still works', async () => {
    const r = await tao(['--json', 'wallet', 'unlock', '--remember', '--password-file', pwFile]);
    expect(r.code).toBe(3);
    expect(errorOf(r.stderr)).toMatchObject({
      code: 'E_KEYCHAIN_UNAVAILABLE',
      message: expect.stringMatching(/OS keychain unavailable/),
    });
    const s = await tao(['--json', 'wallet', 'sign', '--message', 'x'], {
      TAO_PASSWORD: 'correct horse battery',
    });
    expect(s.code, s.stderr).toBe(0);
  });

  it('says once that the keychain is unavailable, then asks for another source (text mode)', async () => {
    const r = await tao(['wallet', 'sign', '--message', 'x']);
    expect(r.code).toBe(3);
    expect(r.stderr.match(/OS keychain unavailable/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/password is required/);
  });
});
