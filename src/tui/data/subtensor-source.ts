/**
 * The console's DataSource on a Subtensor chain (`tao console --network …`): chain data from the
 * SubtensorFeed (new heads, pools, metagraph, balances and alpha stakes). The local supervisor's views
 * (Peer, Neighbours) and signing say in one line that they are not available here instead of showing
 * another chain's data; every signing or process action refuses.
 */
import { TaoError } from '../../core/errors.js';
import { SnapshotStore } from './snapshot-store.js';
import { SubtensorFeed, type SubtensorFeedOptions } from './subtensor-feed.js';
import type { DataSource, MarketSnapshot, TxFate, TxSubmitted } from './types.js';

export interface SubtensorSourceOptions extends SubtensorFeedOptions {
  walletName: string | null;
}

/** What the views that have no data on a Subtensor chain say instead (each fits 80 columns). */
export const SUBTENSOR_MISSING = {
  neighbours: "Neighbours: scores come from tao's own peers under tao up, not from Subtensor",
  peer: "Peer: processes of tao's own market (tao up); none on a Subtensor chain",
  signing: 'not signed here on Subtensor: use tao stake add|remove, tao wallet transfer',
} as const;

const unsupported = (what: string) =>
  new TaoError('E_UNSUPPORTED', `${what}: ${SUBTENSOR_MISSING.signing}`, 2);

export class SubtensorDataSource implements DataSource {
  readonly store: SnapshotStore;
  private readonly feed: SubtensorFeed;

  constructor(options: SubtensorSourceOptions) {
    this.store = new SnapshotStore(options.url, {
      own: {
        walletName: options.walletName,
        coldkey: options.coldkey,
        hotkeys: options.hotkeys,
        balance: null,
        stakes: [],
      },
      supervisor: { kind: 'absent', message: SUBTENSOR_MISSING.peer },
      missing: { ...SUBTENSOR_MISSING },
    });
    this.feed = new SubtensorFeed(this.store, options);
  }

  subscribe = (listener: () => void) => this.store.subscribe(listener);
  getSnapshot = (): MarketSnapshot => this.store.getSnapshot();

  start(): void {
    this.feed.start();
  }

  close(): void {
    this.feed.close();
  }

  setNetuid(netuid: number): void {
    this.feed.setNetuid(netuid);
  }

  /** One refresh now (tests). */
  refreshChain(): Promise<void> {
    return this.feed.requestRefresh();
  }

  hasKeychainPassword(): Promise<boolean> {
    return Promise.resolve(false);
  }

  transfer(): Promise<TxSubmitted> {
    return Promise.reject(unsupported('transfer'));
  }

  addStake(): Promise<TxSubmitted> {
    return Promise.reject(unsupported('add stake'));
  }

  removeStake(): Promise<TxSubmitted> {
    return Promise.reject(unsupported('remove stake'));
  }

  waitForTx(): Promise<TxFate> {
    return Promise.resolve({ status: 'unknown', message: SUBTENSOR_MISSING.signing });
  }

  startProcess(): Promise<void> {
    return Promise.reject(unsupported('start'));
  }

  stopProcess(): Promise<void> {
    return Promise.reject(unsupported('stop'));
  }

  restartProcess(): Promise<void> {
    return Promise.reject(unsupported('restart'));
  }
}
