/**
 * The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows) through
 * @napi-rs/keyring, loaded lazily. Entries are service `tao`, account = the wallet's absolute path. Every
 * call has a timeout and never throws: an unavailable keychain is reported as such so callers fall back.
 * On Linux the Secret Service is required (no silent fallback to the non-persistent kernel keyring).
 * TAO_NO_KEYCHAIN=1 turns the keychain off.
 */

export const KEYCHAIN_SERVICE = 'tao';
const TIMEOUT_MS = 3000;

export type KeychainResult<T> = { ok: true; value: T } | { ok: false; reason: string };

interface AsyncEntryLike {
  getPassword(signal?: AbortSignal): Promise<string | null>;
  setPassword(password: string, signal?: AbortSignal): Promise<void>;
  deletePassword(signal?: AbortSignal): Promise<boolean>;
}

export const keychainDisabled = (env: Record<string, string | undefined> = process.env) =>
  env.TAO_NO_KEYCHAIN === '1' || env.TAO_NO_KEYCHAIN === 'true';

async function entryFor(account: string): Promise<AsyncEntryLike> {
  const { AsyncEntry } = await import('@napi-rs/keyring');
  return new AsyncEntry(KEYCHAIN_SERVICE, account, { linux: { store: 'secret-service' } });
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/^Platform failure: /, '')
    .split('\n')[0]!
    .slice(0, 200);
}

async function withEntry<T>(account: string, op: (e: AsyncEntryLike, signal: AbortSignal) => Promise<T>) {
  if (keychainDisabled()) return { ok: false, reason: 'disabled by TAO_NO_KEYCHAIN' } as const;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<KeychainResult<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, reason: `no answer within ${TIMEOUT_MS / 1000} s` });
    }, TIMEOUT_MS);
    timer.unref();
  });
  const attempt = (async (): Promise<KeychainResult<T>> => {
    try {
      const entry = await entryFor(account);
      return { ok: true, value: await op(entry, controller.signal) };
    } catch (error) {
      return { ok: false, reason: reasonOf(error) };
    }
  })();
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const keychainGet = (account: string): Promise<KeychainResult<string | null>> =>
  withEntry(account, (e, signal) => e.getPassword(signal));

export const keychainSet = (account: string, password: string): Promise<KeychainResult<void>> =>
  withEntry(account, (e, signal) => e.setPassword(password, signal));

/** Resolves to whether an entry was deleted (false: there was none). */
export const keychainDelete = (account: string): Promise<KeychainResult<boolean>> =>
  withEntry(account, (e, signal) => e.deletePassword(signal));
