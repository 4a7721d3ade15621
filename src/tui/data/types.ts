/**
 * The console's own data model: what each view needs, independent of where it comes from. A `DataSource`
 * produces immutable `MarketSnapshot`s (a new object on every change) and performs the few actions the
 * console can take; the real client/supervisor and the plain-RPC poller both implement it. Records that
 * come from the ledger's protocol take their fields from its one wire module (src/core/wire.ts).
 */
import type { ChainSigning } from './chain-tx.js';
import type { Camelized, NeuronFields, TxState } from '../../core/wire.js';

/** How the console currently reaches the node. */
export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'reconnecting'; retryAt: number; attempt: number; error?: string }
  | { kind: 'offline'; error?: string };

export interface NodeStatus {
  url: string;
  connection: ConnectionState;
  /** Wall-clock ms of the last successful update, or null before the first one. */
  lastUpdate: number | null;
  head: number | null;
  /** Blocks until the subnet's next epoch, or null when unknown. */
  nextEpochIn: number | null;
  blockTimeMs: number | null;
  chain: string | null;
  /** The flat fee of a transaction in rao (system_info.tx_fee), or null when unknown. */
  txFee: bigint | null;
}

export interface SubnetInfo {
  netuid: number;
  n: number;
  maxUids: number;
  tempo: number;
  lastEpoch: number | null;
  /** Unit of the metagraph's stake and emission: τ on tao's ledger, the subnet's alpha on Subtensor. */
  stakeUnit?: 'τ' | 'α';
}

/**
 * One subnet as the Subnets view lists it. The pool fields are null where the chain has no subnet pools
 * (tao's ledger before dynamic TAO); amounts are rao (alpha in its own 10^-9 units).
 */
export interface SubnetRow {
  netuid: number;
  name: string;
  symbol: string;
  tempo: number;
  n: number;
  maxUids: number;
  /** Rao of τ per whole alpha (10^9 = price 1.0). */
  price: bigint | null;
  /** τ in the subnet's pool. */
  taoIn: bigint | null;
  /** Alpha in the subnet's pool. */
  alphaIn: bigint | null;
  /** τ injected into the pool per block (the subnet's part of the block emission). */
  emission: bigint | null;
  /** Whether the subnet emits yet (its owner ran start_call); null where not known. */
  started?: boolean | null;
}

export interface SubnetsState {
  rows: SubnetRow[];
  /** One line saying why the pool columns are empty, or null where the chain has pools. */
  poolsMissing: string | null;
}

/** The wire's neuron fields the Ranking view shows (the ledger's and Subtensor's metagraph both have them). */
type RankingFields = Camelized<
  Pick<
    NeuronFields,
    | 'uid'
    | 'hotkey'
    | 'coldkey'
    | 'rank'
    | 'trust'
    | 'consensus'
    | 'incentive'
    | 'dividends'
    | 'validator_trust'
    | 'validator_permit'
    | 'active'
  >
>;

/** One neuron of the metagraph; ranking fields are raw u16 (0..65535), money is rao. */
export interface Neuron extends RankingFields {
  stake: bigint;
  emission: bigint;
  /** Who this is (supervised process, own wallet hotkey, chain identity), filled in by the views. */
  name?: string;
}

export interface OwnHotkey {
  name: string;
  ss58: string;
}

export interface StakeEntry {
  hotkey: string;
  /** The stake's value in τ (rao); on Subtensor the alpha at the pool's spot price. */
  amount: bigint;
  /** The subnet of the stake (0 = root, τ at price 1); absent where stake is not per subnet. */
  netuid?: number;
  /** The alpha held (10^-9 α), with `netuid`. */
  alpha?: bigint;
}

export interface OwnAccount {
  walletName: string | null;
  coldkey: string | null;
  hotkeys: OwnHotkey[];
  balance: { free: bigint; staked: bigint } | null;
  stakes: StakeEntry[];
}

/** The local peer's pruning score of one neighbour (Δloss when removed). */
export interface NeighbourScore {
  uid: number;
  hotkey: string;
  score: number;
  se: number;
  ema: number;
  gate: number;
  /** The normalised weight the peer will set, in [0, 1]. */
  weight: number;
  latencyMs: number | null;
  failures: number;
  /** Who this is (see `Neuron.name`), filled in by the views. */
  name?: string;
}

/**
 * How the own peer scores its neighbours (its `/status` `scoring` block): every neighbour every round
 * (pure leave-one-out), or a random `subsetSize` of `of` per round, which makes the scores semivalues.
 */
export interface PeerScoring {
  mode: 'leave-one-out' | 'subset-semivalue';
  subsetSize: number;
  of: number;
}

/** Reads the `scoring` block of the peer's `/status` JSON; null when absent or malformed. */
export function peerScoringOf(statusJson: unknown): PeerScoring | null {
  const o = (statusJson ?? {}) as { scoring?: unknown };
  const s = (o.scoring ?? null) as Record<string, unknown> | null;
  if (!s || typeof s !== 'object') return null;
  if (s.mode !== 'leave-one-out' && s.mode !== 'subset-semivalue') return null;
  if (typeof s.subset_size !== 'number' || typeof s.of !== 'number') return null;
  return { mode: s.mode, subsetSize: s.subset_size, of: s.of };
}

export interface WeightsTx {
  txHash: string;
  block: number | null;
  status: TxState;
  error?: string;
}

export type ProcessState = 'starting' | 'running' | 'restarting' | 'crash-looping' | 'stopped' | 'exited';

export interface ProcessInfo {
  name: string;
  kind: 'node' | 'peer' | 'other';
  state: ProcessState;
  pid: number | null;
  uptimeMs: number | null;
  restarts: number;
  lastExit: string | null;
  /** CPU use in percent of one core. */
  cpu: number | null;
  memBytes: number | null;
  gpu: string | null;
  device: 'cuda' | 'cpu' | null;
  /** The hotkey a peer process runs (its supervisor meta), for copying its address. */
  hotkey?: string | null;
}

export interface LogLine {
  ts: number;
  source: string;
  text: string;
}

/** The selected process's log stream (the supervisor's `follow`): off, opening, live, or waiting to retry. */
export type LogStreamState =
  | { kind: 'off' }
  | { kind: 'connecting'; name: string }
  | { kind: 'live'; name: string }
  | { kind: 'retrying'; name: string; retryAt: number; attempt: number; error: string };

/** Whether the console reaches the supervisor daemon (it never starts one). */
export type SupervisorState =
  | { kind: 'unknown' }
  | { kind: 'running'; pid: number | null }
  | { kind: 'absent'; message: string };

/** The operator's own peer (supervised child with flavour `own`, else `validator`) and its /status. */
export interface OwnPeerState {
  name: string;
  url: string;
  reachable: boolean;
  error?: string;
  uid: number | null;
  round: number | null;
  device: string | null;
}

export interface MarketSnapshot {
  node: NodeStatus;
  subnet: SubnetInfo | null;
  neurons: Neuron[];
  own: OwnAccount;
  neighbours: NeighbourScore[];
  lastWeightsTx: WeightsTx | null;
  /** Block at which the peer's next weights transaction is due, or null. */
  nextWeightsDue: number | null;
  /** How the own peer scores (from its /status); absent/null when unknown. */
  peerScoring?: PeerScoring | null;
  processes: ProcessInfo[];
  /** The followed process's last lines (bounded), oldest first. */
  logs: LogLine[];
  /** State of the log stream behind `logs`; absent where a source does not stream. */
  logStream?: LogStreamState;
  supervisor: SupervisorState;
  ownPeer: OwnPeerState | null;
  /** Own total emission (rao) at recent updates, oldest first, for the Overview trend. */
  emissionHistory: bigint[];
  /**
   * Names of hotkeys the operator can put a name to: supervised peers by process name (`peer:noisy`),
   * keyed by ss58. The same object until a name changes.
   */
  names?: Readonly<Record<string, string>>;
  /** Every subnet with its pool (the Subnets view); null until first loaded. */
  subnets?: SubnetsState | null;
  /**
   * What this backend does not have (the local supervisor for Peer/Neighbours on a remote chain, signing
   * from the console), each with one line saying so. Absent: everything is there.
   */
  missing?: Partial<Record<'neighbours' | 'peer' | 'signing', string>>;
}

/** The fate of a submitted transaction, as the dialogs show it. */
export type TxFate =
  | { status: 'included'; block: number }
  | { status: 'rejected'; code: string; message: string }
  | { status: 'unknown'; message: string };

export interface TxSubmitted {
  txHash: string;
}

/** Where the coldkey password comes from for a signing action. */
export type PasswordSource = { kind: 'keychain' } | { kind: 'password'; password: string };

export interface TransferRequest {
  dest: string;
  amount: bigint;
  auth: PasswordSource;
}

export interface StakeRequest {
  hotkey: string;
  amount: bigint;
  auth: PasswordSource;
}

/**
 * What the console reads and does. `getSnapshot` must return the same object until something changed
 * (it backs `useSyncExternalStore`); `subscribe` returns an unsubscribe function.
 */
export interface DataSource {
  subscribe(listener: () => void): () => void;
  getSnapshot(): MarketSnapshot;
  /** Begins fetching (idempotent). */
  start(): void;
  /** Stops fetching and releases sockets; never stops supervised processes. */
  close(): void;
  /** Switches the subnet shown in Ranking/Overview. */
  setNetuid(netuid: number): void;
  /** True when the OS keychain holds the coldkey password (no prompt needed). */
  hasKeychainPassword(): Promise<boolean>;
  transfer(request: TransferRequest): Promise<TxSubmitted>;
  addStake(request: StakeRequest): Promise<TxSubmitted>;
  removeStake(request: StakeRequest): Promise<TxSubmitted>;
  /** Resolves when the transaction is included or rejected (or its fate cannot be known). */
  waitForTx(txHash: string, signal?: AbortSignal): Promise<TxFate>;
  /**
   * tao's ledger with subnet pools: prices and signs stakes into a pool (netuid ≥ 1) as Subtensor's source
   * does (chain-tx.ts); root stake (netuid 0) still goes through addStake/removeStake. Optional.
   */
  pools?: ChainSigning;
  /**
   * Streams the named process's log into `logs` (replacing the previous stream); null stops streaming.
   * Optional: sources without it keep `logs` however they fill it.
   */
  followLogs?(name: string | null): void;
  /**
   * The running validators of this home (supervised peers that set weights) on `hotkey` (on `netuid` when
   * given: an α unstake weakens only that subnet's validator), described as `peer:v (validator, pid 12)`, or
   * null when none runs on it: the unstake review warns (as `tao stake remove` does). Optional: sources
   * without a supervisor omit it.
   */
  runningValidatorsOn?(hotkey: string, netuid?: number): Promise<string | null>;
  startProcess(name: string): Promise<void>;
  stopProcess(name: string): Promise<void>;
  restartProcess(name: string): Promise<void>;
}

/** `names`, or `previous` when it names the same hotkeys alike (the views memoize on the object). */
export function stableNames(
  names: Record<string, string>,
  previous?: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const keys = Object.keys(names);
  return previous &&
    keys.length === Object.keys(previous).length &&
    keys.every((k) => previous[k] === names[k])
    ? previous
    : names;
}

export function emptySnapshot(url: string): MarketSnapshot {
  return {
    node: {
      url,
      connection: { kind: 'connecting' },
      lastUpdate: null,
      head: null,
      nextEpochIn: null,
      blockTimeMs: null,
      chain: null,
      txFee: null,
    },
    subnet: null,
    neurons: [],
    own: { walletName: null, coldkey: null, hotkeys: [], balance: null, stakes: [] },
    neighbours: [],
    lastWeightsTx: null,
    nextWeightsDue: null,
    processes: [],
    logs: [],
    supervisor: { kind: 'unknown' },
    ownPeer: null,
    emissionHistory: [],
  };
}
