/**
 * The network this command talks to (docs/cli.md's --network / --node rules), with `localnet` read from this
 * home.
 */
import { type Network, resolveNetwork } from '../chain/network.js';
import type { GlobalOptions } from './context.js';

export async function networkOf(globals: GlobalOptions): Promise<Network> {
  if (globals.network === 'localnet') {
    const { localnetEndpoint } = await import('../localnet/running.js');
    return resolveNetwork(globals.network, globals.node, () => localnetEndpoint(globals.home));
  }
  return resolveNetwork(globals.network, globals.node);
}
