/**
 * The localnet's development accounts (Substrate's well-known //Alice … //Ferdie, sr25519, SS58 prefix 42)
 * and what the genesis gives them. //Alice is sudo and the single validator.
 */
import { keyPairFromUri } from '../crypto/keys.js';
import { encodeAddress } from '../crypto/ss58.js';

export const RAO_PER_TAO = 1_000_000_000n;

export interface DevAccount {
  name: string;
  uri: string;
  address: string;
  /** Free balance at genesis, in rao. */
  balanceRao: bigint;
  role: string;
}

const SPEC: readonly [name: string, tao: bigint, role: string][] = [
  ['Alice', 1_000_000n, 'sudo, validator, triumvirate'],
  ['Bob', 1_000_000n, 'triumvirate'],
  ['Charlie', 1_000_000n, 'triumvirate'],
  ['Dave', 2_000n, 'senate'],
  ['Eve', 2_000n, 'senate'],
  ['Ferdie', 2_000n, 'senate'],
];

export const devAddress = (uri: string, scheme: 'sr25519' | 'ed25519' = 'sr25519') =>
  encodeAddress(keyPairFromUri(uri, scheme).publicKey, 42);

let cached: DevAccount[] | undefined;

export function devAccounts(): DevAccount[] {
  cached ??= SPEC.map(([name, tao, role]) => ({
    name,
    uri: `//${name}`,
    address: devAddress(`//${name}`),
    balanceRao: tao * RAO_PER_TAO,
    role,
  }));
  return cached;
}
