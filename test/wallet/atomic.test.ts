import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupName, ensurePrivateDir, writeFileAtomic } from '../../src/wallet/atomic.js';
import { tempHome } from '../helpers/tao.js';

let home: string;
let cleanup: () => void;
beforeEach(() => {
  ({ home, cleanup } = tempHome('tao-atomic-'));
});
afterEach(() => cleanup());

const mode = (p: string) => statSync(p).mode & 0o777;

describe('atomic keyfile writes', () => {
  it('creates missing directories 0700 and the file 0600, leaving no temp file', () => {
    const path = join(home, 'wallets', 'w', 'hotkeys', 'default');
    writeFileAtomic(path, 'secret');
    expect(readFileSync(path, 'utf8')).toBe('secret');
    expect(mode(path)).toBe(0o600);
    expect(mode(join(home, 'wallets', 'w', 'hotkeys'))).toBe(0o700);
    expect(mode(join(home, 'wallets', 'w'))).toBe(0o700);
    expect(readdirSync(join(home, 'wallets', 'w', 'hotkeys'))).toEqual(['default']);
  });

  it('refuses to replace an existing file without overwrite (E_WALLET_EXISTS, exit 2) and leaves it as it was', () => {
    const path = join(home, 'coldkey');
    writeFileAtomic(path, 'first');
    expect(() => writeFileAtomic(path, 'second', { what: 'coldkey' })).toThrow(
      expect.objectContaining({ code: 'E_WALLET_EXISTS', exitCode: 2 }),
    );
    expect(readFileSync(path, 'utf8')).toBe('first');
    expect(readdirSync(home)).toEqual(['coldkey']);
  });

  it('replaces with overwrite, keeping a 0600 .bak-<timestamp> copy of the old bytes', () => {
    const path = join(home, 'coldkey');
    writeFileAtomic(path, 'first');
    chmodSync(path, 0o644);
    const { backup } = writeFileAtomic(path, 'second', { overwrite: true });
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(backup).toMatch(/coldkey\.bak-\d{8}T\d{6}Z/);
    expect(readFileSync(backup!, 'utf8')).toBe('first');
    expect(mode(backup!)).toBe(0o600);
    // a second overwrite in the same second never clobbers the first backup
    const again = writeFileAtomic(path, 'third', { overwrite: true });
    expect(again.backup).not.toBe(backup);
    expect(readFileSync(backup!, 'utf8')).toBe('first');
  });

  it('reports an unwritable home as E_HOME_NOT_WRITABLE (exit 2)', () => {
    const file = join(home, 'not-a-dir');
    writeFileSync(file, 'x');
    expect(() => writeFileAtomic(join(file, 'wallets', 'w', 'coldkey'), 'secret')).toThrow(
      expect.objectContaining({ code: 'E_HOME_NOT_WRITABLE', exitCode: 2 }),
    );
    expect(() => ensurePrivateDir(join(file, 'sub'))).toThrow(
      expect.objectContaining({ code: 'E_HOME_NOT_WRITABLE' }),
    );
    expect(existsSync(join(file, 'wallets'))).toBe(false);
  });

  it('names backups by UTC timestamp', () => {
    expect(backupName('/w/coldkey', new Date('2025-01-02T03:04:05.678Z'))).toBe(
      '/w/coldkey.bak-20250102T030405Z',
    );
  });
});
