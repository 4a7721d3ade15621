/**
 * `tao wallet change-password | unlock`: re-encrypting a wallet under a new password, and
 * remembering/forgetting a wallet's password in the OS keychain.
 */
import { existsSync } from 'node:fs';
import { usageError } from '../core/errors.js';
import { keychainUnavailable } from './errors.js';
import { type Keyfile, serializeKeyfile } from './keyfile.js';
import { keychainDelete, keychainDisabled, keychainGet, keychainSet } from './keychain.js';
import { buildKeyfile, openKeyfile, readKeyfile } from './keystore.js';
import { walletPaths } from './layout.js';
import { writeFileAtomic } from './atomic.js';
import {
  keychainAccount,
  newPassword,
  notify,
  type PasswordContext,
  type PasswordSource,
  withPassword,
} from './password.js';
import { refuseWalletLinks } from './links.js';
import { withWalletLock } from './lock.js';
import { loadWalletInfo } from './store.js';
import { unlockKeyfileAt } from './unlock.js';

/** The keyfile a wallet's password is checked against: the coldkey, else the selected hotkey. */
function passwordTarget(ctx: PasswordContext & { hotkey?: string }): { path: string; what: string } {
  const p = walletPaths(ctx.home, ctx.wallet);
  if (existsSync(p.coldkey)) return { path: p.coldkey, what: `coldkey of wallet '${ctx.wallet}'` };
  const hotkey = ctx.hotkey ?? 'default';
  if (existsSync(p.hotkey(hotkey)))
    return { path: p.hotkey(hotkey), what: `hotkey '${hotkey}' of wallet '${ctx.wallet}'` };
  loadWalletInfo(ctx.home, ctx.wallet); // E_WALLET_NOT_FOUND for a missing wallet
  throw usageError(
    'E_WALLET_NOT_FOUND',
    `wallet '${ctx.wallet}' has no coldkey or hotkey '${hotkey}' to unlock`,
  );
}

export interface UnlockResult {
  wallet: string;
  remembered: boolean;
  /** true when --forget removed an entry. */
  forgotten?: boolean;
  source?: PasswordSource;
}

/** `tao wallet unlock [--remember | --forget]`. */
export async function handleUnlock(
  ctx: PasswordContext & { hotkey?: string },
  opts: { remember?: boolean; forget?: boolean },
): Promise<UnlockResult> {
  if (opts.remember && opts.forget) throw usageError('E_USAGE', 'give --remember or --forget, not both');
  const account = keychainAccount(ctx.home, ctx.wallet);
  if (opts.forget) {
    loadWalletInfo(ctx.home, ctx.wallet);
    if (keychainDisabled(ctx.env ?? process.env)) throw keychainUnavailable('disabled by TAO_NO_KEYCHAIN');
    const r = await keychainDelete(account);
    if (!r.ok) throw keychainUnavailable(r.reason);
    return { wallet: ctx.wallet, remembered: false, forgotten: r.value };
  }
  refuseWalletLinks(ctx.home, ctx.wallet);
  const target = passwordTarget(ctx);
  const file = readKeyfile(target.path, target.what, (m) => notify(ctx, m));
  if (!file.encrypted)
    throw usageError(
      'E_NOT_ENCRYPTED',
      `the ${target.what} has no password (it was made with --no-password)`,
    );
  // --remember takes the password from a file, TAO_PASSWORD or the prompt — never from the keychain itself.
  const unlocked = await withPassword(
    { ...ctx, keychain: !opts.remember },
    `unlock the ${target.what}`,
    (pw) => openKeyfile(file, pw, target.path),
  );
  if (opts.remember) {
    if (keychainDisabled(ctx.env ?? process.env)) throw keychainUnavailable('disabled by TAO_NO_KEYCHAIN');
    const r = await keychainSet(account, unlocked.password);
    if (!r.ok) throw keychainUnavailable(r.reason);
    return { wallet: ctx.wallet, remembered: true, source: unlocked.source };
  }
  return { wallet: ctx.wallet, remembered: unlocked.source === 'keychain', source: unlocked.source };
}

export interface ChangePasswordResult {
  wallet: string;
  changed: string[];
  skipped: string[];
  keychain_updated: boolean;
}

/**
 * `tao wallet change-password`: re-encrypts the coldkey and every hotkey that opens with the old password
 * under the new one (unencrypted hotkeys stay so); updates a remembered keychain entry.
 */
export async function handleChangePassword(
  ctx: PasswordContext & { hotkey?: string },
  opts: { newPasswordFile?: string },
): Promise<ChangePasswordResult> {
  loadWalletInfo(ctx.home, ctx.wallet); // E_WALLET_NOT_FOUND before taking a lock
  return withWalletLock(ctx.home, ctx.wallet, () => changePassword(ctx, opts));
}

async function changePassword(
  ctx: PasswordContext & { hotkey?: string },
  opts: { newPasswordFile?: string },
): Promise<ChangePasswordResult> {
  const p = walletPaths(ctx.home, ctx.wallet);
  const target = passwordTarget(ctx);
  const current = await unlockKeyfileAt(ctx, target.path, target.what);
  const next = await newPassword(ctx, `encrypt wallet '${ctx.wallet}'`, {
    file: opts.newPasswordFile,
    envVar: 'TAO_NEW_PASSWORD',
  });
  const files: { path: string; label: string }[] = [];
  if (existsSync(p.coldkey)) files.push({ path: p.coldkey, label: 'coldkey' });
  for (const h of loadWalletInfo(ctx.home, ctx.wallet).hotkeys)
    if (existsSync(p.hotkey(h.name))) files.push({ path: p.hotkey(h.name), label: `hotkeys/${h.name}` });

  // Decrypt everything first, so a failure midway leaves every file as it was.
  const rewrites: { path: string; label: string; file: Keyfile }[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    let file: Keyfile;
    try {
      file = readKeyfile(f.path, f.label, (m) => notify(ctx, m));
    } catch {
      skipped.push(f.label);
      continue;
    }
    if (!file.encrypted && f.path !== current.path) continue; // --no-password hotkeys stay as they are
    try {
      const key = await openKeyfile(file, current.password, f.path);
      rewrites.push({ ...f, file: await buildKeyfile(key, next) });
    } catch {
      skipped.push(f.label); // encrypted under another password
    }
  }
  for (const r of rewrites)
    writeFileAtomic(r.path, serializeKeyfile(r.file), { overwrite: true, backup: false });

  let keychainUpdated = false;
  if (
    current.source === 'keychain' ||
    (ctx.keychain !== false && !keychainDisabled(ctx.env ?? process.env))
  ) {
    const account = keychainAccount(ctx.home, ctx.wallet);
    const stored =
      current.source === 'keychain'
        ? { ok: true as const, value: current.password }
        : await keychainGet(account);
    if (stored.ok && stored.value !== null && stored.value !== undefined) {
      keychainUpdated = (await keychainSet(account, next)).ok;
    }
  }
  return {
    wallet: ctx.wallet,
    changed: rewrites.map((r) => r.label),
    skipped,
    keychain_updated: keychainUpdated,
  };
}
