/**
 * The localnet's genesis, built by the runtime itself (what chain-spec-builder does): the runtime's default
 * `GenesisBuilder` preset, deep-merged with tao's dev patch, then `GenesisBuilder_build_state`; its storage
 * diff plus `:code` (keys sorted: Chopsticks walks genesis keys in insertion order) is a raw chain spec.
 * Cached under the runtime cache dir by the wasm's sha256 (and the patch's), so only the first start pays.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TaoError } from '../core/errors.js';
import { fromHex, toHex } from '../crypto/hex.js';
import { type Chopsticks, loadChopsticks } from './chopsticks.js';
import { devAccounts, devAddress, RAO_PER_TAO } from './dev-accounts.js';
import { decodeBytes, decodeOptionBytes, encodeBytes } from './scale.js';

export const CODE_KEY = '0x3a636f6465';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** tao's patch over the runtime's default genesis config. */
export function genesisPatch(): { [key: string]: Json } {
  const accounts = devAccounts();
  const alice = accounts[0]!.address;
  const addr = (name: string) => accounts.find((a) => a.name === name)!.address;
  return {
    balances: { balances: accounts.map((a) => [a.address, Number(a.balanceRao)]) },
    sudo: { key: alice },
    session: { keys: [[alice, alice, { babe: alice, grandpa: devAddress('//Alice', 'ed25519') }]] },
    staking: {
      minimumValidatorCount: 1,
      validatorCount: 1,
      stakers: [[alice, alice, Number(1000n * RAO_PER_TAO), 'Validator']],
      invulnerables: [alice],
      forceEra: 'NotForcing',
      slashRewardFraction: 100_000_000,
    },
    triumvirateMembers: { members: [alice, addr('Bob'), addr('Charlie')] },
    senateMembers: { members: [addr('Dave'), addr('Eve'), addr('Ferdie')] },
    evmChainId: { chainId: 42 },
  };
}

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; anything else (arrays included) in `patch` replaces what `base` has. */
export function deepMerge(base: Json, patch: Json): Json {
  if (!isObject(base) || !isObject(patch)) return patch;
  const out: { [key: string]: Json } = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k] ?? null, v);
  return out;
}

export interface ChainSpec {
  name: string;
  id: string;
  chainType: 'Development';
  properties: { tokenSymbol: string; tokenDecimals: number; ss58Format: number };
  genesis: { raw: { top: Record<string, string>; childrenDefault: Record<string, never> } };
}

const noHost = {
  getStorage: async () => undefined,
  getNextKey: async () => undefined,
  offchainGetStorage: async () => undefined,
  offchainTimestamp: async () => Date.now(),
  offchainRandomSeed: async () => `0x${'00'.repeat(32)}`,
  offchainSubmitTransaction: async () => false,
};

function genesisError(message: string): TaoError {
  return new TaoError(
    'E_UNSUPPORTED',
    `could not build the localnet genesis from this runtime: ${message}`,
    2,
    'the runtime must implement the GenesisBuilder API (Subtensor runtimes from 2024 on do)',
  );
}

/** Runs the runtime's GenesisBuilder and returns the raw chain spec. */
export async function buildChainSpec(wasmHex: string): Promise<ChainSpec> {
  const { runTask, destroyWorker } = await loadChopsticks();
  try {
    return await buildWith(runTask, wasmHex);
  } finally {
    await destroyWorker();
  }
}

async function buildWith(runTask: Chopsticks['runTask'], wasmHex: string): Promise<ChainSpec> {
  const call = async (name: string, arg: string) => {
    const r = await runTask(
      {
        wasm: wasmHex as `0x${string}`,
        calls: [[name, [arg as `0x${string}`]]],
        mockSignatureHost: false,
        allowUnresolvedImports: true,
        runtimeLogLevel: 0,
      },
      noHost as never,
    );
    if ('Error' in r) throw genesisError(`${name}: ${r.Error}`);
    return r.Call;
  };
  const preset = decodeOptionBytes(fromHex((await call('GenesisBuilder_get_preset', '0x00')).result));
  if (!preset) throw genesisError('the runtime has no default genesis preset');
  const config = deepMerge(JSON.parse(new TextDecoder().decode(preset)) as Json, genesisPatch());
  const json = new TextEncoder().encode(JSON.stringify(config));
  const built = await call('GenesisBuilder_build_state', toHex(encodeBytes(json)));
  if (built.result !== '0x00') {
    const bytes = fromHex(built.result);
    const err = bytes[0] === 1 ? new TextDecoder().decode(decodeBytes(bytes, 1)) : built.result;
    throw genesisError(`GenesisBuilder_build_state: ${err}`);
  }
  const entries = built.storageDiff.filter((e): e is [`0x${string}`, `0x${string}`] => e[1] !== null);
  entries.push([CODE_KEY, wasmHex as `0x${string}`]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    name: 'Subtensor localnet (tao)',
    id: 'tao_localnet',
    chainType: 'Development',
    properties: { tokenSymbol: 'TAO', tokenDecimals: 9, ss58Format: 42 },
    genesis: { raw: { top: Object.fromEntries(entries), childrenDefault: {} } },
  };
}

export interface GenesisResult {
  specPath: string;
  wasmSha256: string;
  /** Milliseconds spent building; 0 when the cached spec was used. */
  buildMs: number;
  cached: boolean;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** The chain spec for this runtime: the cached one, else built now and cached (written atomically). */
export async function ensureGenesis(
  wasmPath: string,
  cacheDir: string,
  onBuild: (message: string) => void = () => undefined,
): Promise<GenesisResult> {
  const wasm = readFileSync(wasmPath);
  const wasmSha256 = sha256(wasm);
  const dir = join(cacheDir, 'genesis');
  const specPath = join(dir, `${wasmSha256}-${sha256(JSON.stringify(genesisPatch())).slice(0, 12)}.json`);
  if (existsSync(specPath)) return { specPath, wasmSha256, buildMs: 0, cached: true };
  onBuild('building genesis from the runtime (cached next time)');
  const t0 = Date.now();
  const spec = await buildChainSpec(toHex(wasm));
  const buildMs = Date.now() - t0;
  mkdirSync(dir, { recursive: true });
  const tmp = `${specPath}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(spec));
  renameSync(tmp, specPath);
  return { specPath, wasmSha256, buildMs, cached: false };
}
