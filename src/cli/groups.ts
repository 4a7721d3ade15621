/** Every command group the program registers; one file per group. Add a line here for a new group. */
import type { Command } from 'commander';
import { registerConsole } from './console.js';
import { registerDaemon } from './daemon.js';
import { registerLocalnet } from './localnet.js';
import { registerLocalnetSudo } from './localnet-sudo.js';
import { registerNode } from './node.js';
import { registerPeer } from './peer.js';
import { registerWallet } from './wallet.js';
import { registerWalletLedger } from './wallet-ledger.js';
import { registerSim } from './sim.js';
import { registerStake } from './stake.js';
import { registerSubnet } from './subnet.js';
import { registerWeights } from './weights.js';
import { registerUp } from './up.js';

export const commandGroups: ((program: Command) => void)[] = [
  registerWallet,
  registerWalletLedger,
  registerStake,
  registerSubnet,
  registerWeights,
  registerDaemon,
  registerNode,
  registerPeer,
  registerConsole,
  registerSim,
  registerUp,
  registerLocalnet,
  registerLocalnetSudo,
];
