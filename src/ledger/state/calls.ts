/**
 * The calls a transaction can carry (docs/rpc.md): strict structural validation of an untrusted `call`
 * object into a typed Call. Amounts are decimal rao strings (> 0, < 2^64); addresses SS58 (prefix 42).
 * Every problem is an E_BAD_CALL / E_BAD_AMOUNT / E_BAD_ADDRESS rejection naming the field.
 */
import { isAxonIp } from '../../core/ip.js';
import { decodeAddress } from '../../crypto/ss58.js';
import { LedgerError, reject } from './errors.js';

export type Call =
  | { type: 'transfer'; dest: string; amount: bigint }
  | { type: 'faucet'; amount: bigint | undefined }
  | { type: 'create_subnet' }
  | { type: 'burned_register'; netuid: number; hotkey: string }
  | {
      type: 'add_stake' | 'remove_stake';
      hotkey: string;
      /** τ to stake (add) or, on a subnet, α to unstake (remove); root (netuid 0) is τ both ways. */
      amount: bigint;
      netuid: number;
      /** rao per α: add stakes only up to this price, remove sells only down to it. */
      limit_price: bigint | undefined;
      allow_partial: boolean;
    }
  | ({
      type: 'move_stake';
      origin_hotkey: string;
      dest_hotkey: string;
      origin_netuid: number;
      dest_netuid: number;
      amount: bigint;
    } & MoveLimit)
  | ({
      type: 'transfer_stake';
      dest_coldkey: string;
      hotkey: string;
      origin_netuid: number;
      dest_netuid: number;
      amount: bigint;
    } & MoveLimit)
  | ({
      type: 'swap_stake';
      hotkey: string;
      origin_netuid: number;
      dest_netuid: number;
      amount: bigint;
    } & MoveLimit)
  | { type: 'unstake_all'; hotkey: string }
  | { type: 'start_call'; netuid: number }
  | { type: 'set_weights'; netuid: number; uids: number[]; weights: number[]; version_key: number }
  | { type: 'serve_axon'; netuid: number; ip: string; port: number; protocol: number }
  | { type: 'set_delegate_take'; hotkey: string; take: number };

/**
 * A move across subnets' price protection (spec 300's swap_stake_limit rule, on all three moves here): a
 * floor on origin price / destination price × 10^9, and whether to move what fits instead of refusing.
 */
export interface MoveLimit {
  limit_price: bigint | undefined;
  allow_partial: boolean;
}

export type CallType = Call['type'];

const FIELDS: Record<CallType, { required: string[]; optional: string[] }> = {
  transfer: { required: ['dest', 'amount'], optional: [] },
  faucet: { required: [], optional: ['amount'] },
  create_subnet: { required: [], optional: [] },
  burned_register: { required: ['netuid', 'hotkey'], optional: [] },
  add_stake: { required: ['hotkey', 'amount'], optional: ['netuid', 'limit_price', 'allow_partial'] },
  remove_stake: { required: ['hotkey', 'amount'], optional: ['netuid', 'limit_price', 'allow_partial'] },
  move_stake: {
    required: ['origin_hotkey', 'dest_hotkey', 'origin_netuid', 'dest_netuid', 'amount'],
    optional: ['limit_price', 'allow_partial'],
  },
  transfer_stake: {
    required: ['dest_coldkey', 'hotkey', 'origin_netuid', 'dest_netuid', 'amount'],
    optional: ['limit_price', 'allow_partial'],
  },
  swap_stake: {
    required: ['hotkey', 'origin_netuid', 'dest_netuid', 'amount'],
    optional: ['limit_price', 'allow_partial'],
  },
  unstake_all: { required: ['hotkey'], optional: [] },
  start_call: { required: ['netuid'], optional: [] },
  set_weights: { required: ['netuid', 'uids', 'weights'], optional: ['version_key'] },
  serve_axon: { required: ['netuid', 'ip', 'port'], optional: ['protocol'] },
  set_delegate_take: { required: ['hotkey', 'take'], optional: [] },
};

/** Calls authorised by a hotkey; they pay no fee (as on subtensor, hotkeys hold no free balance). */
export const HOTKEY_CALLS: ReadonlySet<CallType> = new Set(['set_weights', 'serve_axon']);
export const FEELESS_CALLS: ReadonlySet<CallType> = new Set(['set_weights', 'serve_axon', 'faucet']);

/** Whether `type` names a call (`tx_fee` answers only for those). */
export const isCallType = (type: unknown): type is CallType =>
  typeof type === 'string' && Object.hasOwn(FIELDS, type);

/** The fee policy: what a call of `type` pays on a chain whose flat fee is `txFee` (apply.ts, `tx_fee`). */
export const feeOf = (type: CallType, txFee: bigint): bigint => (FEELESS_CALLS.has(type) ? 0n : txFee);

const MAX_U64 = (1n << 64n) - 1n;
const MAX_WEIGHTS = 65536;

const bad = (message: string): never => reject('E_BAD_CALL', message);

function amount(v: unknown, field: string): bigint {
  if (typeof v !== 'string' || !/^\d{1,20}$/.test(v))
    return reject('E_BAD_AMOUNT', `call.${field} must be a decimal rao string like "1000000000"`);
  const a = BigInt(v);
  if (a === 0n) return reject('E_BAD_AMOUNT', `call.${field} must be positive`);
  if (a > MAX_U64) return reject('E_BAD_AMOUNT', `call.${field} must be below 2^64 rao`);
  return a;
}

/** Addresses already decoded successfully (SS58 checks cost a blake2b-512 each); bounded, oldest dropped. */
const knownGood = new Set<string>();
const KNOWN_MAX = 65_536;

export function address(v: unknown, field: string): string {
  if (typeof v !== 'string') return reject('E_BAD_ADDRESS', `call.${field} must be an SS58 address string`);
  if (knownGood.has(v)) return v;
  try {
    decodeAddress(v);
  } catch (e) {
    throw new LedgerError('E_BAD_ADDRESS', `call.${field}: ${(e as Error).message}`);
  }
  if (knownGood.size >= KNOWN_MAX) knownGood.delete(knownGood.values().next().value!);
  knownGood.add(v);
  return v;
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') return bad(`call.${field} must be true or false`);
  return v;
}

function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    return bad(`call.${field} must be an integer in ${min}..${max}`);
  return v;
}

function intArray(v: unknown, field: string, max: number): number[] {
  if (!Array.isArray(v) || v.length > MAX_WEIGHTS)
    return bad(`call.${field} must be an array of at most ${MAX_WEIGHTS} integers`);
  return v.map((x, i) => int(x, `${field}[${i}]`, 0, max));
}

/** limit_price (rao, > 0) and allow_partial (default false) of a stake trade or move. */
const limitOf = (c: Record<string, unknown>): MoveLimit => ({
  limit_price: c.limit_price === undefined ? undefined : amount(c.limit_price, 'limit_price'),
  allow_partial: c.allow_partial === undefined ? false : bool(c.allow_partial, 'allow_partial'),
});

export function parseCall(raw: unknown): Call {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('call must be an object');
  const c = raw as Record<string, unknown>;
  const type = c.type as CallType;
  const spec = typeof type === 'string' ? FIELDS[type] : undefined;
  if (!spec || !Object.hasOwn(FIELDS, type)) return bad(`unknown call type ${JSON.stringify(c.type)}`);
  for (const key of Object.keys(c)) {
    if (key !== 'type' && !spec.required.includes(key) && !spec.optional.includes(key))
      bad(`unexpected field "${key.slice(0, 40)}" in a ${type} call`);
  }
  for (const key of spec.required) if (!(key in c)) bad(`a ${type} call needs "${key}"`);
  switch (type) {
    case 'transfer':
      return { type, dest: address(c.dest, 'dest'), amount: amount(c.amount, 'amount') };
    case 'faucet':
      return { type, amount: c.amount === undefined ? undefined : amount(c.amount, 'amount') };
    case 'create_subnet':
      return { type };
    case 'burned_register':
      return { type, netuid: int(c.netuid, 'netuid', 0, 65535), hotkey: address(c.hotkey, 'hotkey') };
    case 'add_stake':
    case 'remove_stake':
      return {
        type,
        hotkey: address(c.hotkey, 'hotkey'),
        amount: amount(c.amount, 'amount'),
        netuid: c.netuid === undefined ? 0 : int(c.netuid, 'netuid', 0, 65535),
        ...limitOf(c),
      };
    case 'move_stake':
      return {
        type,
        origin_hotkey: address(c.origin_hotkey, 'origin_hotkey'),
        dest_hotkey: address(c.dest_hotkey, 'dest_hotkey'),
        origin_netuid: int(c.origin_netuid, 'origin_netuid', 0, 65535),
        dest_netuid: int(c.dest_netuid, 'dest_netuid', 0, 65535),
        amount: amount(c.amount, 'amount'),
        ...limitOf(c),
      };
    case 'transfer_stake':
      return {
        type,
        dest_coldkey: address(c.dest_coldkey, 'dest_coldkey'),
        hotkey: address(c.hotkey, 'hotkey'),
        origin_netuid: int(c.origin_netuid, 'origin_netuid', 0, 65535),
        dest_netuid: int(c.dest_netuid, 'dest_netuid', 0, 65535),
        amount: amount(c.amount, 'amount'),
        ...limitOf(c),
      };
    case 'swap_stake':
      return {
        type,
        hotkey: address(c.hotkey, 'hotkey'),
        origin_netuid: int(c.origin_netuid, 'origin_netuid', 0, 65535),
        dest_netuid: int(c.dest_netuid, 'dest_netuid', 0, 65535),
        amount: amount(c.amount, 'amount'),
        ...limitOf(c),
      };
    case 'unstake_all':
      return { type, hotkey: address(c.hotkey, 'hotkey') };
    case 'start_call':
      return { type, netuid: int(c.netuid, 'netuid', 1, 65535) };
    case 'set_weights':
      return {
        type,
        netuid: int(c.netuid, 'netuid', 0, 65535),
        uids: intArray(c.uids, 'uids', 65535),
        weights: intArray(c.weights, 'weights', 65535),
        version_key: c.version_key === undefined ? 0 : int(c.version_key, 'version_key', 0, 2 ** 53 - 1),
      };
    case 'serve_axon': {
      const ip = c.ip;
      if (!isAxonIp(ip)) return reject('E_BAD_AXON', 'call.ip must be an IPv4 or IPv6 address');
      return {
        type,
        netuid: int(c.netuid, 'netuid', 0, 65535),
        ip,
        port: int(c.port, 'port', 1, 65535),
        protocol: c.protocol === undefined ? 4 : int(c.protocol, 'protocol', 0, 255),
      };
    }
    case 'set_delegate_take':
      return { type, hotkey: address(c.hotkey, 'hotkey'), take: int(c.take, 'take', 0, 65535) };
  }
}
