/**
 * The wallets of `tao up`: password-less dev wallets `up-<name>` for the neighbours (made once, reused),
 * and the operator's own wallet — reused when it exists, otherwise made password-less and marked as a dev
 * wallet. Says whether the own peer can unlock its hotkey without a prompt, and how to give it the password.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { authError, usageError } from '../core/errors.js';
import type { KeyPair } from '../crypto/keys.js';
import { handleCreate, handleNewHotkey } from '../wallet/create.js';
import { loadWalletInfo, unlockColdkey, unlockHotkeyDetailed, walletPaths } from '../wallet/index.js';

export interface WalletKeys {
  wallet: string;
  hotkeyName: string;
  coldkey: string;
  hotkey: string;
  /** True when this call made the coldkey (a new dev wallet). */
  created: boolean;
}

function addresses(home: string, wallet: string, hotkeyName: string): { coldkey: string; hotkey: string } {
  const info = loadWalletInfo(home, wallet);
  const hot = info.hotkeys.find((h) => h.name === hotkeyName);
  if (!info.coldkey || !hot)
    throw usageError('E_WALLET_INCOMPLETE', `wallet '${wallet}' lacks its coldkey or hotkey '${hotkeyName}'`);
  return { coldkey: info.coldkey.ss58, hotkey: hot.ss58 };
}

/** A password-less wallet `name` with hotkey `default`, made when missing (neighbour peers). */
export async function ensureDevWallet(home: string, wallet: string): Promise<WalletKeys> {
  const p = walletPaths(home, wallet);
  const ctx = { home, wallet, hotkey: 'default', interactive: false, json: true };
  let created = false;
  if (!existsSync(p.coldkey)) {
    await handleCreate(ctx, { noPassword: true, overwrite: existsSync(p.hotkey('default')) });
    created = true;
  } else if (!existsSync(p.hotkey('default'))) {
    await handleNewHotkey(ctx, { noPassword: true });
  }
  return { wallet, hotkeyName: 'default', created, ...addresses(home, wallet, 'default') };
}

export interface OwnWalletContext {
  home: string;
  wallet: string;
  hotkey: string;
  passwordFile?: string;
  interactive: boolean;
  json: boolean;
}

/**
 * The operator's wallet: made password-less (a dev wallet) when it does not exist; a missing hotkey is
 * added (encrypted like its coldkey). Refuses a watch-only wallet, which cannot sign.
 */
export async function ensureOwnWallet(ctx: OwnWalletContext): Promise<WalletKeys & { encrypted: boolean }> {
  const p = walletPaths(ctx.home, ctx.wallet);
  const keyCtx = { ...ctx, hotkey: ctx.hotkey };
  if (!existsSync(p.coldkey)) {
    if (existsSync(p.coldkeypub))
      throw usageError(
        'E_NO_COLDKEY',
        `wallet '${ctx.wallet}' has only a public coldkey (coldkeypub.txt); it cannot register or stake`,
        'pick another wallet with --wallet NAME',
      );
    await handleCreate(keyCtx, { noPassword: true, overwrite: existsSync(p.hotkey(ctx.hotkey)) });
    return {
      wallet: ctx.wallet,
      hotkeyName: ctx.hotkey,
      created: true,
      encrypted: false,
      ...addresses(ctx.home, ctx.wallet, ctx.hotkey),
    };
  }
  const info = loadWalletInfo(ctx.home, ctx.wallet);
  if (!existsSync(p.hotkey(ctx.hotkey)))
    await handleNewHotkey(keyCtx, { noPassword: info.coldkey?.encrypted === false });
  return {
    wallet: ctx.wallet,
    hotkeyName: ctx.hotkey,
    created: false,
    encrypted: info.coldkey?.encrypted !== false,
    ...addresses(ctx.home, ctx.wallet, ctx.hotkey),
  };
}

/** The coldkey pair for signing faucet/register/stake; prompts only when `interactive`. */
export function ownColdkeyPair(ctx: OwnWalletContext): Promise<KeyPair> {
  return unlockColdkey({ ...ctx, hotkey: ctx.hotkey });
}

/** How the own peer gets its hotkey's password: nothing, a file path, or the environment. */
export interface PeerUnlock {
  passwordFile?: string;
  env?: Record<string, string>;
  source: 'none' | 'file' | 'env' | 'keychain';
}

/**
 * Checks that the own peer will unlock its hotkey without a prompt (it never prompts) by unlocking it the
 * same way here, and says what to hand the peer. E_PASSWORD_REQUIRED (exit 3) with a hint otherwise.
 */
export async function peerUnlock(ctx: OwnWalletContext): Promise<PeerUnlock> {
  const info = loadWalletInfo(ctx.home, ctx.wallet);
  const hot = info.hotkeys.find((h) => h.name === ctx.hotkey);
  if (hot?.encrypted === false) return { source: 'none' };
  let unlocked: Awaited<ReturnType<typeof unlockHotkeyDetailed>>;
  try {
    unlocked = await unlockHotkeyDetailed({ ...ctx, interactive: false });
  } catch (error) {
    if ((error as { code?: string }).code !== 'E_PASSWORD_REQUIRED') throw error;
    throw authError(
      'E_PASSWORD_REQUIRED',
      `hotkey '${ctx.hotkey}' of wallet '${ctx.wallet}' is encrypted and your peer runs unattended: it needs the password without a prompt`,
      'pass --password-file FILE or set TAO_PASSWORD, or remember it once with: tao wallet unlock --remember',
    );
  }
  if (unlocked.source === 'keychain' || unlocked.password === undefined) return { source: 'keychain' };
  if (unlocked.source === 'file' && ctx.passwordFile && ctx.passwordFile !== '-')
    return {
      source: 'file',
      passwordFile: isAbsolute(ctx.passwordFile) ? ctx.passwordFile : resolve(ctx.passwordFile),
    };
  return { source: 'env', env: { TAO_PASSWORD: unlocked.password } };
}
