/**
 * The chain half of the console's data on a Subtensor chain: connects with @polkadot/api, subscribes to new
 * heads and, on each head (rate-limited and coalesced: a finney head comes every 12 s, a localnet one per
 * transaction), reads the subnets with their pools, the selected subnet's metagraph and the wallet's
 * balance and alpha stakes into the same SnapshotStore the ledger feed fills. A dropped connection is
 * retried with backoff (the status line shows it); nothing here signs.
 */
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import type { SubtensorNeuron } from '../../chain/subtensor/metagraph.js';
import type { AlphaStake } from '../../chain/subtensor/reads.js';
import type { SubnetSummary } from '../../chain/subtensor/subnets.js';
import { sleep } from '../../core/sleep.js';
import { byNetuidThenHotkey, emissionTrend, nextPollDelay } from './chain-feed.js';
import type { SnapshotStore } from './snapshot-store.js';
import {
  type ConnectionState,
  type MarketSnapshot,
  type Neuron,
  type OwnHotkey,
  type StakeEntry,
  type SubnetInfo,
  type SubnetsState,
  stableNames,
} from './types.js';

export interface SubtensorFeedOptions {
  url: string;
  netuid: number;
  coldkey: string | null;
  hotkeys: OwnHotkey[];
  /** Least time between two refreshes (default 1000 ms); heads arriving meanwhile are coalesced. */
  minIntervalMs?: number;
  /** Longest wait between reconnection attempts (default 30000 ms). */
  maxBackoffMs?: number;
  /** Failed attempts after which the state reads "offline" (still retrying; default 5). */
  offlineAfter?: number;
  /** Opens the connection (default: connectSubtensor). */
  connect?: (url: string) => Promise<SubtensorApi>;
}

const RAO = 1_000_000_000n;

/** Subtensor's blocks_until_next_epoch: tempo - (block + netuid + 1) % (tempo + 1); 0 = the epoch runs in this block. */
export function subtensorBlocksToEpoch(head: number, netuid: number, tempo: number): number | null {
  if (tempo <= 0) return null;
  return tempo - ((head + netuid + 1) % (tempo + 1));
}

/** A Subtensor neuron in the console's terms: stake is the hotkey's alpha on this subnet, emission alpha. */
export function neuronFromSubtensor(n: SubtensorNeuron): Neuron {
  return {
    uid: n.uid,
    hotkey: n.hotkey,
    coldkey: n.coldkey,
    stake: n.alphaStake,
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

/**
 * The chain identity names of the metagraph's hotkeys (each its coldkey's IdentitiesV2 name), for the
 * Ranking's name column and filter; `previous` comes back while nothing changed (the views memoize on it).
 */
export function identityNames(
  neurons: readonly Pick<SubtensorNeuron, 'hotkey' | 'identity'>[],
  previous?: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const n of neurons) if (n.identity) names[n.hotkey] = n.identity;
  return stableNames(names, previous);
}

/** Every subnet's pool as Subnets rows (ordered by netuid). */
export function subtensorSubnets(summaries: readonly SubnetSummary[]): SubnetsState {
  return {
    rows: [...summaries]
      .sort((a, b) => a.netuid - b.netuid)
      .map((s) => ({
        netuid: s.netuid,
        name: s.name,
        symbol: s.symbol,
        tempo: s.tempo,
        n: s.n,
        maxUids: s.maxUids,
        price: s.price,
        taoIn: s.taoIn,
        alphaIn: s.alphaIn,
        emission: s.taoInEmission,
        started: s.netuid === 0 || s.firstEmissionBlock !== null,
      })),
    poolsMissing: null,
  };
}

/** The subnet shown in Ranking/Overview; lastEpoch is the runtime's last mechanism step. */
export function subtensorSubnetInfo(s: SubnetSummary): SubnetInfo {
  return {
    netuid: s.netuid,
    n: s.n,
    maxUids: s.maxUids,
    tempo: s.tempo,
    lastEpoch: s.lastStep || null,
    stakeUnit: 'α',
  };
}

/**
 * Own alpha stakes with their τ value at each pool's spot price (alpha × price / 10^9, rounded down, as
 * `tao wallet balance` values them), ordered by netuid then hotkey.
 */
export function stakeEntries(
  stakes: readonly AlphaStake[],
  prices: ReadonlyMap<number, bigint>,
): StakeEntry[] {
  return [...stakes].sort(byNetuidThenHotkey).map((s) => ({
    hotkey: s.hotkey,
    netuid: s.netuid,
    alpha: s.alpha,
    amount: (s.alpha * (prices.get(s.netuid) ?? 0n)) / RAO,
  }));
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class SubtensorFeed {
  private readonly abort = new AbortController();
  private running = false;
  private chain: SubtensorApi | null = null;
  private failures = 0;
  private netuid: number;
  private refreshing: Promise<void> | null = null;
  private again = false;
  private lastStart = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly o: { minIntervalMs: number; maxBackoffMs: number; offlineAfter: number };

  constructor(
    private readonly store: SnapshotStore,
    private readonly options: SubtensorFeedOptions,
  ) {
    this.netuid = options.netuid;
    this.o = {
      minIntervalMs: options.minIntervalMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      offlineAfter: options.offlineAfter ?? 5,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connectLoop();
  }

  close(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    const chain = this.chain;
    this.chain = null;
    void chain?.close().catch(() => undefined);
  }

  /** The live connection (null while connecting or reconnecting): the console signs over it too. */
  connection(): SubtensorApi | null {
    return this.chain;
  }

  setNetuid(netuid: number): void {
    if (netuid === this.netuid) return;
    this.netuid = netuid;
    this.store.update({ neurons: [], subnet: null, emissionHistory: [] });
    if (this.chain) void this.requestRefresh();
  }

  private setConnection(error: unknown): void {
    const delay = nextPollDelay(this.failures, false, { pollMs: 0, slowPollMs: 0, ...this.o });
    const connection: ConnectionState =
      this.failures >= this.o.offlineAfter
        ? { kind: 'offline', error: message(error) }
        : {
            kind: 'reconnecting',
            retryAt: Date.now() + delay,
            attempt: this.failures,
            error: message(error),
          };
    this.store.update({ node: { ...this.store.getSnapshot().node, connection } });
  }

  /** Connect, follow heads until the connection drops, and again (with backoff) until closed. */
  private async connectLoop(): Promise<void> {
    const signal = this.abort.signal;
    while (this.running) {
      let chain: SubtensorApi;
      try {
        const connect =
          this.options.connect ??
          (async (url: string) =>
            (await import('../../chain/subtensor/api.js')).connectSubtensor(url, 10_000));
        chain = await connect(this.options.url);
      } catch (error) {
        if (!this.running) return;
        this.failures++;
        this.setConnection(error);
        await sleep(nextPollDelay(this.failures, false, { pollMs: 0, slowPollMs: 0, ...this.o }), signal, {
          unref: true,
        });
        continue;
      }
      if (!this.running) {
        await chain.close().catch(() => undefined);
        return;
      }
      this.chain = chain;
      const dropped = new Promise<string>((resolve) => {
        chain.api.once('disconnected', () => resolve('connection lost'));
        chain.api.once('error', (e: unknown) => resolve(message(e)));
        signal.addEventListener('abort', () => resolve('closed'));
      });
      let unsubscribe: (() => void) | null = null;
      try {
        const chainName = (await chain.api.rpc.system.chain()).toString();
        this.failures = 0;
        this.store.update({
          node: {
            ...this.store.getSnapshot().node,
            chain: `${chainName} (${chain.specName} ${chain.specVersion})`,
            connection: { kind: 'connected' },
          },
        });
        unsubscribe = (await chain.api.rpc.chain.subscribeNewHeads((header) => {
          this.onHead(header.number.toNumber());
        })) as unknown as () => void;
        const why = await dropped;
        if (!this.running) return;
        throw new Error(why);
      } catch (error) {
        try {
          unsubscribe?.();
        } catch {
          // the subscription died with the socket
        }
        this.chain = null;
        await chain.close().catch(() => undefined);
        if (!this.running) return;
        this.failures++;
        this.setConnection(error);
        await sleep(nextPollDelay(this.failures, false, { pollMs: 0, slowPollMs: 0, ...this.o }), signal, {
          unref: true,
        });
      }
    }
  }

  private onHead(head: number): void {
    const node = this.store.getSnapshot().node;
    if (node.head === null || head > node.head) {
      this.store.update({ node: { ...node, head, lastUpdate: Date.now() } });
    }
    void this.requestRefresh();
  }

  /** One refresh at a time, at most one queued behind it, and none sooner than minIntervalMs after the last. */
  requestRefresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        const wait = this.lastStart + this.o.minIntervalMs - Date.now();
        if (wait > 0) await sleep(wait, this.abort.signal, { unref: true });
        if (!this.running || !this.chain) break;
        this.lastStart = Date.now();
        try {
          await this.refresh(this.chain);
        } catch (error) {
          // A failed read leaves the last data; a dead socket is the connect loop's to handle.
          if (this.running) {
            const node = this.store.getSnapshot().node;
            this.store.update({
              node: {
                ...node,
                connection: {
                  kind: 'reconnecting',
                  retryAt: Date.now() + 1000,
                  attempt: 1,
                  error: message(error),
                },
              },
            });
          }
        }
      } while (this.again && this.running);
      this.refreshing = null;
    })();
    return this.refreshing;
  }

  /** Reads subnets + pools, the selected metagraph and the wallet's balance and stakes. */
  async refresh(chain: SubtensorApi): Promise<void> {
    const [{ subnetSummaries }, { subtensorMetagraph }, { accountBalance, stakesOfColdkey, alphaPrice }] =
      await Promise.all([
        import('../../chain/subtensor/subnets.js'),
        import('../../chain/subtensor/metagraph.js'),
        import('../../chain/subtensor/reads.js'),
      ]);
    const api = chain.api;
    const netuid = this.netuid;
    const coldkey = this.options.coldkey;
    const [summaries, meta, account, stakes] = await Promise.all([
      subnetSummaries(api),
      subtensorMetagraph(api, netuid),
      coldkey ? accountBalance(api, coldkey) : null,
      coldkey ? stakesOfColdkey(api, coldkey) : null,
    ]);
    if (!this.running || netuid !== this.netuid) return;
    const prev = this.store.getSnapshot();
    const prices = new Map(summaries.map((s) => [s.netuid, s.price]));
    for (const s of stakes ?? [])
      if (!prices.has(s.netuid)) prices.set(s.netuid, await alphaPrice(api, s.netuid));
    const summary = summaries.find((s) => s.netuid === netuid);
    const subnet = summary ? subtensorSubnetInfo(summary) : null;
    const neurons = meta ? meta.neurons.map(neuronFromSubtensor) : [];
    const patch: Partial<MarketSnapshot> = {
      subnets: subtensorSubnets(summaries),
      subnet,
      neurons,
      names: identityNames(meta?.neurons ?? [], prev.names),
      emissionHistory: emissionTrend(prev.emissionHistory, neurons, this.options.hotkeys, coldkey),
    };
    if (account && stakes) {
      const entries = stakeEntries(stakes, prices);
      patch.own = {
        ...prev.own,
        balance: { free: account.free, staked: entries.reduce((a, s) => a + s.amount, 0n) },
        stakes: entries,
      };
    }
    const head = prev.node.head ?? meta?.block ?? null;
    patch.node = {
      ...prev.node,
      connection: { kind: 'connected' },
      lastUpdate: Date.now(),
      head,
      nextEpochIn: subnet && head !== null ? subtensorBlocksToEpoch(head, subnet.netuid, subnet.tempo) : null,
    };
    this.store.update(patch);
  }
}
