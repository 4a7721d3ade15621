/**
 * The chain seam (ARCHITECTURE.md): what every command reads from and writes to a chain, backend-neutral.
 * Two backends, each in its own folder: tao's ledger (src/chain/ledger/, over src/client) and Subtensor
 * (src/chain/subtensor/, over @polkadot/api). `openChain` resolves --network / --node once and loads only the
 * backend it names, so the ledger path never loads @polkadot/api. Amounts are bigint rao (α in 10^-9 units);
 * formatting for people and JSON stays above the seam, once for both. A backend that lacks something throws
 * `unsupported(backend, what)` (E_UNSUPPORTED, exit 2, naming the backend); callers never branch on the name.
 */
import { ExitCode, TaoError } from '../core/errors.js';
import type { KeyPair } from '../crypto/keys.js';
import type { Network } from './network.js';

export type BackendName = 'ledger' | 'subtensor';

/** What `openChain` needs of the global flags (GlobalOptions satisfies it). */
export interface ChainTarget {
  home: string;
  /** tao's ledger URL (--node). */
  node: string;
  /** --network: a Subtensor name or URL, `localnet`, or an http(s) ledger URL; undefined = the ledger at `node`. */
  network?: string;
}

/** What differs between backends in what they can answer, said up front instead of probed. */
export interface ChainCapabilities {
  /**
   * The ledger keeps root stake as τ in its own table with the hotkey's delegate take, beside α per subnet;
   * Subtensor keeps every stake as α per netuid (root is netuid 0 at price 1). `tao stake list` keeps the
   * JSON each has always printed.
   */
  rootStakeTable: boolean;
  /** Stakes can be listed by hotkey or for every coldkey (the ledger indexes them; Subtensor needs a coldkey). */
  stakeIndex: boolean;
  /** Accounts below an existential deposit are reaped (Subtensor): transfers keep the sender alive by default. */
  existentialDeposit: boolean;
  /** A new subnet names an owner hotkey (Subtensor's register_network); tao's ledger takes none. */
  subnetOwnerHotkey: boolean;
  /** A faucet call exists (tao's ledger; it pays out on dev chains only). */
  faucet: boolean;
}

export interface ChainBalance {
  address: string;
  free: bigint;
  /** Reserved balance; absent where the backend has none (tao's ledger). */
  reserved?: bigint;
  /** Stake owned by the address, valued in τ (α at each pool's spot price). */
  staked: bigint;
}

/** One coldkey's stake on a (hotkey, netuid): τ on root (netuid 0), α on a subnet. */
export interface ChainStake {
  coldkey: string;
  hotkey: string;
  netuid: number;
  /** τ on root, α on a subnet (10^-9 units). */
  amount: bigint;
  /** τ per α at the pool's spot price (10^9 = 1.0; root is 1.0), where the backend reports it. */
  price?: bigint;
  /** The stake's value in τ at the spot price. */
  value: bigint;
  /** The hotkey's delegate take (u16 of 65535), where the backend reports it. */
  take?: number;
}

export interface StakeQuery {
  coldkey?: string;
  hotkey?: string;
}

/** A subnet's pool (dynamic TAO). */
export interface ChainPool {
  /** τ per α at the spot price, rao. */
  price: bigint;
  taoIn: bigint;
  alphaIn: bigint;
  alphaOut: bigint;
  /** τ put into this pool per block (its share of the block emission). */
  taoEmission: bigint;
  started: boolean;
  firstEmissionBlock: number | null;
}

export interface ChainSubnet {
  netuid: number;
  owner: string;
  ownerHotkey?: string;
  /** Name and token symbol where the chain keeps them (Subtensor). */
  name?: string;
  symbol?: string;
  n: number;
  maxUids: number;
  tempo: number;
  burn: bigint;
  lastEpoch: number;
  /** α waiting for the next epoch, where the backend reports it (tao's ledger). */
  pendingEmission?: bigint;
  registeredAt?: number;
  /** Absent from ledger nodes that predate dynamic TAO. */
  pool?: ChainPool;
}

export interface ChainNeuron {
  uid: number;
  hotkey: string;
  coldkey: string;
  /** The epoch's stake weight. */
  stake: bigint;
  /** Its two parts where the backend reports them: α on this subnet and root τ. */
  alphaStake?: bigint;
  taoStake?: bigint;
  /** Ranking fields: u16, 0..65535. */
  rank: number;
  trust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  emission: bigint;
  validatorTrust: number;
  validatorPermit: boolean;
  active: boolean;
  lastUpdate: number;
  registeredAt: number;
  axon: { ip: string; port: number; protocol?: number | string } | null;
}

export interface ChainMetagraph {
  netuid: number;
  block: number;
  neurons: ChainNeuron[];
}

/** Hyperparameters by snake_case name; `amounts` names those in rao (burn, stake_threshold, …). */
export interface ChainHyperparameters {
  values: Record<string, bigint | number | boolean | string | null | object>;
  amounts: ReadonlySet<string>;
}

/**
 * A write, backend-neutral. The other writes (stake add/remove/move/transfer/swap) still go through each backend's own flow (src/cli/tx-flow.ts runTx, src/cli/subtensor/tx.ts
 * runSubtensorTx) and move here one at a time.
 */
export type ChainCall =
  | { type: 'transfer'; dest: string; amount: bigint; keepAlive: boolean }
  /** Everything transferable (less the fee; Subtensor keeps the account alive unless !keepAlive). */
  | { type: 'transfer_all'; dest: string; keepAlive: boolean }
  | { type: 'set_delegate_take'; hotkey: string; take: number }
  | { type: 'start_call'; netuid: number }
  /** Burns the subnet's registration cost for a uid of `hotkey`. */
  | { type: 'burned_register'; netuid: number; hotkey: string }
  /** A new subnet owned by the signer; Subtensor also names its owner `hotkey` and locks the lock cost. */
  | { type: 'create_subnet'; hotkey?: string }
  /** Signed by the hotkey: its weight row (u16, max-upscaled) on a subnet. */
  | { type: 'set_weights'; netuid: number; uids: number[]; weights: number[]; versionKey?: bigint }
  /** Signed by the hotkey: where its axon listens. */
  | { type: 'serve_axon'; netuid: number; ip: string; port: number; protocol: number }
  /** Dev chains of tao's ledger only. */
  | { type: 'faucet'; amount?: bigint }
  /**
   * A stake trade against subnet `netuid`'s pool: τ in for α (add) or α out for τ (remove); `limit` is the
   * limit price (a ceiling buying, a floor selling; absent with --unsafe), `partial` fills what fits within
   * it. `all` (remove) sells everything held, `amount` being what the preview read.
   */
  | {
      type: 'add_stake' | 'remove_stake';
      hotkey: string;
      netuid: number;
      amount: bigint;
      all?: boolean;
      limit?: bigint;
      partial: boolean;
    };

/** A subnet's pool as a trade reads it: the spot price and the state the swap estimate runs on. */
export interface ChainTradePool {
  price: bigint;
  state: import('./subtensor/swap-estimate.js').PoolState;
}

/** What a stake trade did, from the chain's own events where it reports them (Subtensor's StakeAdded / StakeRemoved). */
export interface ChainStakeEvent {
  kind: 'StakeAdded' | 'StakeRemoved';
  netuid: number;
  alpha: bigint;
  tao: bigint;
  /** The pool's swap fee (τ buying, α selling). */
  fee: bigint;
}

/** What the chain says a dev key (--signer-uri) needs: a dev chain, and its name for the refusal. */
export interface ChainKind {
  dev: boolean;
  chain: string;
  /** The faucet's default amount, where the chain has a faucet (a dev ledger). */
  faucetAmount?: bigint;
}

/** What happened to a submitted write. */
export interface ChainReceipt {
  txHash: string;
  block: number | null;
  status: 'included' | 'pending';
  /** The fee actually paid where the chain reports it per transaction (Subtensor's TransactionFeePaid). */
  fee?: bigint;
  /** The block's events of this transaction, by pallet and name, where the chain reports them. */
  events: { section: string; method: string; data: unknown[] }[];
  /** The stake events among them, where the chain emits them (Subtensor); absent otherwise (tao's ledger). */
  stakeEvents?: ChainStakeEvent[];
}

/** One signer's view of the chain for one write: its free balance, the fee, the preview's chain lines. */
export interface TxSession {
  readonly free: bigint;
  /** The least an account may keep (Subtensor reaps below it); 0 where nothing is reaped. */
  readonly existentialDeposit: bigint;
  /** Preview lines of this chain beyond the plan (ledger: nonce, valid until; Subtensor: runtime). */
  readonly previewLines: [string, string][];
  /**
   * Refuses what the chain would refuse before anything is signed (a subnet started too early, the faucet
   * off a dev ledger, a call the backend lacks) and returns the chain's fee estimate for `call`.
   */
  quote(call: ChainCall): Promise<bigint>;
  /** Signs with `pair` (the signer's key), submits, waits unless !wait; `onSent` is told once it is sent (with the hash where known then). */
  submit(
    call: ChainCall,
    pair: KeyPair,
    options: { timeoutMs: number; wait: boolean; onSent: (txHash?: string) => void },
  ): Promise<ChainReceipt>;
}

export interface Chain {
  readonly backend: BackendName;
  readonly url: string;
  readonly capabilities: ChainCapabilities;
  balance(address: string): Promise<ChainBalance>;
  stakes(query: StakeQuery): Promise<ChainStake[]>;
  subnets(): Promise<ChainSubnet[]>;
  metagraph(netuid: number): Promise<ChainMetagraph>;
  hyperparameters(netuid: number): Promise<ChainHyperparameters>;
  /** The coldkey owning `address` when it is a hotkey, where the chain can say (Subtensor). */
  hotkeyOwner?(address: string): Promise<string | undefined>;
  /** What creating a subnet locks from the signer now, where the chain says beforehand (Subtensor). */
  subnetLockCost?(): Promise<bigint>;
  /** The subnet's weights version key, where the chain keeps one (Subtensor). */
  weightsVersionKey?(netuid: number): Promise<bigint>;
  /** Subnet `netuid`'s pool for a trade: E_UNKNOWN_SUBNET (or E_SUBNET_NOT_STARTED where the chain says) otherwise. */
  tradePool(netuid: number): Promise<ChainTradePool>;
  /** The α `coldkey` holds on `hotkey` in subnet `netuid`. */
  alphaStake(coldkey: string, hotkey: string, netuid: number): Promise<bigint>;
  /** Whether dev keys may sign here. */
  kind(): Promise<ChainKind>;
  /** Starts a write by `signer`; `expiryBlocks` bounds its validity where the chain takes one (the ledger). */
  session(signer: string, options: { expiryBlocks: number }): Promise<TxSession>;
  /** Disconnects (a no-op where nothing stays open). */
  close(): Promise<void>;
}

/** Where the backend cannot do `what`: exit 2, naming the backend. */
export function unsupported(backend: BackendName, what: string, hint?: string): TaoError {
  const name = backend === 'ledger' ? "tao's ledger" : 'Subtensor';
  return new TaoError('E_UNSUPPORTED', `${what}: not available on ${name}`, ExitCode.usage, hint);
}

/** The network a target names, with `localnet` read from the target's home. */
export async function networkOfTarget(target: ChainTarget): Promise<Network> {
  const { resolveNetwork } = await import('./network.js');
  if (target.network === 'localnet') {
    const { localnetEndpoint } = await import('../localnet/running.js');
    return resolveNetwork(target.network, target.node, () => localnetEndpoint(target.home));
  }
  return resolveNetwork(target.network, target.node);
}

/** The chain --network / --node name, its backend module loaded lazily; nothing is connected yet. */
export async function openChain(target: ChainTarget): Promise<Chain> {
  const network = await networkOfTarget(target);
  if (network.backend === 'subtensor') {
    const { subtensorChain } = await import('./subtensor/chain.js');
    return subtensorChain(network.url);
  }
  const { ledgerChain } = await import('./ledger/chain.js');
  return ledgerChain(network.url);
}

/** Opens the chain, runs `fn`, always closes it. */
export async function withChain<T>(target: ChainTarget, fn: (chain: Chain) => Promise<T>): Promise<T> {
  const chain = await openChain(target);
  try {
    return await fn(chain);
  } finally {
    await chain.close().catch(() => undefined);
  }
}
