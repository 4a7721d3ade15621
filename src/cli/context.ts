/** The global flags of docs/cli.md, resolved once per command (flag → env → config → default). */
import type { Command } from 'commander';
import { readConfig } from '../core/config.js';
import { resolveHome } from '../core/paths.js';
import { recordedNodeUrl } from '../up/endpoint.js';

export interface GlobalOptions {
  home: string;
  /** --node → TAO_NODE → config → the node this home's market runs (recorded) → 127.0.0.1:9944. */
  node: string;
  /** `--network` (flag → TAO_NETWORK → config); undefined = tao's ledger at `node`. */
  network?: string;
  wallet: string;
  hotkey: string;
  json: boolean;
  yes: boolean;
  passwordFile?: string;
  /** True when stdin and stdout are terminals and neither --json nor --yes forbids prompting. */
  interactive: boolean;
}

export const DEFAULT_NODE_URL = 'http://127.0.0.1:9944';

interface RawGlobals {
  home?: string;
  node?: string;
  network?: string;
  wallet?: string;
  hotkey?: string;
  json?: boolean;
  yes?: boolean;
  passwordFile?: string;
}

export function resolveGlobals(raw: RawGlobals): GlobalOptions {
  const home = resolveHome(raw.home);
  const config = readConfig(home);
  const json = Boolean(raw.json);
  const yes = Boolean(raw.yes);
  return {
    home,
    // Unnamed, the node is this home's market where it runs (tao up --rpc-port 9955), else 9944.
    node: raw.node ?? process.env.TAO_NODE ?? config.node ?? recordedNodeUrl(home) ?? DEFAULT_NODE_URL,
    // An explicit --node means tao's ledger, whatever TAO_NETWORK or the config say.
    network:
      raw.node !== undefined ? raw.network : (raw.network ?? process.env.TAO_NETWORK ?? config.network),
    wallet: raw.wallet ?? process.env.TAO_WALLET ?? config.wallet ?? 'default',
    hotkey: raw.hotkey ?? process.env.TAO_HOTKEY ?? config.hotkey ?? 'default',
    json,
    yes,
    passwordFile: raw.passwordFile,
    interactive: !json && !yes && Boolean(process.stdin.isTTY && process.stdout.isTTY),
  };
}

/** The globals for the command being run, merged with its own options. */
export function globalsOf(command: Command): GlobalOptions {
  return resolveGlobals(command.optsWithGlobals() as RawGlobals);
}
