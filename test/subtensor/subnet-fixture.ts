/**
 * The subnet/weights tests' direct view of the chain (@polkadot/api + dev keys), used to read back exact
 * values the CLI must agree with and to prepare state the CLI under test does not own (stake on a validator).
 */
import { type ApiPromise, Keyring } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import { expect } from 'vitest';
import { parseJson, runTao } from '../helpers/tao.js';
import { connect, RAO, send } from './stake-fixture.js';

export { RAO };

type Call = (...args: unknown[]) => SubmittableExtrinsic<'promise'>;
type Read = (...args: unknown[]) => Promise<{ toString(): string; toJSON(): unknown }>;

export interface Event {
  section: string;
  method: string;
  data: unknown[];
}

export interface Chain {
  api: ApiPromise;
  alice: KeyringPair;
  tx: (pallet: string, call: string) => Call;
  query: (pallet: string, item: string) => Read;
  runtime: (section: string, method: string) => Read;
  /**
   * Signs with //Alice (or `signer`), waits for the block, throws on a dispatch error or a failed sudo;
   * a tx the runtime refuses for resources or Chopsticks drops is sent again (stake-fixture's `send`).
   */
  send: (tx: SubmittableExtrinsic<'promise'>, signer?: KeyringPair) => Promise<Event[]>;
  free: (address: string) => Promise<bigint>;
  close: () => Promise<void>;
}

export async function openChain(url: string): Promise<Chain> {
  const api = await connect(url);
  const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
  const pick = <T>(root: unknown, a: string, b: string): T =>
    (root as Record<string, Record<string, T>>)[a]![b]!;
  const query = (pallet: string, item: string) => pick<Read>(api.query, pallet, item);
  return {
    api,
    alice,
    tx: (pallet, call) => pick<Call>(api.tx, pallet, call),
    query,
    runtime: (section, method) => pick<Read>(api.call, section, method),
    send: (tx, signer = alice) => send(api, signer, tx),
    free: async (address) =>
      BigInt(
        (
          (await query('system', 'account')(address)).toJSON() as { data: { free: string | number } }
        ).data.free.toString(),
      ),
    close: () => api.disconnect(),
  };
}

/** A τ string with 9 decimals → rao (exact). */
export const rao = (tao: string): bigint => {
  const [whole, frac = ''] = tao.split('.');
  return BigInt(whole ?? '0') * RAO + BigInt(frac.padEnd(9, '0'));
};

export interface TaoWallet {
  coldkey: string;
  hotkeys: Record<string, string>;
}

/** A passwordless tao wallet with extra hotkeys, its coldkey funded by //Alice. */
export async function fundedWallet(
  chain: Chain,
  home: string,
  hotkeys: string[],
  tao: bigint,
): Promise<TaoWallet> {
  const created = await runTao(['wallet', 'create', '--no-password', '--json'], { home });
  expect(created.code, created.stderr).toBe(0);
  const w = parseJson<{ coldkey: { ss58: string }; hotkey: { ss58: string } }>(created);
  const out: TaoWallet = { coldkey: w.coldkey.ss58, hotkeys: { default: w.hotkey.ss58 } };
  for (const name of hotkeys) {
    const r = await runTao(['wallet', 'new-hotkey', '--hotkey', name, '--json'], { home });
    expect(r.code, r.stderr).toBe(0);
    out.hotkeys[name] = parseJson<{ hotkey: { ss58: string } }>(r).hotkey.ss58;
  }
  await chain.send(chain.tx('balances', 'transferKeepAlive')(out.coldkey, tao * RAO));
  return out;
}

/**
 * Spec 300 fills every block whose number is a multiple of 15 with session rotation, and Chopsticks drops a
 * transaction that does not fit without telling the client: mine past such a block before a CLI transaction.
 */
export async function clearOfSessionBlock(): Promise<void> {
  const { head, mine } = await import('./harness.js');
  if ((await head()) % 15 === 14) await mine(1);
}
