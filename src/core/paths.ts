/** Where tao keeps everything: one root, `$TAO_HOME` (default ~/.tao), and the layout of docs/cli.md. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveHome(flag?: string): string {
  const home = flag ?? process.env.TAO_HOME ?? join(homedir(), '.tao');
  return resolve(home);
}

export const paths = (home: string) => ({
  home,
  config: join(home, 'config.json'),
  wallets: join(home, 'wallets'),
  wallet: (name: string) => join(home, 'wallets', name),
  node: join(home, 'node'),
  peers: join(home, 'peers'),
  logs: join(home, 'logs'),
  run: join(home, 'run'),
  controlSocket: join(home, 'run', 'control.sock'),
  models: join(home, 'models'),
  themes: join(home, 'themes'),
});
