/**
 * A DataSource that reads the real node with plain JSON-RPC over `fetch` (system_info, chain_head,
 * subnet_list, subnet_metagraph, account_info, stake_list; docs/rpc.md) and polls, backing off while the
 * node is unreachable. Until the event-stream client and the supervisor are wired in, signing and
 * process control are delegated to optional hooks and otherwise fail with a clear reason.
 */
import { TaoError } from '../../core/errors.js';
import { SnapshotStore } from './snapshot-store.js';
import type {
  DataSource,
  MarketSnapshot,
  Neuron,
  OwnHotkey,
  StakeRequest,
  TransferRequest,
  TxFate,
  TxSubmitted,
} from './types.js';

export interface RpcSourceOptions {
  url: string;
  netuid: number;
  walletName: string | null;
  coldkey: string | null;
  hotkeys: OwnHotkey[];
  /** Poll period while connected (ms). */
  intervalMs?: number;
  /** Longest wait between retries while unreachable (ms). */
  maxBackoffMs?: number;
  /** Failed attempts after which the state reads "offline" (still retrying). */
  offlineAfter?: number;
  /** Signs and submits a call; absent until the wallet is wired into the console. */
  signAndSubmit?: (call: Record<string, unknown>, auth: TransferRequest['auth']) => Promise<TxSubmitted>;
  hasKeychainPassword?: () => Promise<boolean>;
}

export class RpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface RpcNeuron {
  uid: number;
  hotkey: string;
  coldkey: string;
  stake: string;
  rank: number;
  trust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  emission: string;
  validator_trust: number;
  validator_permit: boolean;
  active: boolean;
}

export function neuronFromRpc(n: RpcNeuron): Neuron {
  return {
    uid: n.uid,
    hotkey: n.hotkey,
    coldkey: n.coldkey,
    stake: BigInt(n.stake),
    rank: n.rank,
    trust: n.trust,
    consensus: n.consensus,
    incentive: n.incentive,
    dividends: n.dividends,
    validatorTrust: n.validator_trust,
    emission: BigInt(n.emission),
    validatorPermit: n.validator_permit,
    active: n.active,
  };
}

/** Blocks until the subnet's next epoch from its tempo and last epoch block. */
export function blocksToEpoch(head: number, tempo: number, lastEpoch: number | null): number | null {
  if (tempo <= 0) return null;
  if (lastEpoch === null) return tempo - (head % (tempo + 1));
  return Math.max(0, lastEpoch + tempo - head);
}

export class RpcDataSource implements DataSource {
  private readonly store: SnapshotStore;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private failures = 0;
  private id = 0;
  private netuid: number;
  private metagraphAt: number | null = null;
  private readonly inflight = new AbortController();

  constructor(private readonly options: RpcSourceOptions) {
    this.netuid = options.netuid;
    this.store = new SnapshotStore(options.url, {
      own: {
        walletName: options.walletName,
        coldkey: options.coldkey,
        hotkeys: options.hotkeys,
        balance: null,
        stakes: [],
      },
    });
  }

  subscribe = (listener: () => void) => this.store.subscribe(listener);
  getSnapshot = (): MarketSnapshot => this.store.getSnapshot();

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  close(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.inflight.abort();
  }

  setNetuid(netuid: number): void {
    if (netuid === this.netuid) return;
    this.netuid = netuid;
    this.metagraphAt = null;
    this.store.update({ neurons: [], subnet: null, emissionHistory: [] });
    if (this.running) {
      if (this.timer) clearTimeout(this.timer);
      void this.tick();
    }
  }

  async call<T>(method: string, params?: Record<string, unknown>): Promise<T> {
    const body = JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method, ...(params ? { params } : {}) });
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.any([AbortSignal.timeout(5000), this.inflight.signal]),
    });
    const json = (await response.json()) as {
      result?: T;
      error?: { code: number; message: string; data?: { code?: string } };
    };
    if (json.error) throw new RpcError(json.error.data?.code ?? `RPC_${json.error.code}`, json.error.message);
    return json.result as T;
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    let delay = this.options.intervalMs ?? 2000;
    try {
      await this.refresh();
      this.failures = 0;
    } catch (error) {
      if (!this.running) return;
      this.failures++;
      delay = Math.min(this.options.maxBackoffMs ?? 30_000, 1000 * 2 ** Math.min(this.failures - 1, 10));
      const message = (error as Error).message;
      const prev = this.store.getSnapshot().node;
      const offline = this.failures >= (this.options.offlineAfter ?? 5);
      this.store.update({
        node: {
          ...prev,
          connection: offline
            ? { kind: 'offline', error: message }
            : { kind: 'reconnecting', retryAt: Date.now() + delay, attempt: this.failures, error: message },
        },
      });
    }
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref?.();
  }

  /** One poll: head every time; metagraph, subnet and balances when the head moved. */
  async refresh(): Promise<void> {
    const prev = this.store.getSnapshot();
    const info = await this.call<{ chain: string; block_time_ms: number; tx_fee: string; head: number }>(
      'system_info',
    );
    const head = (await this.call<{ number: number }>('chain_head')).number;
    const patch: Partial<MarketSnapshot> = {};
    if (this.metagraphAt !== head) {
      const subnets = await this.call<{
        subnets: { netuid: number; n: number; max_uids: number; tempo: number; last_epoch: number | null }[];
      }>('subnet_list');
      const s = subnets.subnets.find((x) => x.netuid === this.netuid);
      patch.subnet = s
        ? { netuid: s.netuid, n: s.n, maxUids: s.max_uids, tempo: s.tempo, lastEpoch: s.last_epoch ?? null }
        : null;
      if (s) {
        const meta = await this.call<{ neurons: RpcNeuron[] }>('subnet_metagraph', { netuid: this.netuid });
        patch.neurons = meta.neurons.map(neuronFromRpc);
        patch.emissionHistory = this.trend(prev, patch.neurons);
      } else {
        patch.neurons = [];
      }
      const coldkey = this.options.coldkey;
      if (coldkey) {
        const account = await this.call<{ free: string; staked: string }>('account_info', {
          address: coldkey,
        });
        const stakes = await this.call<{ stakes: { hotkey: string; amount: string }[] }>('stake_list', {
          coldkey,
        });
        patch.own = {
          ...prev.own,
          balance: { free: BigInt(account.free), staked: BigInt(account.staked) },
          stakes: stakes.stakes.map((x) => ({ hotkey: x.hotkey, amount: BigInt(x.amount) })),
        };
      }
      this.metagraphAt = head;
    }
    const subnet = patch.subnet !== undefined ? patch.subnet : prev.subnet;
    patch.node = {
      url: this.options.url,
      connection: { kind: 'connected' },
      lastUpdate: Date.now(),
      head,
      nextEpochIn: subnet ? blocksToEpoch(head, subnet.tempo, subnet.lastEpoch) : null,
      blockTimeMs: info.block_time_ms,
      chain: info.chain,
      txFee: BigInt(info.tx_fee),
    };
    this.store.update(patch);
  }

  private trend(prev: MarketSnapshot, neurons: Neuron[]): bigint[] {
    const hot = new Set(this.options.hotkeys.map((h) => h.ss58));
    const cold = this.options.coldkey;
    const total = neurons
      .filter((n) => hot.has(n.hotkey) || (cold !== null && n.coldkey === cold))
      .reduce((a, n) => a + n.emission, 0n);
    return [...prev.emissionHistory, total].slice(-60);
  }

  hasKeychainPassword(): Promise<boolean> {
    return this.options.hasKeychainPassword?.() ?? Promise.resolve(false);
  }

  private submit(call: Record<string, unknown>, auth: TransferRequest['auth']): Promise<TxSubmitted> {
    if (!this.options.signAndSubmit) {
      return Promise.reject(
        new TaoError(
          'E_NOT_WIRED',
          'signing from the console is not wired to the wallet yet; use tao wallet/stake',
        ),
      );
    }
    return this.options.signAndSubmit(call, auth);
  }

  transfer(r: TransferRequest): Promise<TxSubmitted> {
    return this.submit({ type: 'transfer', dest: r.dest, amount: r.amount.toString() }, r.auth);
  }

  addStake(r: StakeRequest): Promise<TxSubmitted> {
    return this.submit({ type: 'add_stake', hotkey: r.hotkey, amount: r.amount.toString() }, r.auth);
  }

  removeStake(r: StakeRequest): Promise<TxSubmitted> {
    return this.submit({ type: 'remove_stake', hotkey: r.hotkey, amount: r.amount.toString() }, r.auth);
  }

  /** Polls tx_status until the node says included or rejected (or it stays unknown for 60 s). */
  async waitForTx(txHash: string, signal?: AbortSignal): Promise<TxFate> {
    const deadline = Date.now() + 60_000;
    while (!signal?.aborted) {
      const s = await this.call<{
        status: string;
        block?: number;
        error?: { code: string; message: string };
      }>('tx_status', { tx_hash: txHash });
      if (s.status === 'included') return { status: 'included', block: s.block ?? -1 };
      if (s.status === 'rejected') {
        return {
          status: 'rejected',
          code: s.error?.code ?? 'E_REJECTED',
          message: s.error?.message ?? 'rejected',
        };
      }
      if (s.status === 'unknown' && Date.now() > deadline) {
        return { status: 'unknown', message: 'the node does not know this transaction' };
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return { status: 'unknown', message: 'stopped waiting' };
  }

  private noSupervisor(): Promise<void> {
    return Promise.reject(new TaoError('E_NOT_WIRED', 'the supervisor is not connected to the console yet'));
  }

  startProcess(): Promise<void> {
    return this.noSupervisor();
  }

  stopProcess(): Promise<void> {
    return this.noSupervisor();
  }

  restartProcess(): Promise<void> {
    return this.noSupervisor();
  }
}
