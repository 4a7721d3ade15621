/**
 * Handlers of `tao peer start|stop|restart|status|logs|list` (docs/peer-contract.md): a peer runs as the
 * supervisor child `peer:NAME` (kind `peer`), health-checked on its axon, with meta
 * `{flavour, port, hotkey, netuid, name, host}`. Status merges the supervisor's record with the peer's own
 * `GET /status` (device, uid, round). Plain functions returning data; the CLI prints them.
 */
import { ExitCode, TaoError, usageError } from '../../core/errors.js';
import { sleep } from '../../core/sleep.js';
import { connectSupervisor, ensureSupervisor, type SupervisorClient } from '../../supervisor/client.js';
import { TAO_BIN } from '../../supervisor/launch.js';
import type { ChildSpec, ChildStatus, LogLine } from '../../supervisor/types.js';
import { childJson } from '../../supervisor/view.js';
import { hotkeyAddress } from '../../wallet/store.js';
import { announcedIp, type PeerConfig, peerRunArgs } from './config.js';
import type { PeerStatusJson } from './status.js';

export const childName = (name: string) => `peer:${name}`;

export interface PeerGlobals {
  home: string;
  node: string;
  wallet: string;
  hotkey: string;
  passwordFile?: string;
}

/** The supervisor child spec that runs `tao peer run` for this config. */
export function peerChildSpec(g: PeerGlobals, config: PeerConfig, hotkeySs58: string): ChildSpec {
  const globals = ['--home', g.home, '--node', g.node, '--wallet', g.wallet, '--hotkey', g.hotkey];
  if (g.passwordFile) globals.push('--password-file', g.passwordFile);
  const env: Record<string, string> = {};
  if (process.env.TAO_PASSWORD) env.TAO_PASSWORD = process.env.TAO_PASSWORD;
  const ip = announcedIp(config.host);
  return {
    name: childName(config.name),
    kind: 'peer',
    command: process.execPath,
    args: [TAO_BIN, ...globals, 'peer', 'run', ...peerRunArgs(config)],
    env,
    health: { url: `http://${ip}:${config.port}/health`, intervalMs: 2000, timeoutMs: 2000, graceMs: 60_000 },
    restart: { policy: 'on-failure' },
    stopGraceMs: 5000,
    meta: {
      flavour: config.flavour,
      port: config.port,
      host: config.host,
      hotkey: hotkeySs58,
      netuid: config.netuid,
      name: config.name,
    },
  };
}

/** The peer's own GET /status, or null when it does not answer within `timeoutMs`. */
export async function fetchPeerStatus(
  host: string,
  port: number,
  timeoutMs = 1500,
): Promise<PeerStatusJson | null> {
  try {
    const res = await fetch(`http://${announcedIp(host)}:${port}/status`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return null;
    return (await res.json()) as PeerStatusJson;
  } catch {
    return null;
  }
}

export interface PeerSummary {
  running: boolean;
  pid: number | null;
  restarts: number;
  device: PeerStatusJson['device'] | null;
  uid: number | null;
  state: string;
  name: string;
  flavour: string | null;
  port: number | null;
  hotkey: string | null;
  netuid: number | null;
  round: number | null;
  health: string | null;
  last_exit: ReturnType<typeof childJson>['last_exit'];
  last_weights_tx: PeerStatusJson['last_weights_tx'] | null;
}

async function summarise(child: ChildStatus): Promise<PeerSummary> {
  const meta = (child.meta ?? {}) as Record<string, unknown>;
  const port = typeof meta.port === 'number' ? meta.port : null;
  const host = typeof meta.host === 'string' ? meta.host : '127.0.0.1';
  const running = child.state === 'running' && child.pid !== null;
  const live = running && port !== null ? await fetchPeerStatus(host, port) : null;
  return {
    running,
    pid: child.pid,
    restarts: child.restarts,
    device: live?.device ?? null,
    uid: live?.uid ?? null,
    state: child.state,
    name: typeof meta.name === 'string' ? meta.name : child.name.replace(/^peer:/, ''),
    flavour: typeof meta.flavour === 'string' ? meta.flavour : null,
    port,
    hotkey: typeof meta.hotkey === 'string' ? meta.hotkey : null,
    netuid: typeof meta.netuid === 'number' ? meta.netuid : null,
    round: live?.round ?? null,
    health: child.health?.status ?? null,
    last_exit: childJson(child).last_exit,
    last_weights_tx: live?.last_weights_tx ?? null,
  };
}

const noPeer = (name: string) =>
  new TaoError(
    'E_NO_PEER',
    `no peer named '${name}'`,
    ExitCode.usage,
    `start it with: tao peer start --name ${name} …`,
  );

async function withSupervisor<T>(home: string, fn: (c: SupervisorClient) => Promise<T>): Promise<T> {
  const client = await connectSupervisor(home);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

async function findChild(client: SupervisorClient, name: string): Promise<ChildStatus> {
  const status = await client.status();
  const child = status.children.find((c) => c.name === childName(name));
  if (!child) throw noPeer(name);
  return child;
}

/**
 * Starts (or, with a changed spec, replaces) the peer under the supervisor. Unless `wait` is false, waits
 * until its axon answers; a peer that exits during startup is stopped (no restart loop) and its exit
 * reason reported, with its own exit code when that is a usage error (2).
 */
export async function peerStart(
  g: PeerGlobals,
  config: PeerConfig,
  options: { wait?: boolean; timeoutMs?: number } = {},
): Promise<PeerSummary & { started: boolean }> {
  const hotkey = hotkeyAddress(g.home, g.wallet, g.hotkey);
  const spec = peerChildSpec(g, config, hotkey);
  const client = await ensureSupervisor(g.home);
  try {
    const result = await client.start(spec, { replace: true });
    if (options.wait !== false) {
      const deadline = Date.now() + (options.timeoutMs ?? 90_000);
      for (;;) {
        const child = await findChild(client, config.name);
        if (child.lastExit && (child.startedAt === null || child.lastExit.at >= child.startedAt)) {
          await client.stop(childName(config.name)).catch(() => undefined);
          const tail = child.lastExit.tail.slice(-5).join('\n');
          const message = `peer '${config.name}' ${child.lastExit.reason} during startup${tail ? `:\n${tail}` : ''}`;
          const hint = `see: tao peer logs --name ${config.name}`;
          // A usage exit (bad device, model, port) is the operator's to fix; anything else is a crash.
          if (child.lastExit.code === ExitCode.usage)
            throw new TaoError('E_PEER_EXITED', message, ExitCode.usage, hint);
          throw new TaoError('E_PEER_CRASHED', message, ExitCode.unexpected, hint);
        }
        if (child.state === 'running' && (await fetchPeerStatus(config.host, config.port, 1000))) break;
        if (Date.now() > deadline)
          throw new TaoError(
            'E_PEER_START',
            `peer '${config.name}' did not answer on port ${config.port} within ${Math.round((options.timeoutMs ?? 90_000) / 1000)} s`,
            ExitCode.unexpected,
            `see: tao peer logs --name ${config.name}`,
          );
        await sleep(200);
      }
    }
    const child = await findChild(client, config.name);
    return { started: result.started, ...(await summarise(child)) };
  } finally {
    client.close();
  }
}

export async function peerStop(home: string, name: string): Promise<PeerSummary> {
  return withSupervisor(home, async (client) => {
    await findChild(client, name);
    return summarise(await client.stop(childName(name)));
  });
}

export async function peerRestart(home: string, name: string): Promise<PeerSummary> {
  return withSupervisor(home, async (client) => {
    await findChild(client, name);
    return summarise(await client.restart(childName(name)));
  });
}

export async function peerStatus(home: string, name: string): Promise<PeerSummary> {
  return withSupervisor(home, async (client) => summarise(await findChild(client, name)));
}

export async function peerList(home: string): Promise<{ peers: PeerSummary[] }> {
  const client = await connectSupervisor(home).catch(() => null);
  if (!client) return { peers: [] };
  try {
    const status = await client.status();
    const peers = await Promise.all(status.children.filter((c) => c.kind === 'peer').map(summarise));
    return { peers };
  } finally {
    client.close();
  }
}

export async function peerLogs(home: string, name: string, lines: number): Promise<LogLine[]> {
  if (!Number.isInteger(lines) || lines < 1)
    throw usageError('E_BAD_FLAG', '--lines must be a positive integer');
  return withSupervisor(home, (client) => client.logs(childName(name), lines));
}

/** Streams the peer's log until the returned close() (or the daemon going away). */
export async function peerFollow(
  home: string,
  name: string,
  lines: number,
  onLine: (line: LogLine) => void,
): Promise<{ close: () => void; done: Promise<void> }> {
  const client = await connectSupervisor(home);
  try {
    await findChild(client, name);
    return await client.follow(childName(name), onLine, { lines });
  } finally {
    client.close();
  }
}
