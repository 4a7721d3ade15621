/**
 * Signing and sending a call in one step, for programs (the peer's set_weights/serve_axon, scripts):
 * genesis hash from system_info, the signer's next nonce (account nonce + its pending pool entries),
 * expiry = head + expiryBlocks, then submit and wait for the outcome.
 */
import type { KeyPair } from '../crypto/keys.js';
import { encodeAddress } from '../crypto/ss58.js';
import { fromHex } from '../crypto/hex.js';
import { type SignedTx, signTx } from '../crypto/tx.js';
import type { NodeClient } from './node-client.js';
import type { TxOutcome } from './types.js';
import type { WaitOptions } from './wait.js';

export interface SendOptions extends WaitOptions {
  /** Blocks after the head until the tx expires (default 64). */
  expiryBlocks?: number;
}

export type CallObject = Record<string, unknown> & { type: string };

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
  return signTx(pair, {
    genesisHash: fromHex(info.genesisHash),
    nonce: account.nonce + account.pending,
    expiry: head.number + (options.expiryBlocks ?? 64),
    call,
  });
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
