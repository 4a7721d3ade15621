/**
 * Where passwords come from, in docs/cli.md's order: --password-file (`-` = stdin), TAO_PASSWORD, the OS
 * keychain (stored by `tao wallet unlock --remember`), then a no-echo prompt — only on a TTY, three tries.
 * Otherwise E_PASSWORD_REQUIRED (exit 3). A source that applies but gives a wrong password fails at once
 * with E_BAD_PASSWORD (never a loop in a script). New passwords: at least 8 characters, typed twice.
 */
import { usageError } from '../core/errors.js';
import { badPassword, passwordRequired } from './errors.js';
import { passwordFromText, readSecretFile } from './input.js';
import { keychainDisabled, keychainGet } from './keychain.js';
import { walletPaths } from './layout.js';

export const MIN_PASSWORD_LENGTH = 8;
export const PROMPT_TRIES = 3;

export interface PasswordContext {
  home: string;
  wallet: string;
  /** --password-file: a file whose first line is the password, or `-` for stdin. */
  passwordFile?: string;
  /** May prompt on the terminal (false under --json/--yes or without a TTY). Default false. */
  interactive?: boolean;
  json?: boolean;
  /** Environment to read TAO_PASSWORD from (default process.env). */
  env?: Record<string, string | undefined>;
  /** No-echo reader for the terminal (default: src/core/prompt.ts readPassword). */
  prompt?: (question: string) => Promise<string>;
  /** Where one-line notices go (default: stderr, and none with --json). */
  notice?: (message: string) => void;
  /** Consult the OS keychain (default true, unless TAO_NO_KEYCHAIN=1). */
  keychain?: boolean;
}

export type PasswordSource = 'file' | 'env' | 'keychain' | 'prompt';

/** The keychain account of a wallet: its absolute directory. */
export const keychainAccount = (home: string, wallet: string) => walletPaths(home, wallet).dir;

let keychainNoticeShown = false;

export function notify(ctx: PasswordContext, message: string): void {
  if (ctx.notice) ctx.notice(message);
  else if (!ctx.json) process.stderr.write(`tao: ${message}\n`);
}

/** Says "OS keychain unavailable: …" once per process (text mode), then callers fall back. */
export function keychainUnavailableNotice(ctx: PasswordContext, reason: string): void {
  if (keychainNoticeShown) return;
  keychainNoticeShown = true;
  notify(ctx, `OS keychain unavailable: ${reason} (falling back to other password sources)`);
}

async function promptFn(ctx: PasswordContext): Promise<(q: string) => Promise<string>> {
  if (ctx.prompt) return ctx.prompt;
  const { readPassword } = await import('../core/prompt.js');
  return readPassword;
}

const envOf = (ctx: PasswordContext) => ctx.env ?? process.env;

/** The password from --password-file or TAO_PASSWORD, if either is given. */
export function givenPassword(ctx: PasswordContext): { password: string; source: PasswordSource } | null {
  if (ctx.passwordFile !== undefined) {
    return { password: passwordFromText(readSecretFile(ctx.passwordFile, 'password')), source: 'file' };
  }
  const env = envOf(ctx).TAO_PASSWORD;
  if (env !== undefined && env !== '') return { password: env, source: 'env' };
  return null;
}

export interface Unlocked<T> {
  value: T;
  password: string;
  source: PasswordSource;
}

/**
 * Finds the password for an existing keyfile and runs `attempt` with it; `attempt` throws E_BAD_PASSWORD
 * for a wrong one. `what` completes "a password is required to …".
 */
export async function withPassword<T>(
  ctx: PasswordContext,
  what: string,
  attempt: (password: string) => Promise<T>,
): Promise<Unlocked<T>> {
  const given = givenPassword(ctx);
  if (given) return { value: await attempt(given.password), ...given };

  if (ctx.keychain !== false && !keychainDisabled(envOf(ctx))) {
    const stored = await keychainGet(keychainAccount(ctx.home, ctx.wallet));
    if (!stored.ok) keychainUnavailableNotice(ctx, stored.reason);
    else if (stored.value !== null) {
      try {
        return { value: await attempt(stored.value), password: stored.value, source: 'keychain' };
      } catch (error) {
        if ((error as { code?: string }).code === 'E_BAD_PASSWORD')
          throw badPassword(
            'the password remembered in the OS keychain no longer unlocks this wallet; run `tao wallet unlock --forget`, then `tao wallet unlock --remember`',
          );
        throw error;
      }
    }
  }

  if (!ctx.interactive) throw passwordRequired(what);
  const ask = await promptFn(ctx);
  for (let tryNo = 1; ; tryNo++) {
    const password = await ask(`Password to ${what}: `);
    try {
      return { value: await attempt(password), password, source: 'prompt' };
    } catch (error) {
      if ((error as { code?: string }).code !== 'E_BAD_PASSWORD' || tryNo >= PROMPT_TRIES) throw error;
      process.stderr.write(`wrong password, try again (${PROMPT_TRIES - tryNo} left)\n`);
    }
  }
}

export function checkPasswordPolicy(password: string): string {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    throw usageError(
      'E_WEAK_PASSWORD',
      `the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  return password;
}

export interface NewPasswordSources {
  /** A file for the new password (e.g. --new-password-file); default ctx.passwordFile. */
  file?: string;
  /** The env var for it (default TAO_PASSWORD). */
  envVar?: string;
}

/** A new password: from a file or env var, else typed twice on a TTY; at least 8 characters. */
export async function newPassword(
  ctx: PasswordContext,
  what: string,
  sources: NewPasswordSources = {},
): Promise<string> {
  const file = sources.file ?? (sources.envVar ? undefined : ctx.passwordFile);
  if (file !== undefined) return checkPasswordPolicy(passwordFromText(readSecretFile(file, 'password')));
  const fromEnv = envOf(ctx)[sources.envVar ?? 'TAO_PASSWORD'];
  if (fromEnv !== undefined && fromEnv !== '') return checkPasswordPolicy(fromEnv);
  if (!ctx.interactive) throw passwordRequired(what);
  const ask = await promptFn(ctx);
  for (let tryNo = 1; ; tryNo++) {
    const first = await ask(`New password to ${what} (at least ${MIN_PASSWORD_LENGTH} characters): `);
    try {
      checkPasswordPolicy(first);
    } catch (error) {
      if (tryNo >= PROMPT_TRIES) throw error;
      process.stderr.write(`${(error as Error).message}\n`);
      continue;
    }
    const second = await ask('Repeat the new password: ');
    if (first === second) return first;
    if (tryNo >= PROMPT_TRIES)
      throw usageError('E_PASSWORD_MISMATCH', 'the two passwords did not match; nothing was written');
    process.stderr.write('the two passwords did not match, try again\n');
  }
}
