/** Every command group the program registers; one file per group. Add a line here for a new group. */
import type { Command } from 'commander';
import { registerWallet } from './wallet.js';

export const commandGroups: ((program: Command) => void)[] = [registerWallet];
