/**
 * Every command group the program registers, loaded lazily: the root program knows each top-level command
 * only by its name and help line (below), and imports a group's module when that group is invoked, so
 * `tao sim epoch` or `tao wallet list` import their own files and not the other groups'.
 * Add a line here for a new group; test/cli/lazy-groups.test.ts checks that the help lines below match
 * what the modules register.
 */
import type { Command } from 'commander';

export type Register = (program: Command) => void;

export interface CommandGroup {
  /** The top-level command's name. */
  readonly name: string;
  /** Its help line in `tao --help` (the module's .description()). */
  readonly description: string;
  /** It has options of its own: `tao --help` shows it as `name [options]`. */
  readonly options?: boolean;
  /**
   * The module's registrations, in order. One module may register several top-level commands (up, down):
   * each of them names the same loader, and it runs once.
   */
  readonly load: () => Promise<readonly Register[]>;
}

const loadUp = async (): Promise<readonly Register[]> => [(await import('./up.js')).registerUp];

export const commandGroups: readonly CommandGroup[] = [
  {
    name: 'wallet',
    description: 'coldkey/hotkey wallets: create, list, regenerate, sign, unlock',
    load: async () => {
      const [w, l] = await Promise.all([import('./wallet.js'), import('./wallet-ledger.js')]);
      return [w.registerWallet, l.registerWalletLedger];
    },
  },
  {
    name: 'stake',
    description: 'stake TAO on hotkeys (yours or a delegate)',
    load: async () => [(await import('./stake.js')).registerStake],
  },
  {
    name: 'subnet',
    description: 'subnets: list, create, start, register, serve, metagraph, hyperparameters',
    load: async () => [(await import('./subnet.js')).registerSubnet],
  },
  {
    name: 'weights',
    description: "a validator's weights on a subnet",
    load: async () => [(await import('./weights.js')).registerWeights],
  },
  {
    name: 'daemon',
    description: 'the supervisor daemon that owns the ledger node and peers (restarts, logs, health)',
    load: async () => [(await import('./daemon.js')).registerDaemon],
  },
  {
    name: 'node',
    description: 'the built-in ledger node: start, stop, status, reset, verify',
    load: async () => [(await import('./node.js')).registerNode],
  },
  {
    name: 'peer',
    description: 'the AI peer: serve a model on an axon, score neighbours, set weights',
    load: async () => [(await import('./peer.js')).registerPeer],
  },
  {
    name: 'console',
    description:
      'the live operator console: ranking, neighbours, peer, wallet & stake, subnets; also on Subtensor with --network (q quits, ? help)',
    options: true,
    load: async () => [(await import('./console.js')).registerConsole],
  },
  {
    name: 'sim',
    description: 'offline simulations of the ledger (Yuma consensus epochs)',
    load: async () => [(await import('./sim.js')).registerSim],
  },
  {
    name: 'up',
    description:
      'bring up a live dev market (ledger, neighbour peers, your validator peer) and open the console',
    options: true,
    load: loadUp,
  },
  {
    name: 'down',
    description:
      'stop what tao up started (peers, then its ledger node; the supervisor if nothing else runs)',
    options: true,
    load: loadUp,
  },
  {
    name: 'localnet',
    description: 'the real Subtensor runtime as a local chain (Chopsticks): start, stop, status, mine',
    load: async () => {
      const [l, s] = await Promise.all([import('./localnet.js'), import('./localnet-sudo.js')]);
      return [l.registerLocalnet, s.registerLocalnetSudo];
    },
  },
];
