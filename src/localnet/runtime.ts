/**
 * Which Subtensor runtime wasm the localnet runs: `--runtime FILE`, else `TAO_SUBTENSOR_RUNTIME`, else the
 * newest `*.wasm` in the runtime cache dir. None → exit 2 with the ways to get one.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '../core/errors.js';
import { runtimeCacheDir } from './paths.js';

export interface ResolvedRuntime {
  path: string;
  source: 'flag' | 'env' | 'cache';
}

const howToGet = (cacheDir: string) =>
  `get one with 'tao localnet fetch-runtime --from wss://<subtensor node>' (saves it into ${cacheDir}), ` +
  `or place a Subtensor runtime .wasm in ${cacheDir}, or set TAO_SUBTENSOR_RUNTIME=/path/to/runtime.wasm ` +
  `(or pass --runtime FILE)`;

function mustBeFile(path: string, what: string, cacheDir: string): string {
  const abs = resolve(path);
  if (!existsSync(abs) || !statSync(abs).isFile())
    throw usageError('E_RUNTIME_MISSING', `${what} ${abs} is not a file`, howToGet(cacheDir));
  return abs;
}

export function resolveRuntime(flag?: string, env: NodeJS.ProcessEnv = process.env): ResolvedRuntime {
  const cacheDir = runtimeCacheDir(env);
  if (flag) return { path: mustBeFile(flag, '--runtime', cacheDir), source: 'flag' };
  const fromEnv = env.TAO_SUBTENSOR_RUNTIME;
  if (fromEnv) return { path: mustBeFile(fromEnv, 'TAO_SUBTENSOR_RUNTIME', cacheDir), source: 'env' };
  const newest = newestWasm(cacheDir);
  if (!newest)
    throw usageError(
      'E_RUNTIME_MISSING',
      `no Subtensor runtime found: no *.wasm in ${cacheDir} and TAO_SUBTENSOR_RUNTIME is not set`,
      howToGet(cacheDir),
    );
  return { path: newest, source: 'cache' };
}

function newestWasm(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  let best: { path: string; mtime: number } | undefined;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.wasm')) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isFile() && (!best || st.mtimeMs > best.mtime)) best = { path, mtime: st.mtimeMs };
  }
  return best?.path;
}
