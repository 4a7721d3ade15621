/**
 * `$TAO_HOME/peers/<name>/state.json` (docs/peer-contract.md): who this peer is and where it listens, written
 * atomically at start so other tools (a copycat, the console, `tao peer status`) can find it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../../core/paths.js';

export interface PeerStateFile {
  name: string;
  flavour: string;
  host?: string;
  port: number;
  hotkey: string;
  netuid: number;
  pid: number;
  started_at?: string;
}

export const peerDir = (home: string, name: string) => join(paths(home).peers, name);
export const stateFilePath = (home: string, name: string) => join(peerDir(home, name), 'state.json');

export function writePeerState(home: string, state: PeerStateFile): void {
  const dir = peerDir(home, state.name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = stateFilePath(home, state.name);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** The state file of peer `name`, or null when there is none (or it is unreadable). */
export function readPeerState(home: string, name: string): PeerStateFile | null {
  try {
    const parsed = JSON.parse(readFileSync(stateFilePath(home, name), 'utf8')) as Partial<PeerStateFile>;
    if (typeof parsed.port !== 'number' || typeof parsed.hotkey !== 'string') return null;
    return parsed as PeerStateFile;
  } catch {
    return null;
  }
}
