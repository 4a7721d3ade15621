/**
 * The JSON-RPC methods of docs/rpc.md over a LedgerNode: parameter validation (-32602), ledger rejections
 * (-32000 with data.code), and the result shapes (amounts as decimal rao strings, SS58 addresses, u16
 * ranking fields). Dev methods exist only on dev chains.
 */
import { decodeAddress } from '../../crypto/ss58.js';
import { VERSION } from '../../core/version.js';
import type { NeuronJson } from '../../core/wire.js';
import { feeOf, isCallType } from '../state/calls.js';
import { DEV_ACCOUNTS } from '../state/genesis.js';
import { MAX_NONCE_AHEAD, type LedgerNode } from './node.js';
import type { Neuron } from '../state/state.js';
import { poolJson, quoteJson, stakeListJson, taoEmissionByNetuid } from './rpc-dtao.js';

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly dataCode?: string,
  ) {
    super(message);
  }
}

export const invalidParams = (message: string, dataCode = 'E_INVALID_PARAMS') =>
  new RpcError(-32602, message, dataCode);

/**
 * The latest block timestamp `dev_setTime` takes: the last instant a Date holds (year 275760). Blocks advance
 * from it with the clock and stay safe integers (what canonical JSON encodes) for another ~11,000 years.
 */
export const MAX_TIMESTAMP = 8_640_000_000_000_000;

type Params = Record<string, unknown>;
type Handler = (node: LedgerNode, p: Params) => unknown;

function int(p: Params, name: string, min = 0, max = Number.MAX_SAFE_INTEGER, optional = false): number {
  const v = p[name];
  if (v === undefined && optional) return Number.NaN;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw invalidParams(`"${name}" must be an integer in ${min}..${max}`);
  return v;
}

function rao(p: Params, name: string): bigint {
  const v = p[name];
  if (typeof v !== 'string' || !/^\d{1,20}$/.test(v) || BigInt(v) > (1n << 64n) - 1n)
    throw invalidParams(`"${name}" must be a decimal rao string below 2^64`, 'E_BAD_AMOUNT');
  return BigInt(v);
}

function addr(p: Params, name: string, optional = false): string | undefined {
  const v = p[name];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string') throw invalidParams(`"${name}" must be an SS58 address string`, 'E_BAD_ADDRESS');
  try {
    decodeAddress(v);
  } catch (e) {
    throw invalidParams(`"${name}": ${(e as Error).message}`, 'E_BAD_ADDRESS');
  }
  return v;
}

function subnetOf(node: LedgerNode, p: Params) {
  const netuid = int(p, 'netuid', 0, 65535);
  const sn = node.state.subnet(netuid);
  if (!sn) throw new RpcError(-32000, `subnet ${netuid} does not exist`, 'E_UNKNOWN_SUBNET');
  return sn;
}

const headerJson = (node: LedgerNode) => {
  const h = node.head;
  return {
    number: h.number,
    hash: h.hash,
    parent_hash: h.parent_hash,
    state_root: h.state_root,
    timestamp: h.timestamp,
  };
};

function neuronJson(node: LedgerNode, netuid: number, n: Neuron): NeuronJson {
  return {
    uid: n.uid,
    hotkey: n.hotkey,
    coldkey: n.coldkey,
    stake: node.state.totalStakeOfHotkey(n.hotkey).toString(),
    alpha_stake: node.state.alphaOfHotkey(n.hotkey, netuid).toString(),
    rank: n.rank,
    trust: n.trust,
    consensus: n.consensus,
    incentive: n.incentive,
    dividends: n.dividends,
    emission: n.emission.toString(),
    validator_trust: n.validator_trust,
    validator_permit: n.validator_permit,
    active: n.active,
    stake_weight: n.stake_weight,
    last_update: n.last_update,
    registered_at: n.registered_at,
    axon: n.axon,
  };
}

const jsonable = (v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

const devOnly =
  (h: Handler): Handler =>
  (node, p) => {
    if (!node.dev) throw new RpcError(-32601, 'dev_* methods exist only on dev chains', 'E_NOT_DEV_CHAIN');
    return h(node, p);
  };

async function submitOne(node: LedgerNode, tx: unknown): Promise<{ tx_hash: string }> {
  return { tx_hash: await node.submitChecked(tx) };
}

export const methods: Record<string, Handler> = {
  system_info: (node) => {
    const g = node.genesisConfig;
    return {
      chain: g.chain,
      version: VERSION,
      genesis_hash: node.genesisHash,
      dev: node.dev,
      block_time_ms: node.options.blockTimeMs,
      instant: node.options.blockTimeMs === 0,
      tx_fee: g.params.tx_fee.toString(),
      head: node.head.number,
      ss58_prefix: 42,
      max_nonce_ahead: MAX_NONCE_AHEAD,
      pool: { pending: node.mempool.size, capacity: node.mempool.capacity },
      total_issuance: node.state.totalsRecord().issuance.toString(),
      burned: node.state.totalsRecord().burned.toString(),
      locked: node.state.totalsRecord().locked.toString(),
      ...(node.dev
        ? {
            dev_accounts: g.balances
              .filter((b) => b.name && DEV_ACCOUNTS.some((n) => `//${n}` === b.name))
              .map((b) => ({
                name: b.name,
                address: b.address,
                scheme: 'sr25519',
                genesis_free: b.free.toString(),
              })),
            dev_subnets: g.subnets.map((s) => ({ netuid: s.netuid, owner: s.owner })),
            faucet: { amount: g.params.faucet_amount.toString(), cap: g.params.faucet_cap.toString() },
          }
        : {}),
    };
  },
  tx_fee: (node, p) => {
    if (!isCallType(p.type)) throw invalidParams(`unknown call type ${JSON.stringify(p.type)?.slice(0, 40)}`);
    return { type: p.type, fee: feeOf(p.type, node.state.chain.tx_fee).toString() };
  },
  chain_head: (node) => ({ ...headerJson(node), txs_root: node.head.txs_root }),
  chain_block: async (node, p) => {
    const number = int(p, 'number');
    const b = await node.block(number);
    if (!b) throw new RpcError(-32000, `no block ${number} (head is ${node.head.number})`, 'E_UNKNOWN_BLOCK');
    return {
      ...b.header,
      epochs: b.epochs,
      txs: b.txs.map((t) => {
        const tx = t.tx as { signer: string; call: unknown };
        return {
          tx_hash: t.tx_hash,
          signer: tx.signer,
          call: tx.call,
          status: t.status,
          ...(t.error ? { error: t.error } : {}),
          ...(t.swaps ? { swaps: t.swaps } : {}),
        };
      }),
    };
  },
  account_info: (node, p) => {
    const address = addr(p, 'address')!;
    const a = node.state.account(address);
    return {
      address,
      free: a.free.toString(),
      staked: (node.state.coldkeyTotal.get(address) ?? 0n).toString(),
      nonce: a.nonce,
      pending: node.mempool.pendingCount(address),
    };
  },
  stake_list: (node, p) => stakeListJson(node.state, addr(p, 'coldkey', true), addr(p, 'hotkey', true)),
  stake_quote: (node, p) => {
    const sn = subnetOf(node, p);
    if (p.order !== 'buy' && p.order !== 'sell') throw invalidParams('"order" must be "buy" or "sell"');
    return quoteJson(
      node.state,
      sn.netuid,
      p.order,
      rao(p, 'amount'),
      p.limit_price === undefined ? undefined : rao(p, 'limit_price'),
    );
  },
  subnet_list: (node) => {
    const emission = taoEmissionByNetuid(node.state);
    return {
      subnets: node.state.netuids().map((netuid) => {
        const sn = node.state.subnet(netuid)!;
        return {
          netuid,
          owner: sn.owner,
          owner_hotkey: sn.owner_hotkey,
          n: sn.n,
          max_uids: sn.params.max_uids,
          tempo: sn.params.tempo,
          burn: sn.params.burn.toString(),
          last_epoch: sn.last_epoch,
          created_at: sn.created_at,
          locked: sn.locked.toString(),
          ...poolJson(node.state, netuid, emission),
        };
      }),
    };
  },
  subnet_hyperparameters: (node, p) => {
    const sn = subnetOf(node, p);
    return Object.fromEntries(Object.entries(sn.params).map(([k, v]) => [k, jsonable(v)]));
  },
  subnet_metagraph: (node, p) => {
    const sn = subnetOf(node, p);
    return {
      netuid: sn.netuid,
      block: node.head.number,
      neurons: node.state.neuronsOf(sn.netuid).map((n) => neuronJson(node, sn.netuid, n)),
    };
  },
  subnet_weights: (node, p) => {
    const sn = subnetOf(node, p);
    return {
      rows: node.state
        .neuronsOf(sn.netuid)
        .filter((n) => n.weights.length > 0)
        .map((n) => ({ uid: n.uid, weights: n.weights })),
    };
  },
  subnet_bonds: (node, p) => {
    const sn = subnetOf(node, p);
    return {
      rows: node.state
        .neuronsOf(sn.netuid)
        .filter((n) => n.bonds.length > 0)
        .map((n) => ({ uid: n.uid, bonds: n.bonds })),
    };
  },
  tx_submit: (node, p) => {
    if (typeof p.tx !== 'object' || p.tx === null || Array.isArray(p.tx))
      throw invalidParams('"tx" must be a transaction object');
    return submitOne(node, p.tx);
  },
  tx_submitBatch: (node, p) => {
    if (!Array.isArray(p.txs) || p.txs.length > 10_000)
      throw invalidParams('"txs" must be an array of at most 10000 transactions');
    return node.submitBatch(p.txs).then((out) => ({
      results: out.map((r) =>
        typeof r === 'string' ? { tx_hash: r } : { error: { code: r.code, message: r.message } },
      ),
    }));
  },
  tx_status: async (node, p) => {
    const h = p.tx_hash;
    if (typeof h !== 'string' || !/^0x[0-9a-f]{64}$/.test(h))
      throw invalidParams('"tx_hash" must be 0x followed by 64 lowercase hex digits');
    return node.txStatus(h);
  },
  system_metrics: (node, p) => {
    const times = [...node.commitTimes].sort((a, b) => a - b);
    const pct = (q: number) =>
      times.length === 0 ? 0 : times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
    const stats = (xs: readonly number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const q = (f: number) =>
        sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(f * sorted.length) - 1)]!;
      return { count: sorted.length, p50: q(0.5), p99: q(0.99), max: sorted.at(-1) ?? 0 };
    };
    const d = node.loopDelay;
    const loop = {
      p50: d.count === 0 ? 0 : d.percentile(50) / 1e6,
      p99: d.count === 0 ? 0 : d.percentile(99) / 1e6,
      max: d.count === 0 ? 0 : d.max / 1e6,
    };
    const cpu = process.cpuUsage();
    const result = {
      cpu_user_ms: cpu.user / 1000,
      cpu_system_ms: cpu.system / 1000,
      rss_bytes: process.memoryUsage().rss,
      heap_used_bytes: process.memoryUsage().heapUsed,
      pool_pending: node.mempool.size,
      commit_ms: { count: times.length, p50: pct(0.5), p99: pct(0.99), max: times.at(-1) ?? 0 },
      build_ms: stats(node.buildTimes),
      write_ms: stats(node.writeTimes),
      event_loop_delay_ms: loop,
    };
    if (p.reset === true) {
      node.commitTimes.length = 0;
      node.buildTimes.length = 0;
      node.writeTimes.length = 0;
      node.loopDelay.reset();
    }
    return result;
  },
  dev_mine: devOnly(async (node, p) => {
    const blocks = p.blocks === undefined ? 1 : int(p, 'blocks', 1, 100_000);
    await node.mine(blocks);
    return { head: headerJson(node) };
  }),
  dev_snapshot: devOnly(async (node) => ({ id: await node.snapshot() })),
  dev_revert: devOnly(async (node, p) => {
    await node.revert(int(p, 'id', 1));
    return { head: headerJson(node) };
  }),
  dev_setTime: devOnly((node, p) => ({ timestamp: node.setTime(int(p, 'timestamp', 0, MAX_TIMESTAMP)) })),
};
