/**
 * The peers this home's supervisor runs, as commands and the console need them: `peer start` must not
 * silently replace one, `weights set` warns that a running validator overwrites the weights it sets,
 * `stake remove` (and the console's unstake review) says when it unstakes a running validator. Reads the
 * supervisor when one answers (never starts one); no supervisor means no running peer.
 */
import type { ChildStatus } from '../supervisor/types.js';
import { isActive } from './node.js';

export interface RunningPeer {
  /** The supervisor child, `peer:NAME`. */
  child: string;
  name: string;
  flavour: string | null;
  hotkey: string | null;
  netuid: number | null;
  port: number | null;
  pid: number | null;
  status: ChildStatus;
}

/** Flavours that score their neighbours and set weights every round (peer-contract: validator, own). */
export const SETS_WEIGHTS = new Set(['validator', 'own']);

export async function runningPeers(home: string): Promise<RunningPeer[]> {
  const { connectSupervisor } = await import('../supervisor/client.js');
  const client = await connectSupervisor(home).catch(() => null);
  if (!client) return [];
  try {
    const children = (await client.status()).children;
    return children
      .filter((c) => c.kind === 'peer' && isActive(c))
      .map((c) => {
        const meta = c.meta ?? {};
        const str = (v: unknown) => (typeof v === 'string' ? v : null);
        const num = (v: unknown) => (typeof v === 'number' ? v : null);
        return {
          child: c.name,
          name: str(meta.name) ?? c.name.replace(/^peer:/, ''),
          flavour: str(meta.flavour),
          hotkey: str(meta.hotkey),
          netuid: num(meta.netuid),
          port: num(meta.port),
          pid: c.pid,
          status: c,
        };
      });
  } catch {
    return [];
  } finally {
    client.close();
  }
}

/** Running peers of this home that set weights with `hotkey` (on `netuid` when given). */
export async function runningValidatorsOn(
  home: string,
  hotkey: string,
  netuid?: number,
): Promise<RunningPeer[]> {
  return (await runningPeers(home)).filter(
    (p) =>
      p.hotkey === hotkey &&
      p.flavour !== null &&
      SETS_WEIGHTS.has(p.flavour) &&
      (netuid === undefined || p.netuid === netuid),
  );
}

/** "peer:default (own, pid 123)" for messages. */
export const describePeers = (peers: readonly RunningPeer[]): string =>
  peers.map((p) => `${p.child} (${p.flavour ?? '?'}, pid ${p.pid ?? '?'})`).join(', ');

/**
 * The warning before unstaking `what` (e.g. "2.000000000 τ of stake") from the running validator(s)
 * `validators` (as describePeers writes them): `tao stake remove` and the console's review say it alike.
 */
export const unstakingValidatorMessage = (what: string, validators: string, hotkey: string): string =>
  `this removes ${what} from the running validator ${validators} on hotkey ${hotkey}: its weights count less in consensus and it earns less`;
