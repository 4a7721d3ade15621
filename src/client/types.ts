/**
 * The typed view of docs/rpc.md: what NodeClient methods return. Amounts are bigint rao, ranking fields
 * stay u16 integers (0..65535) as the ledger stores them; field names are camelCase.
 */
import type { Axon, Camelized, NeuronFields, TxError, TxState, TxStatus } from '../core/wire.js';
import type { Scheme } from '../crypto/tx-payload.js';

/** The wire shapes the client passes through as they are (core/wire.ts). */
export type { Axon, TxError, TxState, TxStatus };

export interface SystemInfo {
  chain: string;
  version: string;
  /** 0x-prefixed hex, 32 bytes. */
  genesisHash: string;
  dev: boolean;
  blockTimeMs: number;
  /** Flat fee per transaction, rao. */
  txFee: bigint;
  /** Head block number when asked. */
  head: number;
  /** Dev chains: the prefunded dev accounts (//Alice …) and the faucet's default amount and cap. */
  devAccounts?: { name: string; address: string }[];
  faucet?: { amount: bigint; cap: bigint };
}

export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  stateRoot: string;
  timestamp: number;
}

export interface BlockTx {
  txHash: string;
  signer: string;
  call: Call;
  status: string;
  error?: TxError;
  /** The pool swaps an included staking tx made (tao's ledger; absent when none). */
  swaps?: PoolSwap[];
}

/** One swap through a subnet pool (a `swap` event, or under its tx in chain_block). */
export interface PoolSwap {
  netuid: number;
  hotkey: string;
  coldkey: string;
  /** buy: τ in, α out (stake); sell: α in, τ out (unstake). */
  side: 'buy' | 'sell';
  tao: bigint;
  alpha: bigint;
  fee: bigint;
}

export interface Block extends BlockHeader {
  txs: BlockTx[];
}

export interface AccountInfo {
  address: string;
  free: bigint;
  staked: bigint;
  /** Nonce of the last included tx + 1. */
  nonce: number;
  /** The signer's transactions waiting in the pool (0 when the node does not say). */
  pending: number;
}

export interface StakeEntry {
  coldkey: string;
  hotkey: string;
  amount: bigint;
  /** The hotkey's delegate take (u16 of 65535) of its nominators' dividends. */
  take: number;
}

export interface SubnetInfo {
  netuid: number;
  owner: string;
  n: number;
  maxUids: number;
  tempo: number;
  burn: bigint;
  /** α waiting for the next epoch. */
  pendingEmission: bigint;
  lastEpoch: number;
  /** The block that created it, and the owner's hotkey (absent from older nodes). */
  createdAt?: number;
  ownerHotkey?: string;
  /** The subnet's pool (dynamic TAO); absent from nodes before it. */
  pool?: LedgerPool;
}

/** A subnet pool as `subnet_list` sends it (docs/rpc.md). */
export interface LedgerPool {
  started: boolean;
  /** The first block that puts emission into the pool (null until start_call). */
  firstEmissionBlock: number | null;
  /** Spot price, rao per α. */
  price: bigint;
  taoIn: bigint;
  alphaIn: bigint;
  alphaOut: bigint;
  /** τ the next block puts into this pool (its share of the block emission, by moving price). */
  taoEmission: bigint;
  /** The swap state (√price U64F64 bits, liquidity, fee rate u16), as the ledger swaps with it. */
  sqrtPrice: bigint;
  liquidity: bigint;
  feeRate: bigint;
  /** The pool has swapped (its price is √price²); false before, when its price is τ/α of the reserves. */
  initialized: boolean;
}

/** One coldkey's α on a (hotkey, subnet), with its τ value at the pool's spot price. */
export interface AlphaStakeEntry {
  coldkey: string;
  hotkey: string;
  netuid: number;
  alpha: bigint;
  value: bigint;
  take: number;
}

/** Every hyperparameter by its snake_case name, as the node sends them. */
export type Hyperparameters = Record<string, unknown>;

/**
 * A metagraph neuron as the client decodes it: the wire's fields (src/core/wire.ts NeuronFields, the one
 * definition the node sends) under camelCase names, money as bigint rao. Ranking fields are u16, 0..65535.
 */
export interface Neuron extends Camelized<Omit<NeuronFields, 'stake_weight'>> {
  /** The hotkey's root stake (τ). */
  stake: bigint;
  /** The hotkey's α on this subnet; absent from nodes without pools. */
  alphaStake?: bigint;
  /** The last epoch's emission (α). */
  emission: bigint;
}

export interface Metagraph {
  netuid: number;
  block: number;
  neurons: Neuron[];
}

export interface WeightRow {
  uid: number;
  /** (target uid, u16 weight) pairs as stored. */
  weights: [number, number][];
}

/** A final outcome: included in `block`, or rejected with the ledger's reason. */
export type TxOutcome =
  | { txHash: string; status: 'included'; block: number }
  | { txHash: string; status: 'rejected'; block?: number; error: TxError };

/** A call as on the wire (amounts as decimal rao strings). */
export type Call =
  | { type: 'transfer'; dest: string; amount: string }
  | { type: 'faucet'; amount?: string }
  | { type: 'create_subnet' }
  | { type: 'burned_register'; netuid: number; hotkey: string }
  | {
      type: 'add_stake' | 'remove_stake';
      hotkey: string;
      amount: string;
      /** 0 (root, the default) or a subnet: then `amount` is τ in (add) or α out (remove) of its pool. */
      netuid?: number;
      limit_price?: string;
      allow_partial?: boolean;
    }
  | { type: 'start_call'; netuid: number }
  | { type: 'set_weights'; netuid: number; uids: number[]; weights: number[]; version_key?: number }
  | { type: 'serve_axon'; netuid: number; ip: string; port: number; protocol?: number }
  | { type: 'set_delegate_take'; hotkey: string; take: number }
  | { type: string; [field: string]: unknown };

/** A signed transaction in the wire format of docs/rpc.md. */
export interface WireTx {
  call: unknown;
  signer: string;
  scheme: Scheme;
  nonce: number;
  expiry: number;
  genesis_hash: string;
  signature: string;
}

export type NodeEvent =
  | { type: 'head'; number: number; hash: string; timestamp: number }
  | { type: 'epoch'; netuid: number; block: number }
  | { type: 'tx'; txHash: string; status: TxState; block?: number; error?: TxError }
  | ({ type: 'swap'; txHash: string; block: number } & PoolSwap);
