/**
 * The chain half of the live console data: follows the node's SSE event stream (head / epoch / tx,
 * reconnecting with backoff) and refetches head, subnet, metagraph and balances when a block or an epoch
 * arrives; a fallback poll keeps data fresh while the stream is down and backs off while the node is
 * unreachable. It only writes into a SnapshotStore.
 */
import { decodeAlphaStakes, decodeStakes } from '../../client/decode.js';
import type { NodeClient } from '../../client/index.js';
import { blocksToEpoch } from '../../ledger/state/epoch-schedule.js';
import type { Neuron as ClientNeuron, NodeEvent, SubnetInfo as ClientSubnet } from '../../client/types.js';
import type { SnapshotStore } from './snapshot-store.js';
import type {
  ConnectionState,
  MarketSnapshot,
  Neuron,
  OwnHotkey,
  StakeEntry,
  SubnetsState,
} from './types.js';

/** What the Subnets view says on a ledger from before dynamic TAO (its subnet_list has no pools). */
export const LEDGER_NO_POOLS =
  "this node's ledger predates subnet pools (dynamic TAO): price, pools and emission share are not known";

/**
 * tao's ledger subnets as Subnets rows, from subnet_list's pools as the Subtensor feed fills them: the spot
 * price, τ and α in the pool, the τ the next block puts in (its emission share), and whether it started.
 * A subnet without a pool (a node from before dynamic TAO) keeps those fields null, with the note.
 */
export function ledgerSubnets(subnets: readonly ClientSubnet[]): SubnetsState {
  return {
    rows: [...subnets]
      .sort((a, b) => a.netuid - b.netuid)
      .map((s) => ({
        netuid: s.netuid,
        name: '',
        symbol: '',
        tempo: s.tempo,
        n: s.n,
        maxUids: s.maxUids,
        price: s.pool?.price ?? null,
        taoIn: s.pool?.taoIn ?? null,
        alphaIn: s.pool?.alphaIn ?? null,
        emission: s.pool?.taoEmission ?? null,
        started: s.pool?.started ?? null,
      })),
    poolsMissing: subnets.some((s) => !s.pool) ? LEDGER_NO_POOLS : null,
  };
}

/**
 * The wallet's stakes on tao's ledger as the console holds them, one stake_list answer decoded twice: root
 * stake (τ at price 1) as netuid 0, and α stakes with their τ value at the pool's spot price, ordered by
 * netuid then hotkey (as on Subtensor).
 */
export function ledgerStakes(answer: unknown): StakeEntry[] {
  const root = decodeStakes(answer).map((x) => ({
    hotkey: x.hotkey,
    amount: x.amount,
    netuid: 0,
    alpha: x.amount,
  }));
  const alpha = decodeAlphaStakes(answer).map((x) => ({
    hotkey: x.hotkey,
    amount: x.value,
    netuid: x.netuid,
    alpha: x.alpha,
  }));
  return [...root, ...alpha].sort(byNetuidThenHotkey);
}

/** The order stakes are listed in on every backend: by netuid, then hotkey. */
export const byNetuidThenHotkey = (
  a: { netuid: number; hotkey: string },
  b: { netuid: number; hotkey: string },
): number => a.netuid - b.netuid || (a.hotkey < b.hotkey ? -1 : a.hotkey > b.hotkey ? 1 : 0);

export interface ChainFeedOptions {
  netuid: number;
  coldkey: string | null;
  hotkeys: OwnHotkey[];
  /** Fallback poll period while the node answers but the event stream is down (default 2000 ms). */
  pollMs?: number;
  /** Safety-net poll period while the event stream is open (default 15000 ms). */
  slowPollMs?: number;
  /** Longest wait between polls while the node is unreachable (default 30000 ms). */
  maxBackoffMs?: number;
  /** Failed polls after which the state reads "offline" (still retrying; default 5). */
  offlineAfter?: number;
}

export function neuronFromClient(n: ClientNeuron): Neuron {
  return {
    uid: n.uid,
    hotkey: n.hotkey,
    coldkey: n.coldkey,
    stake: n.stake,
    rank: n.rank,
    trust: n.trust,
    consensus: n.consensus,
    incentive: n.incentive,
    dividends: n.dividends,
    validatorTrust: n.validatorTrust,
    emission: n.emission,
    validatorPermit: n.validatorPermit,
    active: n.active,
  };
}

/** Delay before the next poll: backoff while failing, fast while only polling, slow while streaming. */
export function nextPollDelay(
  failures: number,
  streamOpen: boolean,
  o: { pollMs: number; slowPollMs: number; maxBackoffMs: number },
): number {
  if (failures > 0) return Math.min(o.maxBackoffMs, 1000 * 2 ** Math.min(failures - 1, 10));
  return streamOpen ? o.slowPollMs : o.pollMs;
}

/** Own total emission over recent updates (last 60), for the Overview trend. */
export function emissionTrend(
  prev: readonly bigint[],
  neurons: readonly Neuron[],
  hotkeys: readonly OwnHotkey[],
  coldkey: string | null,
): bigint[] {
  const hot = new Set(hotkeys.map((h) => h.ss58));
  const total = neurons
    .filter((n) => hot.has(n.hotkey) || (coldkey !== null && n.coldkey === coldkey))
    .reduce((a, n) => a + n.emission, 0n);
  return [...prev, total].slice(-60);
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class ChainFeed {
  private readonly abort = new AbortController();
  private running = false;
  private streamOpen = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private again = false;
  private metagraphAt: number | null = null;
  private netuid: number;
  private readonly txListeners = new Set<(event: Extract<NodeEvent, { type: 'tx' }>) => void>();
  private readonly o: Required<Omit<ChainFeedOptions, 'coldkey' | 'hotkeys' | 'netuid'>>;

  constructor(
    private readonly client: NodeClient,
    private readonly store: SnapshotStore,
    private readonly options: ChainFeedOptions,
  ) {
    this.netuid = options.netuid;
    this.o = {
      pollMs: options.pollMs ?? 2000,
      slowPollMs: options.slowPollMs ?? 15_000,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      offlineAfter: options.offlineAfter ?? 5,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.streamLoop();
    this.schedulePoll(0);
  }

  close(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
  }

  setNetuid(netuid: number): void {
    if (netuid === this.netuid) return;
    this.netuid = netuid;
    this.metagraphAt = null;
    this.store.update({ neurons: [], subnet: null, emissionHistory: [] });
    if (this.running) this.requestRefresh();
  }

  /** Called for every tx event of the stream (the console uses it to follow its own transactions). */
  onTx(listener: (event: Extract<NodeEvent, { type: 'tx' }>) => void): () => void {
    this.txListeners.add(listener);
    return () => this.txListeners.delete(listener);
  }

  private async streamLoop(): Promise<void> {
    const events = this.client.events(this.abort.signal, {
      onConnection: (state, error) => {
        this.streamOpen = state === 'open';
        if (state === 'open') {
          this.requestRefresh();
        } else if (this.running && this.failures === 0) {
          // The stream dropped; poll soon to learn whether the node itself is gone.
          this.schedulePoll(Math.min(this.o.pollMs, 500));
          void error;
        }
      },
    });
    try {
      for await (const event of events) {
        if (!this.running) break;
        if (event.type === 'head') {
          const prev = this.store.getSnapshot().node;
          if (prev.head === null || event.number > prev.head) {
            this.store.update({ node: { ...prev, head: event.number, lastUpdate: Date.now() } });
          }
          this.requestRefresh();
        } else if (event.type === 'epoch') {
          if (event.netuid === this.netuid) this.requestRefresh();
        } else if (event.type === 'tx') {
          for (const listener of [...this.txListeners]) listener(event);
        }
      }
    } catch {
      // The iterator ends (or throws) only when aborted.
    }
  }

  private schedulePoll(delay: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), delay);
    this.timer.unref?.();
  }

  private async poll(): Promise<void> {
    this.timer = null;
    if (!this.running) return;
    await this.requestRefresh();
    if (this.timer === null) this.schedulePoll(nextPollDelay(this.failures, this.streamOpen, this.o));
  }

  /** Coalesces refreshes: one at a time, and at most one more queued behind it. */
  requestRefresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        await this.refreshOnce();
      } while (this.again && this.running);
      this.refreshing = null;
    })();
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    try {
      await this.refresh();
      this.failures = 0;
    } catch (error) {
      if (!this.running) return;
      this.failures++;
      const delay = nextPollDelay(this.failures, false, this.o);
      const prev = this.store.getSnapshot().node;
      const connection: ConnectionState =
        this.failures >= this.o.offlineAfter
          ? { kind: 'offline', error: message(error) }
          : {
              kind: 'reconnecting',
              retryAt: Date.now() + delay,
              attempt: this.failures,
              error: message(error),
            };
      this.store.update({ node: { ...prev, connection } });
      this.schedulePoll(delay);
    }
  }

  /** One refresh: system info and head, then subnet, metagraph and balances when the head moved. */
  async refresh(): Promise<void> {
    const signal = this.abort.signal;
    const call = { signal, timeoutMs: 5000 };
    const prev = this.store.getSnapshot();
    const [info, header] = await Promise.all([this.client.systemInfo(call), this.client.head(call)]);
    const head = header.number;
    const patch: Partial<MarketSnapshot> = {};
    let subnet = prev.subnet;
    if (this.metagraphAt !== head) {
      const netuid = this.netuid;
      const coldkey = this.options.coldkey;
      const [subnets, account, stakes] = await Promise.all([
        this.client.subnetList(call),
        coldkey ? this.client.accountInfo(coldkey, call) : null,
        coldkey ? this.client.call('stake_list', { coldkey }, call) : null,
      ]);
      const s: ClientSubnet | undefined = subnets.find((x) => x.netuid === netuid);
      subnet = s
        ? { netuid: s.netuid, n: s.n, maxUids: s.maxUids, tempo: s.tempo, lastEpoch: s.lastEpoch ?? null }
        : null;
      patch.subnet = subnet;
      patch.subnets = ledgerSubnets(subnets);
      if (s) {
        const meta = await this.client.metagraph(netuid, call);
        if (netuid !== this.netuid) return; // switched subnet meanwhile; the next refresh fetches it
        patch.neurons = meta.neurons.map(neuronFromClient);
        patch.emissionHistory = emissionTrend(
          prev.emissionHistory,
          patch.neurons,
          this.options.hotkeys,
          coldkey,
        );
      } else {
        patch.neurons = [];
      }
      if (account && stakes) {
        patch.own = {
          ...prev.own,
          balance: { free: account.free, staked: account.staked },
          stakes: ledgerStakes(stakes),
        };
      }
      this.metagraphAt = head;
    }
    patch.node = {
      url: prev.node.url,
      connection: { kind: 'connected' },
      lastUpdate: Date.now(),
      head,
      nextEpochIn: subnet ? blocksToEpoch(head, subnet.netuid, subnet.tempo) : null,
      blockTimeMs: info.blockTimeMs,
      chain: info.chain,
      txFee: info.txFee,
    };
    if (signal.aborted) return;
    this.store.update(patch);
  }
}
