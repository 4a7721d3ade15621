/**
 * Unlocking a wallet's coldkey or hotkey into a KeyPair for signing, with the password from the usual
 * sources (src/wallet/password.ts). Unencrypted (--no-password) keys need no password. This is the API the
 * ledger commands and the peer process call; the peer passes `interactive: false` and gets its password
 * from --password-file, TAO_PASSWORD or the keychain, never a prompt.
 */
import type { KeyPair } from '../crypto/keys.js';
import type { Keyfile } from './keyfile.js';
import { openKeyfile, readKeyfile, type StoredKey } from './keystore.js';
import { walletPaths } from './layout.js';
import type { PasswordContext, PasswordSource } from './password.js';
import { notify, withPassword } from './password.js';
import { refuseWalletLinks } from './links.js';
import { requireColdkeyFile } from './store.js';

export interface UnlockContext extends PasswordContext {
  /** Which hotkey (default 'default'). */
  hotkey?: string;
}

export interface UnlockedKey {
  key: StoredKey;
  file: Keyfile;
  path: string;
  /** The password that opened it; undefined for an unencrypted key. */
  password?: string;
  source?: PasswordSource;
}

export async function unlockKeyfileAt(
  ctx: PasswordContext,
  path: string,
  what: string,
): Promise<UnlockedKey> {
  const file = readKeyfile(path, what, (m) => notify(ctx, m));
  if (!file.encrypted) return { key: await openKeyfile(file, undefined, path), file, path };
  const r = await withPassword(ctx, `unlock the ${what}`, (pw) => openKeyfile(file, pw, path));
  return { key: r.value, file, path, password: r.password, source: r.source };
}

export async function unlockColdkeyDetailed(ctx: UnlockContext): Promise<UnlockedKey> {
  refuseWalletLinks(ctx.home, ctx.wallet);
  const path = requireColdkeyFile(ctx.home, ctx.wallet);
  return unlockKeyfileAt(ctx, path, `coldkey of wallet '${ctx.wallet}'`);
}

export async function unlockHotkeyDetailed(ctx: UnlockContext): Promise<UnlockedKey> {
  const hotkey = ctx.hotkey ?? 'default';
  refuseWalletLinks(ctx.home, ctx.wallet);
  const path = walletPaths(ctx.home, ctx.wallet).hotkey(hotkey);
  return unlockKeyfileAt(ctx, path, `hotkey '${hotkey}' of wallet '${ctx.wallet}'`);
}

/** The wallet's coldkey pair (E_WALLET_NOT_FOUND, E_PASSWORD_REQUIRED, E_BAD_PASSWORD, E_KEYFILE_*). */
export async function unlockColdkey(ctx: UnlockContext): Promise<KeyPair> {
  return (await unlockColdkeyDetailed(ctx)).key.pair;
}

/** The pair of hotkey `ctx.hotkey` (default 'default') of the wallet; same errors as unlockColdkey. */
export async function unlockHotkey(ctx: UnlockContext): Promise<KeyPair> {
  return (await unlockHotkeyDetailed(ctx)).key.pair;
}
