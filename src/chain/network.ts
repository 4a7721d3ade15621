/**
 * Which chain a command talks to: tao's own ledger (http(s) URL, `--node`, the default) or a Subtensor chain
 * (`--network finney|test|local` as btcli names them, `localnet` for `tao localnet`, or any ws(s):// URL).
 * Resolution only; what actually answers at the endpoint is checked by probe.ts.
 */
import { usageError } from '../core/errors.js';

export type Network =
  | { backend: 'ledger'; url: string }
  | { backend: 'subtensor'; url: string; name?: string };

/** btcli's network names and their endpoints. */
export const NAMED_NETWORKS: Readonly<Record<string, string>> = {
  finney: 'wss://entrypoint-finney.opentensor.ai:443',
  test: 'wss://test.finney.opentensor.ai:443',
  local: 'ws://127.0.0.1:9944',
};

/**
 * `--network` (flag → TAO_NETWORK → config) wins over the ledger URL; without it the ledger URL of
 * `--node` is used, as before Subtensor support. `localnetEndpoint` is the running `tao localnet`, if any.
 */
export function resolveNetwork(
  network: string | undefined,
  ledgerUrl: string,
  localnetEndpoint?: () => string | undefined,
): Network {
  if (network === undefined || network === '') return { backend: 'ledger', url: ledgerUrl };
  const named = NAMED_NETWORKS[network];
  if (named !== undefined) return { backend: 'subtensor', url: named, name: network };
  if (network === 'localnet') {
    const url = localnetEndpoint?.();
    if (!url)
      throw usageError(
        'E_NO_LOCALNET',
        'no tao localnet is running in this home',
        'start one with `tao localnet start`, or give its URL: --network ws://127.0.0.1:PORT',
      );
    return { backend: 'subtensor', url, name: 'localnet' };
  }
  if (/^wss?:\/\//i.test(network)) return { backend: 'subtensor', url: network };
  if (/^https?:\/\//i.test(network)) return { backend: 'ledger', url: network };
  throw usageError(
    'E_BAD_NETWORK',
    `unknown network '${network}'`,
    `use finney, test, local, localnet, a ws(s):// Subtensor endpoint or an http(s):// tao ledger`,
  );
}

/** The HTTP JSON-RPC URL of a Substrate endpoint (Substrate serves HTTP and WebSocket on one port). */
export const httpUrlOf = (url: string): string => url.replace(/^ws(s?):\/\//i, 'http$1://');
