/**
 * `tao up`'s record in `$TAO_HOME/up/state.json`: which supervisor children it started (so `tao down`
 * stops exactly those), the node URL, and each peer's wallet, hotkey, port and uid (so a later `up` reuses
 * them). `up` writes it as it goes (the wallets it made before anything starts), so a failed `up` leaves
 * nothing unrecorded. Written atomically (temp file + rename); a missing or unreadable file reads as "nothing recorded".
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Flavour } from '../peer/runtime/config.js';
import { upPaths } from './plan.js';

export interface PeerRecord {
  name: string;
  flavour: Flavour;
  wallet: string;
  hotkey_name: string;
  hotkey: string;
  port: number;
  uid: number | null;
  /** The supervisor child's name (`peer:NAME`). */
  child: string;
}

export interface UpState {
  version: 1;
  /** The market's node; absent while a first `up` has not got it serving yet. */
  rpc_url?: string;
  rpc_port?: number;
  data_dir: string;
  /** Whether `tao up` started the node child (false: it reused a node someone else runs). */
  owns_node: boolean;
  netuid: number;
  /** Wallets `tao up` created for neighbours (removed by `tao down --purge`). */
  created_wallets: string[];
  peers: PeerRecord[];
  updated_at: number;
}

export function readUpState(home: string): UpState | null {
  try {
    const doc = JSON.parse(readFileSync(upPaths(home).state, 'utf8')) as UpState;
    if (doc && doc.version === 1 && Array.isArray(doc.peers)) return doc;
    return null;
  } catch {
    return null;
  }
}

export function writeUpState(home: string, state: UpState): void {
  const p = upPaths(home);
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  const tmp = `${p.state}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, p.state);
}
