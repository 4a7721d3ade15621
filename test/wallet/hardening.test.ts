import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/hex.js';
import { miniSecretFromMnemonic } from '../../src/crypto/mnemonic.js';
import { writeFileAtomic } from '../../src/wallet/atomic.js';
import { decryptKeyfile, type Keyfile, parseKeyfile, serializeKeyfile } from '../../src/wallet/keyfile.js';
import { buildKeyfile, readKeyfile, storedFromMiniSecret } from '../../src/wallet/keystore.js';
import { acquireWalletLock, walletLockPath } from '../../src/wallet/lock.js';

const PARAMS = { N: 2 ** 11, r: 8, p: 1 };
const PHRASE = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const key = storedFromMiniSecret(miniSecretFromMnemonic(PHRASE), 'sr25519');
const PASSWORD = 'correct horse';

async function failure(run: () => unknown): Promise<{ code: string; exitCode: number; message: string }> {
  try {
    await run();
  } catch (e) {
    return e as { code: string; exitCode: number; message: string };
  }
  throw new Error('expected a failure');
}

type Doc = Record<string, unknown> & { kdf: Record<string, unknown> };
const docOf = async (): Promise<Doc> =>
  JSON.parse(serializeKeyfile(await buildKeyfile(key, PASSWORD, PARAMS))) as Doc;
/** Parses an edited document and unlocks it with the right password. */
const openEdited = (doc: unknown) => decryptKeyfile(parseKeyfile(JSON.stringify(doc), 'coldkey'), PASSWORD);

describe('keyfile header integrity', () => {
  it('reports an edited salt, password check or scrypt N as E_KEYFILE_TAMPERED (exit 3), not a wrong password', async () => {
    const salt = await docOf();
    salt.kdf.salt = toHex(new Uint8Array(32).fill(1));
    const check = await docOf();
    check.check = toHex(new Uint8Array(16).fill(2));
    const n = await docOf();
    n.kdf.N = 1024;
    for (const [what, doc] of [
      ['salt', salt],
      ['check', check],
      ['N', n],
    ] as const)
      expect(await failure(() => openEdited(doc)), what).toMatchObject({
        code: 'E_KEYFILE_TAMPERED',
        exitCode: 3,
      });
  });

  it('refuses an extra header field, with or without the checksum', async () => {
    const doc = await docOf();
    expect(await failure(() => openEdited({ ...doc, note: 'hi' }))).toMatchObject({
      code: 'E_KEYFILE_TAMPERED',
    });
    const { checksum: _, ...old } = doc;
    const err = await failure(() => openEdited({ ...old, note: 'hi' }));
    expect(err).toMatchObject({ code: 'E_KEYFILE_TAMPERED' });
    expect(err.message).toContain('"note"');
  });

  it('still says wrong password for a wrong password', async () => {
    const file = parseKeyfile(JSON.stringify(await docOf()));
    expect(await failure(() => decryptKeyfile(file, 'wrong horse'))).toMatchObject({
      code: 'E_BAD_PASSWORD',
    });
  });

  it('opens a keyfile written before the checksum existed (it has the same fields less checksum)', async () => {
    const { checksum: _, ...old } = await docOf();
    expect(toHex(await openEdited(old))).toBe(toHex(key.secret));
    // What cannot be told apart there: a changed salt fails exactly like a wrong password.
    old.kdf = { ...old.kdf, salt: toHex(new Uint8Array(32).fill(1)) };
    expect(await failure(() => openEdited(old))).toMatchObject({ code: 'E_BAD_PASSWORD' });
  });

  it('checksums --no-password keyfiles too', async () => {
    const doc = JSON.parse(serializeKeyfile(await buildKeyfile(key, null))) as Doc;
    expect(doc.checksum).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await failure(() => parseKeyfile(JSON.stringify({ ...doc, ss58: 'x' + doc.ss58 })))).toMatchObject(
      {
        code: 'E_KEYFILE_TAMPERED',
      },
    );
  });

  it('names the exact version problem: a string "1", an unknown number', async () => {
    const doc = await docOf();
    const asString = await failure(() => parseKeyfile(JSON.stringify({ ...doc, tao_keyfile: '1' })));
    expect(asString.code).toBe('E_KEYFILE_CORRUPT');
    expect(asString.message).toContain('the string "1"');
    expect(asString.message).not.toContain('unsupported keyfile version 1');
    const future = await failure(() => parseKeyfile(JSON.stringify({ ...doc, tao_keyfile: 2 })));
    expect(future.message).toContain('unsupported keyfile version 2');
    expect(future.message).toContain('reads version 1');
  });
});

describe('wallet lock, symlinks and permissions on disk', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'tao-hardening-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('gives a second holder E_WALLET_BUSY (exit 2) while the first holds the lock; released, it is free', async () => {
    const first = acquireWalletLock(home, 'w');
    const err = await failure(() => acquireWalletLock(home, 'w'));
    expect(err).toMatchObject({ code: 'E_WALLET_BUSY', exitCode: 2 });
    expect(err.message).toContain(String(process.pid));
    expect(acquireWalletLock(home, 'other').release()).toBeUndefined();
    first.release();
    expect(existsSync(walletLockPath(home, 'w'))).toBe(false);
    acquireWalletLock(home, 'w').release();
  });

  it('takes over a lock whose holder died (its pid no longer runs)', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const pid = Number(dead.stdout.toString());
    mkdirSync(join(home, 'wallets'), { recursive: true });
    writeFileSync(walletLockPath(home, 'w'), JSON.stringify({ pid, host: hostname() }));
    const lock = acquireWalletLock(home, 'w');
    expect(JSON.parse(readFileSync(walletLockPath(home, 'w'), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(readdirSync(join(home, 'wallets'))).toEqual([]);
  });

  it('refuses to replace a symlinked keyfile, and copies nothing of its target into a backup', async () => {
    const secret = join(home, 'elsewhere.txt');
    writeFileSync(secret, 'not a wallet file');
    const dir = join(home, 'wallets', 'w');
    mkdirSync(dir, { recursive: true });
    symlinkSync(secret, join(dir, 'coldkey'));
    const err = await failure(() => writeFileAtomic(join(dir, 'coldkey'), 'new', { overwrite: true }));
    expect(err).toMatchObject({ code: 'E_WALLET_SYMLINK', exitCode: 2 });
    expect(readdirSync(dir)).toEqual(['coldkey']);
    expect(readFileSync(secret, 'utf8')).toBe('not a wallet file');
  });

  it('refuses to read a symlinked keyfile', async () => {
    const real = join(home, 'real-coldkey');
    writeFileSync(real, serializeKeyfile(await buildKeyfile(key, null)), { mode: 0o600 });
    symlinkSync(real, join(home, 'coldkey'));
    expect(await failure(() => readKeyfile(join(home, 'coldkey'), 'coldkey'))).toMatchObject({
      code: 'E_WALLET_SYMLINK',
    });
  });

  it('refuses an unencrypted keyfile others can read; warns about an encrypted one', async () => {
    const plain = join(home, 'plain');
    writeFileSync(plain, serializeKeyfile(await buildKeyfile(key, null)));
    chmodSync(plain, 0o644);
    const err = await failure(() => readKeyfile(plain, 'hotkey'));
    expect(err).toMatchObject({ code: 'E_KEYFILE_PERMISSIONS', exitCode: 2 });
    expect(err.message).toContain('0644');
    const enc = join(home, 'enc');
    writeFileSync(enc, serializeKeyfile(await buildKeyfile(key, PASSWORD, PARAMS)));
    chmodSync(enc, 0o640);
    const warnings: string[] = [];
    const file: Keyfile = readKeyfile(enc, 'coldkey', (m) => warnings.push(m));
    expect(file.encrypted).toBe(true);
    expect(warnings.join('\n')).toMatch(/0640.*chmod 600/s);
    chmodSync(enc, 0o600);
    readKeyfile(enc, 'coldkey', (m) => warnings.push(`again: ${m}`));
    expect(warnings).toHaveLength(1);
  });
});
