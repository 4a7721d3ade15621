/**
 * The console's DataSource on a Subtensor chain (`tao console --network …`): chain data from the
 * SubtensorFeed (new heads, pools, metagraph, balances and alpha stakes), and the transfer / stake / unstake
 * dialogs signed here over the feed's connection (ChainSigning: a plan read from the chain, then exactly
 * that plan signed with the wallet's coldkey, unlocked as on tao's ledger). The local supervisor's views
 * (Peer, Neighbours) say in one line that they are not available here; process actions refuse, and so
 * does every signing action under --readonly.
 */
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import { TaoError, unreachableError } from '../../core/errors.js';
import type { ChainTxPlan, ChainTxRequest } from '../dialogs/chain-plan.js';
import type { ChainSigning, ChainTxOutcome } from './chain-tx.js';
import { passwordKnown, type SignerOptions, unlockConsoleColdkey } from './signer.js';
import { SnapshotStore } from './snapshot-store.js';
import { SubtensorFeed, type SubtensorFeedOptions } from './subtensor-feed.js';
import type { DataSource, MarketSnapshot, PasswordSource, TxFate, TxSubmitted } from './types.js';

export interface SubtensorSourceOptions extends SubtensorFeedOptions {
  walletName: string | null;
  /** TAO_HOME: where the wallet's keys are (needed to sign). */
  home?: string;
  /** --readonly: nothing is signed. */
  readonly?: boolean;
  passwordFile?: string;
  env?: NodeJS.ProcessEnv;
}

/** What the views that have no data on a Subtensor chain say instead (each fits 80 columns). */
export const SUBTENSOR_MISSING = {
  neighbours: "Neighbours: scores come from tao's own peers under tao up, not from Subtensor",
  peer: "Peer: processes of tao's own market (tao up); none on a Subtensor chain",
} as const;

const unsupported = (what: string, why: string) => new TaoError('E_UNSUPPORTED', `${what}: ${why}`, 2);
const readonlyRefusal = () =>
  new TaoError('E_READONLY', 'the console runs with --readonly: nothing is signed or stopped', 2);

export class SubtensorDataSource implements DataSource, ChainSigning {
  readonly store: SnapshotStore;
  private readonly feed: SubtensorFeed;
  private readonly signer: SignerOptions;

  constructor(private readonly options: SubtensorSourceOptions) {
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
    this.signer = {
      home: options.home ?? '',
      wallet: options.home === undefined ? null : options.walletName,
      ...(options.passwordFile !== undefined ? { passwordFile: options.passwordFile } : {}),
      ...(options.env ? { env: options.env } : {}),
    };
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
    return passwordKnown(this.signer);
  }

  private signable(): { chain: SubtensorApi; from: string } {
    if (this.options.readonly) throw readonlyRefusal();
    const from = this.options.coldkey;
    if (!from || !this.signer.wallet)
      throw new TaoError('E_WALLET_NOT_FOUND', 'no wallet: create one with tao wallet create', 2);
    const chain = this.feed.connection();
    if (!chain)
      throw unreachableError(`not connected to ${this.options.url} yet (reconnecting): nothing was signed`);
    return { chain, from };
  }

  async quoteTx(request: Omit<ChainTxRequest, 'from'>): Promise<{ plan: ChainTxPlan } | { problem: string }> {
    const { chain, from } = this.signable();
    const { quoteSubtensorTx } = await import('./subtensor-tx.js');
    return quoteSubtensorTx(chain, { ...request, from });
  }

  async signPlan(plan: ChainTxPlan, auth: PasswordSource): Promise<ChainTxOutcome> {
    const { chain, from } = this.signable();
    const [pair, { signSubtensorPlan }, { encodeAddress }] = await Promise.all([
      unlockConsoleColdkey(this.signer, auth),
      import('./subtensor-tx.js'),
      import('../../crypto/ss58.js'),
    ]);
    if (encodeAddress(pair.publicKey) !== from || plan.from !== from)
      throw new TaoError(
        'E_WALLET_MISMATCH',
        `the unlocked coldkey is ${encodeAddress(pair.publicKey)}, but the console shows ${from}`,
        2,
      );
    try {
      return await signSubtensorPlan(chain, pair, plan);
    } finally {
      void this.feed.requestRefresh(); // balances and stakes changed (or not): show them now
    }
  }

  // The ledger's signing entry points carry no subnet or limit price: on Subtensor the dialogs sign
  // through quoteTx / signPlan instead.
  transfer(): Promise<TxSubmitted> {
    return Promise.reject(
      unsupported('transfer', 'on Subtensor the dialog signs a reviewed plan (signPlan)'),
    );
  }

  addStake(): Promise<TxSubmitted> {
    return Promise.reject(unsupported('add stake', 'on Subtensor a stake needs a netuid and a limit price'));
  }

  removeStake(): Promise<TxSubmitted> {
    return Promise.reject(
      unsupported('remove stake', 'on Subtensor a stake needs a netuid and a limit price'),
    );
  }

  waitForTx(): Promise<TxFate> {
    return Promise.resolve({ status: 'unknown', message: 'on Subtensor signPlan waits for the block' });
  }

  startProcess(): Promise<void> {
    return Promise.reject(unsupported('start', SUBTENSOR_MISSING.peer));
  }

  stopProcess(): Promise<void> {
    return Promise.reject(unsupported('stop', SUBTENSOR_MISSING.peer));
  }

  restartProcess(): Promise<void> {
    return Promise.reject(unsupported('restart', SUBTENSOR_MISSING.peer));
  }
}
