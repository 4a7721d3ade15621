/**
 * The peer process (`tao peer run`, what the supervisor keeps running): device check, hotkey unlock
 * (never a prompt), the served model per flavour, the signed axon with a metagraph-backed caller check,
 * `serve_axon` whenever the announced endpoint is not ours, `state.json`, and for validator/own peers the
 * scoring loop that sets weights once per tempo. SIGTERM/SIGINT stop it gracefully (exit 0).
 */
import { NodeClient } from '../../client/node-client.js';
import { prepareTx } from '../../client/send.js';
import { ExitCode, TaoError } from '../../core/errors.js';
import { paths } from '../../core/paths.js';
import { sleep } from '../../core/sleep.js';
import type { KeyPair } from '../../crypto/keys.js';
import { enableWasmSr25519 } from '../../crypto/sr25519-wasm.js';
import { encodeAddress } from '../../crypto/ss58.js';
import { unlockHotkey } from '../../wallet/unlock.js';
import { ensureModel } from '../model/cache.js';
import { copycat, type Forward } from '../model/relay.js';
import {
  type ClassifierModel,
  type DeviceChoice,
  openClassifier,
  openJoin,
  resolveDevice,
} from '../model/session.js';
import { Axon } from '../net/axon.js';
import { enableWasmBodyHash } from '../net/protocol.js';
import { Dendrite, type NeighbourEndpoint } from '../net/dendrite.js';
import { announcedIp, isScoring, type PeerConfig, servedSpec } from './config.js';
import { MetagraphCache, neighboursOf } from './metagraph-cache.js';
import { Scorer } from './scorer.js';
import { readPeerState, writePeerState } from './state-file.js';
import { peerStatusJson } from './status.js';
import { WeightSetter } from './weight-setter.js';

export interface PeerContext {
  home: string;
  node: string;
  wallet: string;
  hotkey: string;
  passwordFile?: string;
  /** Where log lines go (default: stdout, which the supervisor captures). */
  log?: (line: string) => void;
  /**
   * Stops the peer gracefully when aborted (a peer hosted with others, neighbours.ts). Without it the
   * peer stops on SIGTERM/SIGINT.
   */
  stop?: AbortSignal;
  /** Called once the axon listens and the state file is written. */
  onListening?: () => void;
}

/** Refresh the metagraph at least every this many blocks. */
const REFRESH_BLOCKS = 3;
const QUERY_TIMEOUT_MS = 3000;

/**
 * A log line is just the event: a scoring round is one JSON line, other events one line of text. The
 * supervisor stamps every line it keeps (`ts`; `tao peer logs --json`, the console's timestamp toggle), so
 * only a person watching `tao peer run` in a terminal gets a time prefix.
 */
function writeLogLine(line: string): void {
  process.stdout.write(process.stdout.isTTY ? `${new Date().toISOString()} ${line}\n` : `${line}\n`);
}

/** A copycat's answer function: relays every batch to the named peer's axon and returns its answer. */
function relayTo(home: string, target: string, dendrite: Dendrite, cache: MetagraphCache): Forward {
  let endpoint: NeighbourEndpoint | null = null;
  const locate = (): NeighbourEndpoint => {
    const state = readPeerState(home, target);
    if (!state) throw new Error(`copycat target '${target}' has no state.json (is it running?)`);
    const neuron = cache.neuron(state.hotkey);
    const ip = neuron?.axon?.ip ?? announcedIp(state.host ?? '127.0.0.1');
    return { uid: neuron?.uid ?? -1, hotkey: state.hotkey, ip, port: state.port };
  };
  return copycat(async (x, rows) => {
    endpoint ??= locate();
    let r = await dendrite.query(endpoint, x, rows);
    if (!r.ok) {
      endpoint = locate(); // the target may have restarted on another port
      r = await dendrite.query(endpoint, x, rows);
    }
    if (!r.ok) throw new Error(`copycat target '${target}' failed: ${r.reason}`);
    return r.probs;
  });
}

async function openServedModel(
  config: PeerConfig,
  home: string,
  device: DeviceChoice,
): Promise<ClassifierModel | null> {
  if (config.model) return openClassifier(config.model, device);
  const spec = servedSpec(config);
  if (!spec) return null;
  return openClassifier(ensureModel(paths(home).models, spec).path, device);
}

/**
 * Under the supervisor, stdout and stderr are pipes to it; when it dies (SSH drop, SIGKILL) every later
 * write fails with EPIPE, and an unhandled stream error would kill the peer. Output is best effort: the
 * peer keeps serving and a new supervisor adopts it.
 */
let bestEffort = false;
export function outputIsBestEffort(): void {
  if (bestEffort) return;
  bestEffort = true;
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

export async function runPeer(config: PeerConfig, ctx: PeerContext): Promise<void> {
  outputIsBestEffort();
  const log = ctx.log ?? writeLogLine;
  const startedAt = Date.now();
  // 1. Device first: `--device cuda` without CUDA exits 2 before anything else happens.
  const requested = await resolveDevice(config.device);
  // Signing and checking requests (sr25519, the body's blake2b) in wasm: a peer does it for every query.
  await Promise.all([enableWasmSr25519(), enableWasmBodyHash()]);
  // 2. The hotkey, never by prompting.
  const pair: KeyPair = await unlockHotkey({
    home: ctx.home,
    wallet: ctx.wallet,
    hotkey: ctx.hotkey,
    ...(ctx.passwordFile ? { passwordFile: ctx.passwordFile } : {}),
    interactive: false,
    notice: (m) => log(m),
  });
  const hotkey = encodeAddress(pair.publicKey);
  const client = new NodeClient(ctx.node, { timeoutMs: 10_000 });
  const cache = new MetagraphCache(client, config.netuid);
  const dendrite = new Dendrite(pair, { timeoutMs: QUERY_TIMEOUT_MS, concurrency: 16 });

  // 3. The served model.
  const served = await openServedModel(config, ctx.home, requested);
  const device = served?.device ?? requested;
  const forward: Forward = served
    ? (x, rows) => served.forward(x, rows)
    : relayTo(ctx.home, config.copyOf!, dendrite, cache);

  const scoring = isScoring(config.flavour);
  let scorer: Scorer | null = null;
  let join: Awaited<ReturnType<typeof openJoin>> | null = null;
  if (scoring) {
    const ownLogits = config.model !== null;
    join = await openJoin(ensureModel(paths(ctx.home).models, { kind: 'join', ownLogits }).path, device);
    scorer = new Scorer({
      batch: config.batch,
      maxNeighbours: config.maxNeighbours,
      queryAll: (targets, x, b) => dendrite.queryAll(targets, x, b),
      join,
      ...(ownLogits && served ? { own: (x: Float32Array, rows: number) => served.forward(x, rows) } : {}),
      log,
    });
  }
  const setter = scoring ? new WeightSetter(client, pair, config.netuid, log) : null;

  let head: number | null = null;
  let note: string | null = null;
  let neighbours: NeighbourEndpoint[] = [];
  const ownUid = () => cache.neuron(hotkey)?.uid ?? null;

  // 4. The axon.
  const axon: Axon = new Axon({
    hotkeyPublicKey: pair.publicKey,
    host: config.host,
    port: config.port,
    forward,
    resolveCaller: cache.resolveCaller,
    health: () => ({ name: config.name, flavour: config.flavour, round: scorer?.round ?? 0 }),
    status: (): unknown =>
      peerStatusJson({
        name: config.name,
        flavour: config.flavour,
        hotkey,
        uid: ownUid(),
        netuid: config.netuid,
        device,
        startedAt,
        scorer,
        neighbours: scorer?.neighbours ?? [],
        note: note ?? scorer?.note ?? null,
        lastWeightsTx: setter?.last ?? null,
        nextWeightsDue: setter?.due(cache.rules) ?? null,
        weightsPending: setter?.pending ?? false,
        head,
        axon: axon.snapshot(),
      }),
  });
  try {
    await axon.listen();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new TaoError(
      'E_PORT',
      `cannot listen on ${config.host}:${config.port}: ${e.code ?? e.message}`,
      ExitCode.usage,
      'choose another --port',
    );
  }
  writePeerState(ctx.home, {
    name: config.name,
    flavour: config.flavour,
    host: config.host,
    port: config.port,
    hotkey,
    netuid: config.netuid,
    pid: process.pid,
    started_at: new Date(startedAt).toISOString(),
  });
  ctx.onListening?.();
  log(
    `peer '${config.name}' (${config.flavour}) hotkey ${hotkey} on ${config.host}:${config.port}, subnet ${config.netuid}; device ${device.device}: ${device.reason}`,
  );

  // 5. Metagraph refresh and serve_axon.
  const stop = new AbortController();
  let serving = false;
  const ip = announcedIp(config.host);
  const announce = () => {
    const me = cache.neuron(hotkey);
    if (serving || !me) return;
    if (me.axon && me.axon.ip === ip && me.axon.port === config.port) return;
    serving = true;
    void (async () => {
      try {
        const tx = await prepareTx(client, pair, {
          type: 'serve_axon',
          netuid: config.netuid,
          ip,
          port: config.port,
        });
        const hash = await client.submitTx(tx);
        const outcome = await client.waitForTx(hash, {
          expiry: tx.expiry,
          timeoutMs: 60_000,
          signal: stop.signal,
        });
        if (outcome.status === 'included')
          log(`serve_axon ${ip}:${config.port} included in block ${outcome.block}`);
        else log(`serve_axon rejected: ${outcome.error.code}: ${outcome.error.message}`);
        await cache.refresh();
      } catch (error) {
        log(`serve_axon failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        serving = false;
      }
    })();
  };
  const onRefresh = () => {
    const me = cache.neuron(hotkey);
    note = me ? null : `hotkey ${hotkey} is not registered on subnet ${config.netuid}`;
    if (me && setter) setter.observeLastUpdate(me.lastUpdate);
    scorer?.book.syncIdentities(cache.neurons);
    neighbours = neighboursOf(cache.neurons, hotkey);
    announce();
  };
  let refreshing: Promise<void> | null = null;
  const refresh = () => {
    refreshing ??= cache
      .refresh()
      .then((ok) => {
        if (ok) onRefresh();
        else note = `node unreachable: ${cache.lastError}`;
      })
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  };
  await refresh();
  const events = (async () => {
    try {
      for await (const ev of client.events(stop.signal)) {
        if (ev.type === 'head') {
          head = ev.number;
          if (ev.number - cache.lastRefreshBlock >= REFRESH_BLOCKS) void refresh();
        } else if (ev.type === 'epoch' && ev.netuid === config.netuid) void refresh();
      }
    } catch (error) {
      if (!stop.signal.aborted)
        log(`event stream ended: ${error instanceof Error ? error.message : String(error)}`);
    }
  })();
  const poll = setInterval(() => void refresh(), 10_000); // in case the event stream is down

  // 6. Scoring loop.
  const loop = (async () => {
    if (!scorer || !setter) return;
    while (!stop.signal.aborted) {
      try {
        const summary = await scorer.runRound(neighbours, cache.rules);
        const at = head ?? cache.block;
        if (summary && ownUid() !== null) setter.maybeSet(at, cache.rules, summary.row);
      } catch (error) {
        log(`round failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sleep(config.roundMs, stop.signal);
    }
  })();

  // 7. Graceful stop.
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      log(`${signal}: stopping`);
      resolve();
    };
    const external = ctx.stop;
    if (external) {
      if (external.aborted) onSignal('stop requested');
      else external.addEventListener('abort', () => onSignal('stop requested'), { once: true });
      return;
    }
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  });
  stop.abort();
  clearInterval(poll);
  await loop;
  await axon.close();
  await Promise.race([events, new Promise((r) => setTimeout(r, 1000))]);
  await dendrite.close();
  await join?.dispose();
  await served?.dispose();
  log('stopped');
}
