/**
 * Genesis: the chain's parameters, prefunded balances and initial subnets, fixed in a config that is stored
 * with the chain (so replay never depends on code defaults). The genesis hash is block 0's hash and names the
 * chain in every transaction; a new dev chain gets a new one (the creation time is part of it).
 * Dev chains: //Alice … //Ferdie (sr25519) hold DEV_BALANCE each, subnet 1 is owned by Alice, faucet on.
 */
import { keyPairFromUri } from '../crypto/keys.js';
import { encodeAddress } from '../crypto/ss58.js';
import { createSubnet } from './apply.js';
import { type BlockHeader, commitState, headerHash, type RecordChange, sha256hex, txsRoot } from './block.js';
import { type ChainParams, defaultChainParams, RAO } from './params.js';
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
  state.setTotals({ issuance, burned: 0n, locked: 0n });
  for (const s of g.subnets) createSubnet(state, s.netuid, s.owner, 0, 0n);
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
