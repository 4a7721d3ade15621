/**
 * A connected @polkadot/api client for a Subtensor endpoint. Checked first by one HTTP probe (so a wrong or
 * dead endpoint fails fast with the right exit code), and with the runtime metadata cached on disk per
 * (genesis hash, spec version), so a warm command skips the ~0.5 MB metadata download and decode.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiPromise } from '@polkadot/api';
import { unreachableError } from '../../core/errors.js';
import { httpUrlOf } from '../network.js';
import { expectSubtensor } from '../probe.js';
import { metadataCacheDir } from './cache.js';
import { httpRpc } from './http-rpc.js';

export interface SubtensorApi {
  api: ApiPromise;
  url: string;
  specName: string;
  specVersion: number;
  genesisHash: string;
  /** True when the metadata came from the disk cache. */
  metadataCached: boolean;
  close: () => Promise<void>;
}

function readCachedMetadata(key: string): `0x${string}` | undefined {
  try {
    const text = readFileSync(join(metadataCacheDir(), `${key}.hex`), 'utf8').trim();
    return /^0x[0-9a-f]+$/i.test(text) ? (text as `0x${string}`) : undefined;
  } catch {
    return undefined;
  }
}

function writeCachedMetadata(key: string, hex: string): void {
  try {
    const dir = metadataCacheDir();
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.${key}.${process.pid}.tmp`);
    writeFileSync(tmp, hex);
    renameSync(tmp, join(dir, `${key}.hex`));
  } catch {
    // A cache that cannot be written only costs the next command a metadata download.
  }
}

export async function connectSubtensor(url: string, timeoutMs = 30_000): Promise<SubtensorApi> {
  const probe = await expectSubtensor(url);
  const genesisHash =
    probe.kind === 'subtensor'
      ? await httpRpc<string>(httpUrlOf(url), 'chain_getBlockHash', [0], 10_000)
      : undefined;
  const key = probe.kind === 'subtensor' ? `${genesisHash}-${probe.specVersion}` : undefined;
  const cached = key ? readCachedMetadata(key) : undefined;

  const { ApiPromise, WsProvider } = await import('@polkadot/api');
  const provider = new WsProvider(url, false);
  const timer = setTimeout(() => void provider.disconnect().catch(() => undefined), timeoutMs);
  let api: ApiPromise;
  try {
    await provider.connect();
    api = await ApiPromise.create({
      provider,
      noInitWarn: true,
      throwOnConnect: true,
      ...(cached && key ? { metadata: { [key]: cached } } : {}),
    });
  } catch (error) {
    await provider.disconnect().catch(() => undefined);
    const why = error instanceof Error ? error.message : String(error);
    throw unreachableError(`cannot connect to ${url}: ${why}`);
  } finally {
    clearTimeout(timer);
  }
  const version = api.runtimeVersion;
  const realKey = `${api.genesisHash.toHex()}-${version.specVersion.toNumber()}`;
  if (!cached || realKey !== key) writeCachedMetadata(realKey, api.runtimeMetadata.toHex());
  return {
    api,
    url,
    specName: version.specName.toString(),
    specVersion: version.specVersion.toNumber(),
    genesisHash: api.genesisHash.toHex(),
    metadataCached: Boolean(cached) && realKey === key,
    close: () => api.disconnect(),
  };
}
