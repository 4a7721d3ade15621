/**
 * `tao localnet fetch-runtime --from URL`: reads a live node's runtime (`:code`) and its version over
 * HTTP(S) JSON-RPC or WebSocket, and saves it atomically into the runtime cache dir as
 * `<spec_name>-<spec_version>.wasm`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TaoError, unreachableError, usageError } from '../core/errors.js';
import { fromHex } from '../crypto/hex.js';
import { CODE_KEY } from './genesis.js';
import { httpRpc, type RuntimeVersionRpc } from '../chain/subtensor/http-rpc.js';

export interface FetchRuntimeResult {
  path: string;
  spec_name: string;
  spec_version: number;
  bytes: number;
  sha256: string;
  from: string;
}

type Send = <T>(method: string, params: unknown[]) => Promise<T>;

async function withWs<T>(url: string, timeoutMs: number, fn: (send: Send) => Promise<T>): Promise<T> {
  const { WsProvider } = await import('@polkadot/api');
  const provider = new WsProvider(url, false, {}, timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  try {
    const ready = (async () => {
      await provider.connect();
      await provider.isReady;
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
      // a refused or failed connection is an error event, not a rejected connect(): fail at once
      provider.on('error', (err: unknown) =>
        reject(new Error(err instanceof Error ? err.message : 'the connection failed')),
      );
    });
    await Promise.race([ready, timeout]);
    return await fn(<R>(method: string, params: unknown[]) => provider.send<R>(method, params));
  } catch (e) {
    if (e instanceof Error && !('exitCode' in e))
      throw unreachableError(
        `no answer from ${url}: ${e.message}`,
        'check the URL (wss://host:443 or ws://host:port)',
      );
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
    await provider.disconnect().catch(() => undefined);
  }
}

async function withNode<T>(url: string, timeoutMs: number, fn: (send: Send) => Promise<T>): Promise<T> {
  if (/^https?:\/\//.test(url))
    return fn(<R>(method: string, params: unknown[]) => httpRpc<R>(url, method, params, timeoutMs));
  if (/^wss?:\/\//.test(url)) return withWs(url, timeoutMs, fn);
  throw usageError('E_BAD_FLAG', `--from must be an http(s):// or ws(s):// node URL, got '${url}'`);
}

export async function fetchRuntime(
  url: string,
  cacheDir: string,
  timeoutMs = 60_000,
): Promise<FetchRuntimeResult> {
  const { code, version } = await withNode(url, timeoutMs, async (send) => ({
    version: await send<RuntimeVersionRpc>('state_getRuntimeVersion', []),
    code: await send<string | null>('state_getStorage', [CODE_KEY]),
  }));
  if (!code) throw new TaoError('E_BAD_RESPONSE', `${url} has no :code in its state`, 1);
  const wasm = fromHex(code);
  const name = `${version.specName}-${version.specVersion}.wasm`.replace(/[^A-Za-z0-9._-]/g, '_');
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, wasm);
  renameSync(tmp, path);
  return {
    path,
    spec_name: version.specName,
    spec_version: version.specVersion,
    bytes: wasm.length,
    sha256: createHash('sha256').update(wasm).digest('hex'),
    from: url,
  };
}
