/**
 * Loading Chopsticks (`@acala-network/chopsticks`, an optional dependency) lazily, with one clear message
 * saying how to install it when it is absent. Nothing else in tao imports it.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TaoError } from '../core/errors.js';

export type Chopsticks = typeof import('@acala-network/chopsticks');

export const CHOPSTICKS_PACKAGE = '@acala-network/chopsticks@1.1.0';

function notInstalled(cause: unknown): TaoError {
  const dir = fileURLToPath(new URL('../../', import.meta.url));
  const why = cause instanceof Error ? ` (${cause.message.split('\n')[0]})` : '';
  return new TaoError(
    'E_CHOPSTICKS_MISSING',
    `tao localnet needs Chopsticks, an optional dependency that is not installed${why}`,
    2,
    `install it with: (cd ${dir} && npm install --no-save ${CHOPSTICKS_PACKAGE})`,
  );
}

const isModuleNotFound = (e: unknown) =>
  e instanceof Error &&
  ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' ||
    /Cannot find (module|package)/.test(e.message)) &&
  e.message.includes('@acala-network/');

/**
 * Imports Chopsticks. Its logger writes to stdout, so outside the serve process the level defaults to
 * `error` (a `--json` document must stay the only thing on stdout).
 */
export async function loadChopsticks(logLevel = 'error'): Promise<Chopsticks> {
  process.env.LOG_LEVEL ??= logLevel;
  try {
    return await import('@acala-network/chopsticks');
  } catch (e) {
    if (isModuleNotFound(e)) throw notInstalled(e);
    throw e;
  }
}

/** Fails fast (exit 2, install hint) when Chopsticks is absent, without loading it. */
export function assertChopsticksInstalled(): void {
  try {
    createRequire(import.meta.url).resolve('@acala-network/chopsticks');
  } catch (e) {
    throw notInstalled(e);
  }
}
