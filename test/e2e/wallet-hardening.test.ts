/**
 * The wallet against a hostile or careless environment, through the real built binary: concurrent writers,
 * symbolic links inside a wallet, edited keyfile headers, keyfiles other users can read.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runTao, type TaoResult, tempHome } from '../helpers/tao.js';

const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tao-test-bus', TAO_NO_KEYCHAIN: '1' };
const PASSWORD = 'correct horse battery';

let home: string;
let cleanup: () => void;
let pwFile: string;
const tao = (args: string[], env: Record<string, string> = {}) =>
  runTao(args, { home, env: { ...NO_DBUS, ...env } });
const errorOf = (r: TaoResult) =>
  (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
const walletDir = (name: string) => join(home, 'wallets', name);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** The coldkey's address as the keyfile holds it, and as coldkeypub.txt shows it. */
function coldPair(name: string): { key: unknown; pub: unknown } {
  return {
    key: readJson(join(walletDir(name), 'coldkey')).ss58,
    pub: readJson(join(walletDir(name), 'coldkeypub.txt')).ss58Address,
  };
}

beforeAll(() => {
  ({ home, cleanup } = tempHome('tao-e2e-wallet-hardening-'));
  pwFile = join(home, 'password.txt');
  writeFileSync(pwFile, `${PASSWORD}\n`);
});
afterAll(() => cleanup());

describe('one writer per wallet', () => {
  it('10 concurrent `create --overwrite` of one wallet: each succeeds or says E_WALLET_BUSY; coldkey and coldkeypub.txt always match', async () => {
    expect((await tao(['--json', 'wallet', 'create', '--wallet', 'race', '--no-password'])).code).toBe(0);
    const runs = await Promise.all(
      Array.from({ length: 10 }, () =>
        tao(['--json', 'wallet', 'create', '--wallet', 'race', '--no-password', '--overwrite']),
      ),
    );
    for (const r of runs) {
      if (r.code === 0) continue;
      expect(r.code, r.stderr).toBe(2);
      expect(errorOf(r).code).toBe('E_WALLET_BUSY');
    }
    const pair = coldPair('race');
    expect(pair.key).toBe(pair.pub);
    const hot = readJson(join(walletDir('race'), 'hotkeys', 'default'));
    expect(readJson(join(walletDir('race'), 'hotkeys', 'defaultpub.txt')).ss58Address).toBe(hot.ss58);
    const sign = parseJson<{ address: string }>(
      await tao(['--json', 'wallet', 'sign', '--wallet', 'race', '--message', 'm']),
    );
    expect(sign.address).toBe(pair.pub);
    expect(readdirSync(join(home, 'wallets')).filter((n) => n.includes('.lock'))).toEqual([]);
  });

  it('refuses with E_WALLET_BUSY (exit 2) while another live process holds the lock, changing nothing', async () => {
    expect((await tao(['--json', 'wallet', 'create', '--wallet', 'held', '--no-password'])).code).toBe(0);
    const before = readFileSync(join(walletDir('held'), 'coldkey'));
    const lock = join(home, 'wallets', '.held.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname() }));
    const r = await tao(['--json', 'wallet', 'create', '--wallet', 'held', '--no-password', '--overwrite']);
    expect(r.code, r.stderr).toBe(2);
    expect(errorOf(r).code).toBe('E_WALLET_BUSY');
    expect(errorOf(r).message).toContain(`pid ${process.pid}`);
    expect(readFileSync(join(walletDir('held'), 'coldkey')).equals(before)).toBe(true);
    expect(existsSync(lock)).toBe(true); // not ours to remove

    // Its holder dies: the lock is stale and the next command takes it over.
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout,
    );
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname() }));
    const again = await tao([
      '--json',
      'wallet',
      'create',
      '--wallet',
      'held',
      '--no-password',
      '--overwrite',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });
});

describe('symbolic links inside a wallet', () => {
  it('refuses a symlinked wallet directory (E_WALLET_SYMLINK, exit 2) and writes nothing through it', async () => {
    const elsewhere = join(home, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(join(home, 'wallets'), { recursive: true });
    symlinkSync(elsewhere, walletDir('linked'));
    const r = await tao(['--json', 'wallet', 'create', '--wallet', 'linked', '--no-password']);
    expect(r.code, r.stderr).toBe(2);
    expect(errorOf(r).code).toBe('E_WALLET_SYMLINK');
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('refuses to overwrite a symlinked keyfile and copies nothing of its target into a backup', async () => {
    expect((await tao(['--json', 'wallet', 'create', '--wallet', 'lk', '--no-password'])).code).toBe(0);
    const target = join(home, 'not-a-key.txt');
    writeFileSync(target, 'private notes');
    const cold = join(walletDir('lk'), 'coldkey');
    rmSync(cold);
    symlinkSync(target, cold);
    const r = await tao([
      '--json',
      'wallet',
      'new-coldkey',
      '--wallet',
      'lk',
      '--no-password',
      '--overwrite',
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(errorOf(r).code).toBe('E_WALLET_SYMLINK');
    for (const f of readdirSync(walletDir('lk'), { withFileTypes: true }))
      if (f.isFile())
        expect(readFileSync(join(walletDir('lk'), f.name), 'utf8')).not.toContain('private notes');
    expect(readFileSync(target, 'utf8')).toBe('private notes');
    const sign = await tao(['--json', 'wallet', 'sign', '--wallet', 'lk', '--message', 'm']);
    expect(errorOf(sign).code).toBe('E_WALLET_SYMLINK');
  });
});

describe('keyfile headers and permissions', () => {
  let pristine: string;
  const coldkey = () => join(walletDir('enc'), 'coldkey');
  const sign = (env: Record<string, string> = {}, json = true) =>
    tao(
      [
        ...(json ? ['--json'] : []),
        'wallet',
        'sign',
        '--wallet',
        'enc',
        '--message',
        'm',
        '--password-file',
        pwFile,
      ],
      env,
    );

  beforeAll(async () => {
    const r = await tao(['--json', 'wallet', 'create', '--wallet', 'enc', '--password-file', pwFile]);
    expect(r.code, r.stderr).toBe(0);
    pristine = readFileSync(coldkey(), 'utf8');
  });

  function edited(edit: (doc: Record<string, unknown> & { kdf: Record<string, unknown> }) => void): void {
    const doc = JSON.parse(pristine);
    edit(doc);
    writeFileSync(coldkey(), JSON.stringify(doc, null, 2), { mode: 0o600 });
  }

  it('reports an edited salt, check, scrypt N or an extra field as E_KEYFILE_TAMPERED (exit 3), not a wrong password', async () => {
    const edits: [string, (d: Record<string, unknown> & { kdf: Record<string, unknown> }) => void][] = [
      ['salt', (d) => (d.kdf.salt = `0x${'11'.repeat(32)}`)],
      ['check', (d) => (d.check = `0x${'22'.repeat(16)}`)],
      ['N', (d) => (d.kdf.N = 1024)],
      ['extra', (d) => (d.comment = 'hello')],
    ];
    for (const [what, edit] of edits) {
      edited(edit);
      const r = await sign();
      expect(r.code, `${what}: ${r.stderr}`).toBe(3);
      expect(errorOf(r).code, what).toBe('E_KEYFILE_TAMPERED');
    }
    edited((d) => (d.tao_keyfile = '1'));
    const v = await sign();
    expect(errorOf(v).message).toContain('must be the number 1, not the string "1"');
    writeFileSync(coldkey(), pristine);
    expect((await sign()).code).toBe(0);
  });

  it('warns about an encrypted keyfile others can read, and refuses an unencrypted one (E_KEYFILE_PERMISSIONS)', async () => {
    chmodSync(coldkey(), 0o644);
    const r = await sign({}, false);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('can be read by other users (mode 0644)');
    expect(r.stderr).toContain(`chmod 600 ${coldkey()}`);
    chmodSync(coldkey(), 0o600);

    expect((await tao(['--json', 'wallet', 'create', '--wallet', 'open', '--no-password'])).code).toBe(0);
    chmodSync(join(walletDir('open'), 'coldkey'), 0o644);
    const p = await tao(['--json', 'wallet', 'sign', '--wallet', 'open', '--message', 'm']);
    expect(p.code, p.stderr).toBe(2);
    expect(errorOf(p).code).toBe('E_KEYFILE_PERMISSIONS');
  });
});
