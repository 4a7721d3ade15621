/**
 * Where the real-runtime localnet keeps its files: runtimes and built genesis specs in the cache dir
 * (`${XDG_CACHE_HOME:-~/.cache}/tao/subtensor/`), and the running instance's pid, run info and log under
 * `$TAO_HOME/localnet/`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_LOCALNET_PORT = 9945;

/** The runtime cache: `*.wasm` runtimes and `genesis-<sha256>.json` chain specs built from them. */
export function runtimeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'tao', 'subtensor');
}

export const localnetPaths = (home: string) => {
  const dir = join(home, 'localnet');
  return {
    dir,
    pid: join(dir, 'localnet.pid'),
    info: join(dir, 'localnet.json'),
    log: join(dir, 'localnet.log'),
  };
};

export const endpointFor = (port: number) => `ws://127.0.0.1:${port}`;
export const httpEndpointFor = (port: number) => `http://127.0.0.1:${port}`;
