/** The network this command talks to (cli.md's --network / --node rules), with `localnet` read from this home. */
import { type Network, resolveNetwork } from '../chain/network.js';
import type { GlobalOptions } from './context.js';

export async function networkOf(globals: GlobalOptions): Promise<Network> {
  if (globals.network === 'localnet') {
    const { runningLocalnet } = await import('../localnet/process.js');
    const running = runningLocalnet(globals.home);
    return resolveNetwork(globals.network, globals.node, () => running?.info?.endpoint);
  }
  return resolveNetwork(globals.network, globals.node);
}
