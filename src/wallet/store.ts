/**
 * Reading wallets without unlocking anything: which wallets exist, their coldkey and hotkey addresses.
 * Only plain fs and JSON here (no crypto, no keychain), so `tao wallet list --json` starts fast.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '../core/errors.js';
import { walletNotFound } from './errors.js';
import { walletPaths } from './layout.js';
import { parsePubFile } from './pubfile.js';

export interface KeyInfo {
  ss58: string;
  publicKey: string;
  scheme: string;
  /** true/false for a tao keyfile; null when there is only a public file (watch-only) or a foreign file. */
  encrypted: boolean | null;
}

export interface HotkeyInfo extends KeyInfo {
  name: string;
}

export interface WalletInfo {
  name: string;
  path: string;
  coldkey: KeyInfo | null;
  /** Whether the secret coldkey file exists (false for a wallet made by regen-coldkeypub). */
  hasColdkeySecret: boolean;
  hotkeys: HotkeyInfo[];
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The public facts of a keyfile, read from its header without decrypting. */
function peekKeyfile(
  path: string,
): { ss58?: string; publicKey?: string; scheme?: string; encrypted: boolean | null } | null {
  const text = readText(path);
  if (text === null) return null;
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    if (doc && typeof doc === 'object' && doc.tao_keyfile !== undefined) {
      return {
        ss58: typeof doc.ss58 === 'string' ? doc.ss58 : undefined,
        publicKey: typeof doc.public_key === 'string' ? doc.public_key : undefined,
        scheme: typeof doc.scheme === 'string' ? doc.scheme : undefined,
        encrypted: doc.encrypted === true ? true : doc.encrypted === false ? false : null,
      };
    }
  } catch {
    // not JSON: a foreign or corrupted file; its pub file may still say the address
  }
  return { encrypted: null };
}

function keyInfo(secretPath: string, pubPath: string): KeyInfo | null {
  const peek = peekKeyfile(secretPath);
  const pubText = readText(pubPath);
  const pub = pubText === null ? null : parsePubFile(pubText);
  const ss58 = pub?.ss58Address ?? peek?.ss58;
  const publicKey = pub?.publicKey ?? peek?.publicKey;
  if (!ss58 || !publicKey) return null;
  return {
    ss58,
    publicKey,
    scheme: peek?.scheme ?? pub?.scheme ?? 'sr25519',
    encrypted: peek ? peek.encrypted : null,
  };
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function hotkeyNames(hotkeysDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(hotkeysDir);
  } catch {
    return [];
  }
  const names = new Set<string>();
  for (const entry of entries) {
    if (entry.startsWith('.') || entry.includes('.bak-') || entry.includes('.tmp-')) continue;
    names.add(entry.endsWith('pub.txt') ? entry.slice(0, -'pub.txt'.length) : entry);
  }
  return [...names].filter((n) => n.length > 0).sort();
}

/** Everything public about one wallet; E_WALLET_NOT_FOUND (exit 2) when its directory does not exist. */
export function loadWalletInfo(home: string, name: string): WalletInfo {
  const p = walletPaths(home, name);
  if (!isDir(p.dir)) throw walletNotFound(`wallet '${name}'`, p.dir);
  const hotkeys: HotkeyInfo[] = [];
  for (const hk of hotkeyNames(p.hotkeys)) {
    let info: KeyInfo | null = null;
    try {
      info = keyInfo(p.hotkey(hk), p.hotkeypub(hk));
    } catch {
      continue; // a file whose name is not a valid hotkey name: not ours
    }
    if (info) hotkeys.push({ name: hk, ...info });
  }
  let hasColdkeySecret = false;
  try {
    hasColdkeySecret = statSync(p.coldkey).isFile();
  } catch {
    hasColdkeySecret = false;
  }
  return { name, path: p.dir, coldkey: keyInfo(p.coldkey, p.coldkeypub), hasColdkeySecret, hotkeys };
}

/** All wallets under `<home>/wallets`, sorted by name. */
export function listWallets(home: string): WalletInfo[] {
  const root = resolve(home, 'wallets');
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const out: WalletInfo[] = [];
  for (const name of entries.sort()) {
    if (!isDir(join(root, name))) continue;
    try {
      out.push(loadWalletInfo(home, name));
    } catch {
      // a directory whose name is not a valid wallet name
    }
  }
  return out;
}

/** The coldkey's SS58 address, from coldkeypub.txt (or the keyfile header). */
export function coldkeyAddress(home: string, wallet: string): string {
  const info = loadWalletInfo(home, wallet);
  if (!info.coldkey)
    throw walletNotFound(`coldkey of wallet '${wallet}'`, walletPaths(home, wallet).coldkeypub);
  return info.coldkey.ss58;
}

/** The hotkey's SS58 address, from `hotkeys/<hotkey>pub.txt` (or the keyfile header). */
export function hotkeyAddress(home: string, wallet: string, hotkey: string): string {
  const p = walletPaths(home, wallet);
  const info = keyInfo(p.hotkey(hotkey), p.hotkeypub(hotkey));
  if (!info) {
    if (!isDir(p.dir)) throw walletNotFound(`wallet '${wallet}'`, p.dir);
    throw walletNotFound(`hotkey '${hotkey}' of wallet '${wallet}'`, p.hotkey(hotkey));
  }
  return info.ss58;
}

/** E_WALLET_NOT_FOUND unless the wallet has a coldkey secret file. */
export function requireColdkeyFile(home: string, wallet: string): string {
  const p = walletPaths(home, wallet);
  try {
    if (statSync(p.coldkey).isFile()) return p.coldkey;
  } catch {
    // fall through
  }
  if (isDir(p.dir) && readText(p.coldkeypub) !== null)
    throw usageError(
      'E_NO_COLDKEY',
      `wallet '${wallet}' has only a public coldkey (coldkeypub.txt); it cannot sign`,
      'regenerate the secret coldkey with `tao wallet regen-coldkey --mnemonic-file FILE`',
    );
  throw walletNotFound(`coldkey of wallet '${wallet}'`, p.coldkey);
}
