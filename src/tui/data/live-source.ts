/**
 * The console's real DataSource: the node's event stream and RPC (ChainFeed), the supervisor daemon and
 * the own peer's /status (SupervisorFeed), and wallet signing (TxSigner), all writing one SnapshotStore.
 * With `readonly`, signing and process control refuse even if called (the shell never offers them).
 */
import { NodeClient } from '../../client/index.js';
import { stakePlan, transferPlan } from '../../client/tx-plan.js';
import { TaoError } from '../../core/errors.js';
import { ChainFeed, type ChainFeedOptions } from './chain-feed.js';
import { LedgerPoolSigning } from './ledger-pool-tx.js';
import { TxSigner } from './signer.js';
import { SnapshotStore } from './snapshot-store.js';
import { SupervisorFeed, type SupervisorLink } from './supervisor-feed.js';
import type {
  DataSource,
  MarketSnapshot,
  OwnHotkey,
  StakeRequest,
  TransferRequest,
  TxFate,
  TxSubmitted,
} from './types.js';

export interface LiveSourceOptions extends Partial<Omit<ChainFeedOptions, 'coldkey' | 'hotkeys' | 'netuid'>> {
  url: string;
  netuid: number;
  home: string;
  walletName: string | null;
  coldkey: string | null;
  hotkeys: OwnHotkey[];
  readonly?: boolean;
  passwordFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Connects to the running supervisor (default: connectSupervisor(home)); never starts one. */
  connectSupervisor?: () => Promise<SupervisorLink>;
  supervisorIntervalMs?: number;
}

const readonlyRefusal = () =>
  new TaoError('E_READONLY', 'the console runs with --readonly: nothing is signed or stopped', 2);

export class LiveDataSource implements DataSource {
  readonly store: SnapshotStore;
  readonly client: NodeClient;
  private readonly chain: ChainFeed;
  private readonly processes: SupervisorFeed;
  private readonly signer: TxSigner;
  /** Stakes into subnet pools (netuid ≥ 1): reviewed like Subtensor's, signed with a limit price. */
  readonly pools: LedgerPoolSigning;

  constructor(private readonly options: LiveSourceOptions) {
    this.store = new SnapshotStore(options.url, {
      own: {
        walletName: options.walletName,
        coldkey: options.coldkey,
        hotkeys: options.hotkeys,
        balance: null,
        stakes: [],
      },
    });
    // Reads fail fast (no retries): the feeds have their own backoff and show the state.
    this.client = new NodeClient(options.url, { timeoutMs: 5000, retries: 0 });
    const { url: _url, home: _home, walletName: _w, readonly: _r, ...feed } = options;
    this.chain = new ChainFeed(this.client, this.store, feed);
    const connect =
      options.connectSupervisor ??
      (async () => {
        const { connectSupervisor } = await import('../../supervisor/client.js');
        return connectSupervisor(options.home, { timeoutMs: 1000 });
      });
    this.processes = new SupervisorFeed(this.store, {
      connect,
      ...(options.supervisorIntervalMs !== undefined ? { intervalMs: options.supervisorIntervalMs } : {}),
    });
    this.signer = new TxSigner(new NodeClient(options.url), {
      home: options.home,
      wallet: options.walletName,
      ...(options.passwordFile !== undefined ? { passwordFile: options.passwordFile } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    this.pools = new LedgerPoolSigning(
      this.client,
      this.signer,
      options.coldkey,
      options.readonly ? readonlyRefusal : null,
    );
  }

  subscribe = (listener: () => void) => this.store.subscribe(listener);
  getSnapshot = (): MarketSnapshot => this.store.getSnapshot();

  start(): void {
    this.chain.start();
    this.processes.start();
  }

  close(): void {
    this.chain.close();
    this.processes.close();
  }

  setNetuid(netuid: number): void {
    this.chain.setNetuid(netuid);
  }

  /** One refresh of the chain data now (tests and benchmarks). */
  refreshChain(): Promise<void> {
    return this.chain.requestRefresh();
  }

  refreshProcesses(): Promise<void> {
    return this.processes.refresh();
  }

  hasKeychainPassword(): Promise<boolean> {
    return this.signer.passwordKnown();
  }

  private sign(call: { type: string } & Record<string, unknown>, auth: TransferRequest['auth']) {
    if (this.options.readonly) return Promise.reject(readonlyRefusal());
    return this.signer.submit(call, auth);
  }

  // The calls of the plans the dialog reviewed (src/client/tx-plan.ts, as the CLI signs them).
  transfer(r: TransferRequest): Promise<TxSubmitted> {
    return this.sign(transferPlan(r.dest, r.amount).call, r.auth);
  }

  addStake(r: StakeRequest): Promise<TxSubmitted> {
    return this.sign(stakePlan('add', r.hotkey, r.amount).call, r.auth);
  }

  removeStake(r: StakeRequest): Promise<TxSubmitted> {
    return this.sign(stakePlan('remove', r.hotkey, r.amount).call, r.auth);
  }

  async waitForTx(txHash: string, signal?: AbortSignal): Promise<TxFate> {
    const fate = await this.signer.waitForTx(txHash, signal);
    void this.chain.requestRefresh(); // balances changed: show them without waiting for the next block
    return fate;
  }

  /** Asks the supervisor (never starts one) which running validators use `hotkey`, as the CLI does. */
  async runningValidatorsOn(hotkey: string, netuid?: number): Promise<string | null> {
    const { describePeers, runningValidatorsOn } = await import('../../up/running-peers.js');
    const peers = await runningValidatorsOn(this.options.home, hotkey, netuid);
    return peers.length > 0 ? describePeers(peers) : null;
  }

  private control(op: 'start' | 'stop' | 'restart', name: string): Promise<void> {
    if (this.options.readonly) return Promise.reject(readonlyRefusal());
    return this.processes.control(op, name);
  }

  followLogs(name: string | null): void {
    this.processes.followLogs(name);
  }

  startProcess(name: string): Promise<void> {
    return this.control('start', name);
  }

  stopProcess(name: string): Promise<void> {
    return this.control('stop', name);
  }

  restartProcess(name: string): Promise<void> {
    return this.control('restart', name);
  }
}
