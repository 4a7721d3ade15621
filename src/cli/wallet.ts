/** `tao wallet …`: keys and encrypted wallets. */
import type { Command } from 'commander';

export function registerWallet(program: Command): void {
  program.command('wallet').description('coldkey/hotkey wallets: create, list, regenerate, sign, unlock');
}
