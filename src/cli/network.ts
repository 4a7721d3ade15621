/**
 * The network this command talks to (docs/cli.md's --network / --node rules), with `localnet` read from this
 * home: the chain seam's resolution (src/chain/chain.ts), for the commands not yet on the seam.
 */
import { networkOfTarget } from '../chain/chain.js';
import type { Network } from '../chain/network.js';
import type { GlobalOptions } from './context.js';

export const networkOf = (globals: GlobalOptions): Promise<Network> => networkOfTarget(globals);
