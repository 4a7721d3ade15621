/**
 * NodeClient: one typed method per docs/rpc.md method, the event stream, and submit-then-wait for
 * transactions. Reads retry on connection errors; a submit is never blindly repeated (see submitTx).
 */
import type { Dispatcher } from 'undici';
import { ExitCode, TaoError } from '../core/errors.js';
import type { SignedTx } from '../crypto/tx.js';
import {
  decodeAccountInfo,
  decodeBlock,
  decodeHeader,
  decodeMetagraph,
  decodeAlphaStakes,
  decodeStakes,
  decodeSubnets,
  decodeSystemInfo,
  decodeTxHash,
  decodeTxStatus,
  decodeWeights,
  obj,
} from './decode.js';
import { type EventStreamOptions, nodeEvents } from './sse.js';
import { type CallOptions, RpcTransport, type TransportOptions } from './transport.js';
import type {
  AlphaStakeEntry,
  AccountInfo,
  Block,
  BlockHeader,
  Hyperparameters,
  Metagraph,
  NodeEvent,
  StakeEntry,
  SubnetInfo,
  SystemInfo,
  TxOutcome,
  TxStatus,
  WeightRow,
} from './types.js';
import { waitForTx, type WaitOptions } from './wait.js';

export interface NodeClientOptions extends TransportOptions {}

export class NodeClient {
  readonly transport: RpcTransport;

  constructor(url: string, options: NodeClientOptions = {}) {
    this.transport = new RpcTransport(url, options);
  }

  get url(): string {
    return this.transport.url;
  }

  /** Raw JSON-RPC escape hatch (result undecoded). */
  call(method: string, params?: unknown, options?: CallOptions): Promise<unknown> {
    return this.transport.call(method, params, options);
  }

  async systemInfo(options?: CallOptions): Promise<SystemInfo> {
    return decodeSystemInfo(await this.call('system_info', undefined, options));
  }

  async head(options?: CallOptions): Promise<BlockHeader> {
    return decodeHeader(await this.call('chain_head', undefined, options));
  }

  async block(number: number, options?: CallOptions): Promise<Block> {
    return decodeBlock(await this.call('chain_block', { number }, options));
  }

  async accountInfo(address: string, options?: CallOptions): Promise<AccountInfo> {
    return decodeAccountInfo(await this.call('account_info', { address }, options));
  }

  async stakeList(
    filter: { coldkey?: string; hotkey?: string } = {},
    options?: CallOptions,
  ): Promise<StakeEntry[]> {
    return decodeStakes(await this.call('stake_list', filter, options));
  }

  /** The α stakes (subnets ≥ 1) matching the filter; root stakes are `stakeList`'s. */
  async alphaStakes(
    filter: { coldkey?: string; hotkey?: string } = {},
    options?: CallOptions,
  ): Promise<AlphaStakeEntry[]> {
    return decodeAlphaStakes(await this.call('stake_list', filter, options));
  }

  async subnetList(options?: CallOptions): Promise<SubnetInfo[]> {
    return decodeSubnets(await this.call('subnet_list', undefined, options));
  }

  async hyperparameters(netuid: number, options?: CallOptions): Promise<Hyperparameters> {
    return obj(await this.call('subnet_hyperparameters', { netuid }, options), 'subnet_hyperparameters');
  }

  async metagraph(netuid: number, options?: CallOptions): Promise<Metagraph> {
    return decodeMetagraph(await this.call('subnet_metagraph', { netuid }, options));
  }

  async weights(netuid: number, options?: CallOptions): Promise<WeightRow[]> {
    return decodeWeights(await this.call('subnet_weights', { netuid }, options));
  }

  async txStatus(txHash: string, options?: CallOptions): Promise<TxStatus> {
    return decodeTxStatus(await this.call('tx_status', { tx_hash: txHash.toLowerCase() }, options));
  }

  /**
   * Submits a signed transaction and returns its hash. If the request may have reached the node but the
   * answer was lost (reset, timeout), the node is asked for the tx by hash before anything is resent;
   * resending the identical signed bytes is safe anyway (same nonce: included at most once), and a
   * "duplicate" answer to the resend counts as success.
   */
  async submitTx(tx: SignedTx, options: CallOptions = {}): Promise<string> {
    try {
      return decodeTxHash(await this.call('tx_submit', { tx }, { ...options, idempotent: false }));
    } catch (error) {
      if (!(error instanceof TaoError) || error.exitCode !== ExitCode.unreachable) throw error;
      const { signedTxHash } = await import('../crypto/tx.js'); // loaded only here: reads stay light
      const localHash = signedTxHash(tx);
      // Ambiguous: did the node get it? Ask by hash (retrying reads), then resend once if unknown.
      const status = await this.txStatus(localHash, options);
      if (status.status !== 'unknown') return localHash;
      try {
        return decodeTxHash(await this.call('tx_submit', { tx }, { ...options, idempotent: false }));
      } catch (again) {
        if (again instanceof TaoError && again.code === 'E_DUPLICATE_TX') return localHash;
        throw again;
      }
    }
  }

  /** Waits for a final outcome (included or rejected) via the event stream, polling as a fallback. */
  waitForTx(txHash: string, options: WaitOptions = {}): Promise<TxOutcome> {
    return waitForTx(this, txHash, options);
  }

  /** Submit, then wait for the outcome. */
  async submitAndWait(tx: SignedTx, options: WaitOptions = {}): Promise<TxOutcome> {
    const hash = await this.submitTx(tx);
    return this.waitForTx(hash, { expiry: tx.expiry, ...options });
  }

  /** Mines `blocks` blocks at once (dev ledger only); returns the new head number. */
  async devMine(blocks = 1, options?: CallOptions): Promise<number> {
    const o = obj(await this.call('dev_mine', { blocks }, { idempotent: false, ...options }), 'dev_mine');
    const head = o.head;
    if (typeof head === 'number') return head;
    return decodeHeader(head, 'dev_mine.head').number;
  }

  /** Saves the dev chain's state; returns the id to revert to. */
  async devSnapshot(options?: CallOptions): Promise<number> {
    const o = obj(
      await this.call('dev_snapshot', undefined, { idempotent: false, ...options }),
      'dev_snapshot',
    );
    if (typeof o.id !== 'number') throw new TaoError('E_BAD_RESPONSE', 'dev_snapshot answered without an id');
    return o.id;
  }

  async devRevert(id: number, options?: CallOptions): Promise<number> {
    const o = obj(await this.call('dev_revert', { id }, options), 'dev_revert');
    return typeof o.head === 'number' ? o.head : decodeHeader(o.head, 'dev_revert.head').number;
  }

  async devSetTime(timestamp: number, options?: CallOptions): Promise<number> {
    const o = obj(await this.call('dev_setTime', { timestamp }, options), 'dev_setTime');
    return typeof o.timestamp === 'number' ? o.timestamp : timestamp;
  }

  /** Live events, reconnecting with backoff until `signal` aborts. */
  events(signal?: AbortSignal, options?: EventStreamOptions): AsyncGenerator<NodeEvent, void, undefined> {
    return nodeEvents(this.transport, signal, options);
  }
}

export type { Dispatcher };
