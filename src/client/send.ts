/**
 * The one sign-and-submit pipeline of tao's ledger, for the CLI (cli/tx-flow.ts), the console
 * (tui/data/signer.ts) and programs (the peer's set_weights/serve_axon, scripts): what a call costs, asked
 * of the node (`tx_fee`); the signed transaction at the signer's next nonce (account nonce + its pending
 * pool entries), genesis hash from system_info, expiry = head + expiryBlocks; then submit and wait for the
 * outcome.
 */
import { parseRao } from '../core/amount.js';
import { fromHex } from '../crypto/hex.js';
import type { KeyPair } from '../crypto/keys.js';
import { encodeAddress } from '../crypto/ss58.js';
import { type SignedTx, signTx } from '../crypto/tx.js';
import type { NodeClient } from './node-client.js';
import type { CallOptions } from './transport.js';
import type { AccountInfo, SystemInfo, TxOutcome } from './types.js';
import type { WaitOptions } from './wait.js';

export interface SendOptions extends WaitOptions {
  /** Blocks after the head until the tx expires (default 64). */
  expiryBlocks?: number;
}

export type CallObject = Record<string, unknown> & { type: string };

/** The chain state a transaction is signed against. */
export interface SigningState {
  info: Pick<SystemInfo, 'genesisHash'>;
  account: Pick<AccountInfo, 'nonce' | 'pending'>;
  /** The last block the transaction may be included in. */
  expiry: number;
}

/** The nonce the signer's next transaction takes: its account nonce plus what it has in the pool. */
export const nextNonce = (account: Pick<AccountInfo, 'nonce' | 'pending'>): number =>
  account.nonce + account.pending;

/** Signs `call` for `pair` at its next nonce against `state`. */
export function signCall(pair: KeyPair, call: CallObject, state: SigningState): SignedTx {
  return signTx(pair, {
    genesisHash: fromHex(state.info.genesisHash),
    nonce: nextNonce(state.account),
    expiry: state.expiry,
    call,
  });
}

/** What a call of this type pays, as the node that will apply it says (`tx_fee`), rao. */
export async function feeOf(client: NodeClient, callType: string, options?: CallOptions): Promise<bigint> {
  const result = (await client.call('tx_fee', { type: callType }, options)) as { fee?: unknown };
  return parseRao(String(result?.fee));
}

/** Builds and signs `call` for `pair` against the node's current chain state. */
export async function prepareTx(
  client: NodeClient,
  pair: KeyPair,
  call: CallObject,
  options: { expiryBlocks?: number } = {},
): Promise<SignedTx> {
  const address = encodeAddress(pair.publicKey);
  const [info, account, head] = await Promise.all([
    client.systemInfo(),
    client.accountInfo(address),
    client.head(),
  ]);
  return signCall(pair, call, { info, account, expiry: head.number + (options.expiryBlocks ?? 64) });
}

/** Signs, submits and waits: the final outcome (included or rejected); throws on submit-time rejection. */
export async function sendTx(
  client: NodeClient,
  pair: KeyPair,
  call: CallObject,
  options: SendOptions = {},
): Promise<TxOutcome> {
  const tx = await prepareTx(client, pair, call, options);
  return client.submitAndWait(tx, options);
}
