/**
 * Checks and converts the node's JSON results into the typed shapes of ./types.ts. A malformed answer is
 * a TaoError naming the field, never a silent undefined or NaN further down.
 */
import { parseRao } from '../core/amount.js';
import { ExitCode, TaoError } from '../core/errors.js';
import type {
  AlphaStakeEntry,
  LedgerPool,
  AccountInfo,
  Axon,
  Block,
  BlockHeader,
  BlockTx,
  Call,
  Metagraph,
  Neuron,
  NodeEvent,
  PoolSwap,
  StakeEntry,
  SubnetInfo,
  SystemInfo,
  TxError,
  TxState,
  TxStatus,
  WeightRow,
} from './types.js';

type Obj = Record<string, unknown>;

const bad = (what: string, value: unknown) =>
  new TaoError(
    'E_BAD_RESPONSE',
    `the node sent a malformed ${what}: ${JSON.stringify(value)?.slice(0, 120)}`,
    ExitCode.unexpected,
  );

export function obj(value: unknown, what: string): Obj {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad(what, value);
  return value as Obj;
}

function arr(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw bad(what, value);
  return value;
}

function int(o: Obj, key: string, what: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad(`${what}.${key}`, v);
  return v;
}

function optInt(o: Obj, key: string, what: string): number | undefined {
  return o[key] === undefined || o[key] === null ? undefined : int(o, key, what);
}

function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw bad(`${what}.${key}`, v);
  return v;
}

function bool(o: Obj, key: string, what: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw bad(`${what}.${key}`, v);
  return v;
}

/** Rao amounts arrive as decimal strings; numbers are tolerated only when exact. */
function rao(o: Obj, key: string, what: string): bigint {
  const v = o[key];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v !== 'string') throw bad(`${what}.${key}`, v);
  try {
    return parseRao(v);
  } catch {
    throw bad(`${what}.${key}`, v);
  }
}

export function decodeSystemInfo(value: unknown): SystemInfo {
  const o = obj(value, 'system_info');
  const head = o.head;
  const dev = Array.isArray(o.dev_accounts)
    ? o.dev_accounts.map((a) => {
        const x = obj(a, 'system_info.dev_accounts');
        return { name: str(x, 'name', 'dev account'), address: str(x, 'address', 'dev account') };
      })
    : undefined;
  const faucet =
    o.faucet && typeof o.faucet === 'object'
      ? { amount: rao(o.faucet as Obj, 'amount', 'faucet'), cap: rao(o.faucet as Obj, 'cap', 'faucet') }
      : undefined;
  return {
    chain: str(o, 'chain', 'system_info'),
    version: str(o, 'version', 'system_info'),
    genesisHash: str(o, 'genesis_hash', 'system_info'),
    dev: bool(o, 'dev', 'system_info'),
    blockTimeMs: int(o, 'block_time_ms', 'system_info'),
    txFee: rao(o, 'tx_fee', 'system_info'),
    head:
      head && typeof head === 'object'
        ? int(head as Obj, 'number', 'system_info.head')
        : int(o, 'head', 'system_info'),
    ...(dev ? { devAccounts: dev } : {}),
    ...(faucet ? { faucet } : {}),
  };
}

export function decodeHeader(value: unknown, what = 'chain_head'): BlockHeader {
  const o = obj(value, what);
  return {
    number: int(o, 'number', what),
    hash: str(o, 'hash', what),
    parentHash: typeof o.parent_hash === 'string' ? o.parent_hash : '',
    stateRoot: typeof o.state_root === 'string' ? o.state_root : '',
    timestamp: int(o, 'timestamp', what),
  };
}

export function decodeTxError(value: unknown, what: string): TxError | undefined {
  if (value === undefined || value === null) return undefined;
  const o = obj(value, what);
  return { code: str(o, 'code', what), message: typeof o.message === 'string' ? o.message : '' };
}

function decodeSwap(o: Obj, w: string): PoolSwap {
  const side = str(o, 'side', w);
  if (side !== 'buy' && side !== 'sell') throw bad(`${w}.side`, side);
  return {
    netuid: int(o, 'netuid', w),
    hotkey: str(o, 'hotkey', w),
    coldkey: str(o, 'coldkey', w),
    side,
    tao: rao(o, 'tao', w),
    alpha: rao(o, 'alpha', w),
    fee: rao(o, 'fee', w),
  };
}

export function decodeBlock(value: unknown): Block {
  const header = decodeHeader(value, 'chain_block');
  const txs = arr(obj(value, 'chain_block').txs ?? [], 'chain_block.txs').map((t): BlockTx => {
    const o = obj(t, 'chain_block tx');
    const error = decodeTxError(o.error, 'chain_block tx.error');
    return {
      txHash: str(o, 'tx_hash', 'chain_block tx'),
      signer: str(o, 'signer', 'chain_block tx'),
      call: obj(o.call, 'chain_block tx.call') as Call,
      status: str(o, 'status', 'chain_block tx'),
      ...(error ? { error } : {}),
      ...(o.swaps === undefined
        ? {}
        : { swaps: arr(o.swaps, 'chain_block tx.swaps').map((w) => decodeSwap(obj(w, 'swap'), 'swap')) }),
    };
  });
  return { ...header, txs };
}

export function decodeAccountInfo(value: unknown): AccountInfo {
  const o = obj(value, 'account_info');
  return {
    address: str(o, 'address', 'account_info'),
    free: rao(o, 'free', 'account_info'),
    staked: rao(o, 'staked', 'account_info'),
    nonce: int(o, 'nonce', 'account_info'),
    pending: optInt(o, 'pending', 'account_info') ?? 0,
  };
}

export function decodeStakes(value: unknown): StakeEntry[] {
  return arr(obj(value, 'stake_list').stakes, 'stake_list.stakes').map((s) => {
    const o = obj(s, 'stake');
    return {
      coldkey: str(o, 'coldkey', 'stake'),
      hotkey: str(o, 'hotkey', 'stake'),
      amount: rao(o, 'amount', 'stake'),
      take: int(o, 'take', 'stake'),
    };
  });
}

export function decodeAlphaStakes(value: unknown): AlphaStakeEntry[] {
  const list = obj(value, 'stake_list').alpha_stakes;
  if (list === undefined) return [];
  return arr(list, 'stake_list.alpha_stakes').map((s) => {
    const o = obj(s, 'alpha stake');
    const w = 'alpha stake';
    return {
      coldkey: str(o, 'coldkey', w),
      hotkey: str(o, 'hotkey', w),
      netuid: int(o, 'netuid', w),
      alpha: rao(o, 'alpha', w),
      value: rao(o, 'value', w),
      take: int(o, 'take', w),
    };
  });
}

function decodePool(o: Obj): LedgerPool | undefined {
  if (o.pool_state === undefined) return undefined;
  const w = 'subnet pool';
  const ps = obj(o.pool_state, w);
  return {
    started: bool(o, 'started', w),
    firstEmissionBlock: optInt(o, 'first_emission_block', w) ?? null,
    price: rao(o, 'price', w),
    taoIn: rao(o, 'tao_in', w),
    alphaIn: rao(o, 'alpha_in', w),
    alphaOut: rao(o, 'alpha_out', w),
    taoEmission: rao(o, 'tao_emission', w),
    sqrtPrice: BigInt(str(ps, 'sqrt_price', w)),
    liquidity: rao(ps, 'liquidity', w),
    feeRate: BigInt(int(ps, 'fee_rate', w)),
    // Nodes from before this field sent the curve a swap starts from, initialised or not.
    initialized: ps.initialized === undefined ? true : bool(ps, 'initialized', w),
  };
}

export function decodeSubnets(value: unknown): SubnetInfo[] {
  return arr(obj(value, 'subnet_list').subnets, 'subnet_list.subnets').map((s) => {
    const o = obj(s, 'subnet');
    const pool = decodePool(o);
    return {
      netuid: int(o, 'netuid', 'subnet'),
      owner: str(o, 'owner', 'subnet'),
      n: int(o, 'n', 'subnet'),
      maxUids: int(o, 'max_uids', 'subnet'),
      tempo: int(o, 'tempo', 'subnet'),
      burn: rao(o, 'burn', 'subnet'),
      pendingEmission: rao(o, 'pending_emission', 'subnet'),
      lastEpoch: int(o, 'last_epoch', 'subnet'),
      ...(typeof o.created_at === 'number' ? { createdAt: int(o, 'created_at', 'subnet') } : {}),
      ...(typeof o.owner_hotkey === 'string' ? { ownerHotkey: o.owner_hotkey } : {}),
      ...(pool ? { pool } : {}),
    };
  });
}

function decodeAxon(value: unknown): Axon | null {
  if (value === null || value === undefined) return null;
  const o = obj(value, 'axon');
  // serve_axon's default protocol where a node leaves it out (docs/rpc.md).
  return {
    ip: str(o, 'ip', 'axon'),
    port: int(o, 'port', 'axon'),
    protocol: optInt(o, 'protocol', 'axon') ?? 4,
  };
}

export function decodeMetagraph(value: unknown): Metagraph {
  const o = obj(value, 'subnet_metagraph');
  const neurons = arr(o.neurons, 'subnet_metagraph.neurons').map((n): Neuron => {
    const w = 'neuron';
    const x = obj(n, w);
    return {
      uid: int(x, 'uid', w),
      hotkey: str(x, 'hotkey', w),
      coldkey: str(x, 'coldkey', w),
      stake: rao(x, 'stake', w),
      ...(x.alpha_stake === undefined ? {} : { alphaStake: rao(x, 'alpha_stake', w) }),
      rank: int(x, 'rank', w),
      trust: int(x, 'trust', w),
      consensus: int(x, 'consensus', w),
      incentive: int(x, 'incentive', w),
      dividends: int(x, 'dividends', w),
      emission: rao(x, 'emission', w),
      validatorTrust: int(x, 'validator_trust', w),
      validatorPermit: bool(x, 'validator_permit', w),
      active: bool(x, 'active', w),
      lastUpdate: optInt(x, 'last_update', w) ?? 0,
      registeredAt: optInt(x, 'registered_at', w) ?? 0,
      axon: decodeAxon(x.axon),
    };
  });
  return {
    netuid: int(o, 'netuid', 'subnet_metagraph'),
    block: int(o, 'block', 'subnet_metagraph'),
    neurons,
  };
}

export function decodeWeights(value: unknown): WeightRow[] {
  return arr(obj(value, 'subnet_weights').rows, 'subnet_weights.rows').map((r) => {
    const o = obj(r, 'weight row');
    const weights = arr(o.weights, 'weight row.weights').map((pair): [number, number] => {
      const p = arr(pair, 'weight pair');
      const [uid, w] = p;
      if (typeof uid !== 'number' || typeof w !== 'number') throw bad('weight pair', pair);
      return [uid, w];
    });
    return { uid: int(o, 'uid', 'weight row'), weights };
  });
}

const TX_STATES: readonly TxState[] = ['pending', 'included', 'rejected', 'unknown'];

function txState(o: Obj, what: string): TxState {
  const s = o.status;
  if (typeof s !== 'string' || !TX_STATES.includes(s as TxState)) throw bad(`${what}.status`, s);
  return s as TxState;
}

export function decodeTxStatus(value: unknown): TxStatus {
  const o = obj(value, 'tx_status');
  const block = optInt(o, 'block', 'tx_status');
  const error = decodeTxError(o.error, 'tx_status.error');
  return {
    status: txState(o, 'tx_status'),
    ...(block !== undefined ? { block } : {}),
    ...(error ? { error } : {}),
  };
}

export function decodeTxHash(value: unknown): string {
  return str(obj(value, 'tx_submit'), 'tx_hash', 'tx_submit');
}

/** One SSE message (event name + JSON data) → a typed event; null for unknown event names. */
export function decodeEvent(event: string, data: unknown): NodeEvent | null {
  const o = obj(data, `${event} event`);
  switch (event) {
    case 'head':
      return {
        type: 'head',
        number: int(o, 'number', 'head event'),
        hash: str(o, 'hash', 'head event'),
        timestamp: int(o, 'timestamp', 'head event'),
      };
    case 'epoch':
      return {
        type: 'epoch',
        netuid: int(o, 'netuid', 'epoch event'),
        block: int(o, 'block', 'epoch event'),
      };
    case 'tx': {
      const block = optInt(o, 'block', 'tx event');
      const error = decodeTxError(o.error, 'tx event.error');
      return {
        type: 'tx',
        txHash: str(o, 'tx_hash', 'tx event'),
        status: txState(o, 'tx event'),
        ...(block !== undefined ? { block } : {}),
        ...(error ? { error } : {}),
      };
    }
    case 'swap': {
      const w = 'swap event';
      return { type: 'swap', txHash: str(o, 'tx_hash', w), block: int(o, 'block', w), ...decodeSwap(o, w) };
    }
    default:
      return null;
  }
}
