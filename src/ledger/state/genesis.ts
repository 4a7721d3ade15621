/**
 * Genesis: the chain's parameters, prefunded balances and initial subnets, fixed in a config that is stored
 * with the chain (so replay never depends on code defaults). The genesis hash is block 0's hash and names the
 * chain in every transaction; a new dev chain gets a new one (the creation time is part of it).
 * Dev chains: //Alice … //Ferdie (sr25519) hold DEV_BALANCE each, subnet 1 is owned by Alice (its pool seeded
 * with `pool_seed` τ and α, started), faucet on.
 */
import { keyPairFromUri } from '../../crypto/keys.js';
import { encodeAddress } from '../../crypto/ss58.js';
import { createSubnet } from './apply.js';
import { type BlockHeader, commitState, headerHash, type RecordChange, sha256hex, txsRoot } from './block.js';
import { ExitCode, TaoError } from '../../core/errors.js';
import { type ChainParams, defaultChainParams, ECONOMICS, RAO } from './params.js';
import { StateHasher } from './state-root.js';
import { LedgerState } from './state.js';

export const DEV_ACCOUNTS = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'] as const;
export const DEV_BALANCE = 1_000_000n * RAO;

export interface GenesisConfig {
  chain: string;
  timestamp: number;
  params: ChainParams;
  balances: { name?: string; address: string; free: bigint }[];
  subnets: { netuid: number; owner: string }[];
}

export function devGenesis(timestamp: number, tempo?: number): GenesisConfig {
  const balances = DEV_ACCOUNTS.map((name) => ({
    name: `//${name}`,
    address: encodeAddress(keyPairFromUri(`//${name}`, 'sr25519').publicKey),
    free: DEV_BALANCE,
  }));
  return {
    chain: 'tao-dev',
    timestamp,
    params: defaultChainParams(true, tempo),
    balances,
    subnets: [{ netuid: 1, owner: balances[0]!.address }],
  };
}

/** A non-dev local chain: no prefunded accounts, no faucet, no subnets. */
export function localGenesis(timestamp: number, tempo?: number): GenesisConfig {
  return {
    chain: 'tao-local',
    timestamp,
    params: defaultChainParams(false, tempo),
    balances: [],
    subnets: [],
  };
}

export function encodeGenesis(g: GenesisConfig): string {
  return JSON.stringify(g, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
}

export function decodeGenesis(text: string): GenesisConfig {
  return JSON.parse(text, (_k, v) =>
    typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
  );
}

/**
 * A stored chain's genesis, refused when an older tao created it (stake as τ counted on every subnet,
 * emission split evenly): this tao would misread its state, so it names the way to a new chain instead.
 */
export function decodeStoredGenesis(text: string, dataDir: string): GenesisConfig {
  const config = decodeGenesis(text);
  const economics = (config.params as Partial<ChainParams>).economics;
  if (economics !== ECONOMICS)
    throw new TaoError(
      'E_OLD_CHAIN',
      `the chain in ${dataDir} was created by an older tao (economics ${economics ?? 'before dynamic TAO'}; this tao runs ${ECONOMICS}: subnet pools, alpha stake, emission by price)`,
      ExitCode.usage,
      config.params.dev
        ? 'start a new dev chain with tao node reset --yes (tao up does this for its own market with tao down --purge)'
        : `move ${dataDir} aside and start a new chain; an older tao still reads it`,
    );
  return config;
}

export interface Genesis {
  state: LedgerState;
  hasher: StateHasher;
  header: BlockHeader;
  changes: RecordChange[];
}

export function buildGenesis(g: GenesisConfig): Genesis {
  const state = new LedgerState(g.params);
  const hasher = new StateHasher();
  let issuance = 0n;
  for (const b of g.balances) {
    state.setAccount(b.address, { free: state.account(b.address).free + b.free, nonce: 0 });
    issuance += b.free;
  }
  // Genesis subnets are seeded by minting (as dev chains seed every subnet) and started from block 1.
  const seed = g.params.pool_seed;
  state.setTotals({ issuance: issuance + seed * BigInt(g.subnets.length), burned: 0n, locked: 0n });
  for (const s of g.subnets) {
    createSubnet(state, s.netuid, s.owner, 0, { lock: 0n, seed });
    state.pools.set(String(s.netuid), { ...state.pool(s.netuid)!, firstEmissionBlock: 1 });
  }
  const changes = commitState(state, hasher);
  // Block 0's parent hash is the hash of the genesis config: the config is bound into the chain identity.
  const partial = {
    number: 0,
    parent_hash: sha256hex(encodeGenesis(g)),
    state_root: hasher.root(),
    txs_root: txsRoot([]),
    timestamp: g.timestamp,
  };
  return { state, hasher, header: { ...partial, hash: headerHash(partial) }, changes };
}
