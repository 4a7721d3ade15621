/**
 * `tao up`: a live market out of the box. In order: the wallets (neighbours' dev wallets, the operator's
 * own — made password-less as a dev wallet on first run), the supervisor, the dev ledger node, funding +
 * registration + stake for every peer, the peers themselves, and a wait until they all answer. Every step
 * reuses what already exists, so a second `up` changes nothing that runs. Returns the document `--json` prints.
 */
import { fileURLToPath } from 'node:url';
import { NodeClient } from '../client/index.js';
import { cancelledError } from '../core/errors.js';
import type { Flavour } from '../peer/runtime/config.js';
import { unlockColdkey } from '../wallet/index.js';
import { type ChainFacts, chainFacts, ensureNeuron } from './chain.js';
import { ensureNode, isActive } from './node.js';
import {
  neighboursHostSpec,
  portsFor,
  removeClashing,
  startPeers,
  upPeerSpec,
  waitPeersHealthy,
} from './peers.js';
import {
  DEFAULT_BLOCK_TIME_MS,
  DEFAULT_GOOD,
  DEFAULT_PEER_PORT_BASE,
  DEFAULT_RPC_PORT,
  DEFAULT_TEMPO,
  NODE_CHILD,
  neighbourPlans,
  ownPlan,
  type PeerPlan,
  supervisorName,
  UP_NETUID,
  upPaths,
} from './plan.js';
import type { Progress } from './progress.js';
import { type PeerRecord, readUpState, type UpState, writeUpState } from './state.js';
import { ensureDevWallet, ensureOwnWallet, type PeerUnlock, peerUnlock, type WalletKeys } from './wallets.js';

export const UP_STEPS = 6;

export interface UpOptions {
  home: string;
  /** The operator's wallet and hotkey (global --wallet/--hotkey). */
  wallet: string;
  hotkey: string;
  passwordFile?: string;
  interactive: boolean;
  json: boolean;
  rpcPort?: number;
  peerPortBase?: number;
  blockTimeMs?: number;
  tempo?: number;
  /** How many `good` neighbours (default 4). */
  good?: number;
  device?: string;
  /** How long to wait for the peers to answer (default 120 s). */
  peerTimeoutMs?: number;
  /** `bin/tao.js` the supervisor runs (default: this package's). */
  bin?: string;
  /**
   * Host every neighbour in one supervised process (src/peer/runtime/neighbours.ts), the default; false
   * runs a process per neighbour (`--neighbours-as-processes`). The operator's own peer has its own either way.
   */
  neighboursInOneProcess?: boolean;
  /** Ctrl-C: `up` stops what it started and fails with E_CANCELLED (exit 130). */
  signal?: AbortSignal;
}

export interface UpPeer {
  name: string;
  flavour: Flavour;
  hotkey: string;
  uid: number;
  port: number;
  wallet: string;
  /** Its supervisor child. */
  child: string;
}

export interface UpResult {
  node: string;
  netuid: number;
  supervisor: { pid: number; started: boolean };
  wallet: {
    name: string;
    hotkey_name: string;
    coldkey: string;
    hotkey: string;
    created: boolean;
    dev: boolean;
  };
  peers: UpPeer[];
  /** How to open the console on this market. */
  attach: string;
}

export const defaultBin = (): string => fileURLToPath(new URL('../../bin/tao.js', import.meta.url));

export const DEV_WALLET_NOTICE = (wallet: string, home: string) =>
  [
    '',
    '  ╔══════════════════════════════════════════════════════════════════╗',
    '  ║  DEV WALLET — no password                                        ║',
    '  ╚══════════════════════════════════════════════════════════════════╝',
    `  tao up created wallet '${wallet}' in ${home}/wallets without a password,`,
    '  for the local dev market only. Anyone who can read these files can spend',
    '  from it. For real funds, create an encrypted wallet: tao wallet create',
    '',
  ].join('\n');

export async function runUp(options: UpOptions, progress: Progress): Promise<UpResult> {
  const home = options.home;
  const bin = options.bin ?? defaultBin();
  const previous = readUpState(home);
  // A plain `up` comes back on the ports this market had (its node, and each peer's recorded port).
  const rpcPort = options.rpcPort ?? previous?.rpc_port ?? DEFAULT_RPC_PORT;
  // Recorded as it goes: every wallet made and every child started is in the record before the next step.
  let state: UpState = {
    version: 1,
    ...(previous?.rpc_url !== undefined ? { rpc_url: previous.rpc_url, rpc_port: previous.rpc_port } : {}),
    data_dir: upPaths(home).chain,
    owns_node: previous?.owns_node ?? false,
    netuid: UP_NETUID,
    created_wallets: [...(previous?.created_wallets ?? [])].sort(),
    peers: previous?.peers ?? [],
    updated_at: Date.now(),
  };
  const record = (patch: Partial<UpState>) => {
    state = { ...state, ...patch, updated_at: Date.now() };
    writeUpState(home, state);
  };

  // 1. Wallets: everything that can refuse (a locked hotkey with no password source) refuses before
  // anything starts.
  progress.step('wallets');
  const plans = neighbourPlans(options.good ?? DEFAULT_GOOD);
  const own = ownPlan(options.wallet, options.hotkey);
  const ownCtx = {
    home,
    wallet: options.wallet,
    hotkey: options.hotkey,
    passwordFile: options.passwordFile,
    interactive: options.interactive,
    json: options.json,
  };
  const ownKeys = await ensureOwnWallet(ownCtx);
  if (ownKeys.created) progress.warn(DEV_WALLET_NOTICE(options.wallet, home));
  else progress.note(`using your wallet '${options.wallet}' (hotkey '${options.hotkey}')`);
  const unlock: PeerUnlock = await peerUnlock(ownCtx);
  const keys = new Map<string, WalletKeys>();
  const created = new Set(state.created_wallets);
  for (const plan of plans) {
    const k = await ensureDevWallet(home, plan.wallet);
    if (k.created) {
      created.add(plan.wallet);
      record({ created_wallets: [...created].sort() });
    }
    keys.set(plan.name, k);
  }
  keys.set(own.name, ownKeys);
  progress.note(`${plans.length} neighbour dev wallets (up-*) ready`);

  // 2. Supervisor.
  const cancelled = () => cancelledError('cancelled by the user; tao up stopped what it had started');
  if (options.signal?.aborted) throw cancelled();
  progress.step('supervisor');
  const { ensureSupervisor } = await import('../supervisor/client.js');
  const supervisor = await ensureSupervisor(home);
  // What ran before this `up`: a failed `up` stops what it started, and only that.
  const activeBefore = new Set((await supervisor.status()).children.filter(isActive).map((c) => c.name));
  // Cancelled: this run's connection closes, so it starts nothing more and fails at its next request.
  const onAbort = () => supervisor.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (options.signal?.aborted) throw cancelled();
    const { pid } = await supervisor.ping();
    progress.note(supervisor.started ? `started (pid ${pid})` : `already running (pid ${pid})`);

    // 3. Ledger node.
    progress.step('dev ledger node');
    const node = await ensureNode(
      supervisor,
      {
        bin,
        home,
        rpcPort,
        blockTimeMs: options.blockTimeMs ?? DEFAULT_BLOCK_TIME_MS,
        tempo: options.tempo ?? DEFAULT_TEMPO,
        dataDir: upPaths(home).chain,
      },
      progress.note,
      { ownedBefore: previous?.owns_node === true && previous.rpc_url !== undefined },
    );
    record({ rpc_url: node.url, rpc_port: Number(new URL(node.url).port), owns_node: node.owned });

    // 4. Funding, registration and stake.
    progress.step('registering and staking on subnet 1');
    const client = new NodeClient(node.url);
    const facts: ChainFacts = await chainFacts(client, UP_NETUID);
    const all = [...plans, own];
    const uids = new Map<string, number>();
    let registeredNow = 0;
    await Promise.all(
      all.map(async (plan) => {
        const k = keys.get(plan.name)!;
        const signer = () =>
          unlockColdkey(
            plan === own ? ownCtx : { home, wallet: plan.wallet, interactive: false, json: true },
          );
        const r = await ensureNeuron(
          client,
          signer,
          {
            netuid: UP_NETUID,
            coldkey: k.coldkey,
            hotkey: k.hotkey,
            stakeRao: plan.stakeRao,
            alphaRao: plan.alphaRao,
            spareRao: plan.spareRao,
          },
          facts,
        );
        uids.set(plan.name, r.uid);
        if (r.registered) registeredNow++;
      }),
    );
    progress.note(
      registeredNow === 0
        ? `all ${all.length} already registered and staked`
        : `${registeredNow} registered now${registeredNow < all.length ? `, ${all.length - registeredNow} already were` : ''}; validators staked`,
    );

    // 5. Peers.
    progress.step('starting peers');
    const recorded = new Map((previous?.peers ?? []).map((p) => [p.name, p.port] as const));
    const ports = await portsFor(supervisor, all, recorded, options.peerPortBase ?? DEFAULT_PEER_PORT_BASE, [
      rpcPort,
    ]);
    const inputOf = (plan: PeerPlan) => ({
      home,
      nodeUrl: node.url,
      port: ports.get(plan.name)!,
      hotkeyAddress: keys.get(plan.name)!.hotkey,
      ...(plan === own ? { passwordFile: unlock.passwordFile, env: unlock.env } : {}),
      device: options.device,
    });
    const specOf = (plan: PeerPlan) => upPeerSpec(plan, inputOf(plan));
    const records: PeerRecord[] = all.map((plan) => ({
      name: plan.name,
      flavour: plan.flavour,
      wallet: plan.wallet,
      hotkey_name: plan.hotkey,
      hotkey: keys.get(plan.name)!.hotkey,
      port: ports.get(plan.name)!,
      uid: uids.get(plan.name) ?? null,
      child: supervisorName(plan.name),
    }));
    // Peers recorded by an earlier run with another plan stay recorded, so `tao down` still stops them.
    const kept = (previous?.peers ?? []).filter((p) => !records.some((r) => r.name === p.name));
    record({ peers: [...records, ...kept] });
    const hosted = options.neighboursInOneProcess !== false;
    const specs = hosted
      ? [neighboursHostSpec(plans, inputOf, { home, nodeUrl: node.url }), specOf(own)]
      : all.map(specOf);
    // Switching between one process per neighbour and one host (a market a tao before this default
    // started, or one run with --neighbours-as-processes): the other layout's children go first.
    const replaced = await removeClashing(supervisor, specs);
    if (replaced.length > 0)
      progress.note(
        hosted
          ? `moving the neighbours into one process (stopped ${replaced.length} neighbour process${replaced.length === 1 ? '' : 'es'})`
          : 'giving each neighbour a process of its own (stopped the neighbours’ shared process)',
      );
    const restarted = await startPeers(supervisor, specs);
    // Peers, not processes: a host (re)started starts every neighbour it hosts.
    const peersStarted = specs
      .filter((s) => restarted.includes(s.name))
      .reduce((n, s) => n + (s.members?.length ?? 1), 0);
    progress.note(
      peersStarted === 0
        ? `all ${all.length} peers already running`
        : `${peersStarted} started, ${all.length - peersStarted} already running`,
    );

    // 6. Wait until they answer.
    progress.step('waiting for peers to answer');
    await waitPeersHealthy(
      supervisor,
      records.map((r) => ({ name: r.name, port: r.port })),
      (ready, total) => progress.note(`${ready}/${total} peers answering`),
      options.peerTimeoutMs,
    );

    const defaultUrl = `http://127.0.0.1:${DEFAULT_RPC_PORT}`;
    const walletFlag = options.wallet === 'default' ? '' : ` --wallet ${options.wallet}`;
    return {
      node: node.url,
      netuid: UP_NETUID,
      supervisor: { pid, started: supervisor.started },
      wallet: {
        name: options.wallet,
        hotkey_name: options.hotkey,
        coldkey: ownKeys.coldkey,
        hotkey: ownKeys.hotkey,
        created: ownKeys.created,
        dev: ownKeys.created || !ownKeys.encrypted,
      },
      peers: records.map((r) => ({
        name: r.name,
        flavour: r.flavour,
        hotkey: r.hotkey,
        uid: r.uid ?? -1,
        port: r.port,
        wallet: r.wallet,
        child: r.child,
      })),
      attach: `tao${node.url === defaultUrl ? '' : ` --node ${node.url}`}${walletFlag} console`,
    };
  } catch (error) {
    await undoStarted(home, supervisor.started, activeBefore, progress);
    throw options.signal?.aborted ? cancelled() : error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    supervisor.close();
  }
}

/**
 * After a failed `up`: removes the children it started (those not running before it), then stops the
 * supervisor when this `up` started it and nothing else runs there. Wallets stay, recorded for `down --purge`.
 */
async function undoStarted(
  home: string,
  startedSupervisor: boolean,
  activeBefore: ReadonlySet<string>,
  progress: Progress,
): Promise<void> {
  const { connectSupervisor, stopSupervisor } = await import('../supervisor/client.js');
  const supervisor = await connectSupervisor(home).catch(() => null);
  if (!supervisor) return;
  try {
    const children = (await supervisor.status()).children;
    // Peers first, the node last (children is in start order).
    const ours = children
      .filter((c) => !activeBefore.has(c.name) && c.meta.started_by === 'tao up' && !c.meta.hosted_by)
      .sort((a, b) => Number(a.name === NODE_CHILD) - Number(b.name === NODE_CHILD));
    for (const child of ours) await supervisor.remove(child.name);
    const left = (await supervisor.status()).children.filter(isActive);
    if (ours.length > 0) progress.note(`stopped what this up started: ${ours.map((c) => c.name).join(', ')}`);
    supervisor.close();
    if (startedSupervisor && left.length === 0) await stopSupervisor(home);
  } catch (undo) {
    progress.warn(`tao up: could not undo everything it started (${(undo as Error).message}); run tao down`);
  } finally {
    supervisor.close();
  }
}
