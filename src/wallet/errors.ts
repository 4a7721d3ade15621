/**
 * The wallet's typed failures, one constructor per situation, so every command reports the same code,
 * message shape and exit code (docs/cli.md: 2 = bad usage or input, 3 = authentication).
 */
import { authError, usageError } from '../core/errors.js';

export const walletExists = (what: string, path: string) =>
  usageError(
    'E_WALLET_EXISTS',
    `${what} already exists at ${path}; refusing to overwrite it`,
    'pass --overwrite to replace it (the old file is kept as a .bak-<timestamp> backup)',
  );

export const walletNotFound = (what: string, path: string) =>
  usageError('E_WALLET_NOT_FOUND', `${what} not found at ${path}`, 'create one with `tao wallet create`');

export const badPassword = (hint?: string) =>
  authError(
    'E_BAD_PASSWORD',
    'wrong password: the keyfile did not unlock',
    hint ?? 'check the password source (--password-file, TAO_PASSWORD, the OS keychain)',
  );

export const keyfileTampered = (path: string, detail: string) =>
  authError(
    'E_KEYFILE_TAMPERED',
    `keyfile ${path} failed its integrity check (${detail}); it was changed after it was written`,
    'restore it from a backup or regenerate it from the mnemonic (tao wallet regen-coldkey)',
  );

export const keyfileCorrupt = (path: string, detail: string) =>
  authError(
    'E_KEYFILE_CORRUPT',
    `keyfile ${path} is corrupted or truncated (${detail}); it was left untouched`,
    'restore it from a backup or regenerate it from the mnemonic (tao wallet regen-coldkey)',
  );

export const passwordRequired = (what: string) =>
  authError(
    'E_PASSWORD_REQUIRED',
    `a password is required to ${what}, and none is available without a terminal`,
    'pass --password-file FILE (or - for stdin), set TAO_PASSWORD, or run `tao wallet unlock --remember` once',
  );

export const homeNotWritable = (path: string, reason: string) =>
  usageError(
    'E_HOME_NOT_WRITABLE',
    `cannot write ${path}: ${reason}`,
    'check the permissions of --home / TAO_HOME, or choose another directory',
  );

export const keychainUnavailable = (reason: string) =>
  authError(
    'E_KEYCHAIN_UNAVAILABLE',
    `OS keychain unavailable: ${reason}`,
    'use --password-file or TAO_PASSWORD instead, or start a Secret Service (e.g. gnome-keyring-daemon)',
  );

export const walletBusy = (wallet: string, lockPath: string, holder: string) =>
  usageError(
    'E_WALLET_BUSY',
    `wallet '${wallet}' is being changed by another tao process (${holder}); nothing was changed`,
    `retry when it has finished; if that process no longer runs, delete ${lockPath}`,
  );

export const walletSymlink = (path: string) =>
  usageError(
    'E_WALLET_SYMLINK',
    `${path} is a symbolic link; tao does not follow links inside a wallet directory`,
    'replace the link with the real file or directory (the tao home and its wallets/ directory may be links)',
  );

export const keyfilePermissions = (path: string, mode: number) =>
  usageError(
    'E_KEYFILE_PERMISSIONS',
    `unencrypted keyfile ${path} can be read by other users (mode ${octal(mode)}); refusing to use it`,
    `restrict it with: chmod 600 ${path}`,
  );

/** A permission mode as ssh prints it, e.g. 0644. */
export const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
