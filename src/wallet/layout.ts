/**
 * Where a wallet's files live, as btcli lays them out: `wallets/<name>/coldkey`, `coldkeypub.txt`,
 * `hotkeys/<hotkey>` and `hotkeys/<hotkey>pub.txt`. Names are checked so they never escape the wallet dir.
 */
import { join, resolve } from 'node:path';
import { usageError } from '../core/errors.js';

const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export function checkName(kind: 'wallet' | 'hotkey', name: string): string {
  if (!NAME_RE.test(name) || name.endsWith('pub.txt') || name.includes('.tmp-') || name.includes('.bak-'))
    throw usageError(
      'E_BAD_NAME',
      `invalid ${kind} name "${name.slice(0, 64)}": use 1-64 letters, digits, '_', '-' or '.' (not starting with '.' or '-')`,
    );
  return name;
}

export interface WalletPaths {
  dir: string;
  coldkey: string;
  coldkeypub: string;
  hotkeys: string;
  hotkey: (name: string) => string;
  hotkeypub: (name: string) => string;
}

export function walletPaths(home: string, wallet: string): WalletPaths {
  const dir = resolve(home, 'wallets', checkName('wallet', wallet));
  const hotkeys = join(dir, 'hotkeys');
  return {
    dir,
    coldkey: join(dir, 'coldkey'),
    coldkeypub: join(dir, 'coldkeypub.txt'),
    hotkeys,
    hotkey: (name) => join(hotkeys, checkName('hotkey', name)),
    hotkeypub: (name) => join(hotkeys, `${checkName('hotkey', name)}pub.txt`),
  };
}
