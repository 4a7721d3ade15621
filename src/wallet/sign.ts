/**
 * `tao wallet sign` / `verify`: arbitrary messages with the Substrate `<Bytes>…</Bytes>` convention, so
 * signatures verify in polkadot.js. Verification needs no wallet: an address, a signature, a message.
 */
import { usageError } from '../core/errors.js';
import { fromHex, isHex, toHex } from '../crypto/hex.js';
import { SCHEMES, type Scheme } from '../crypto/keys.js';
import { signMessage, verifyMessage } from '../crypto/message.js';
import { decodeAddress, encodeAddress } from '../crypto/ss58.js';
import { parseScheme } from './create.js';
import { type UnlockContext, unlockColdkey, unlockHotkey } from './unlock.js';

export interface SignResult {
  signature: string;
  address: string;
  scheme: Scheme;
  key: 'coldkey' | 'hotkey';
}

export async function handleSign(
  ctx: UnlockContext,
  opts: { message?: string; useHotkey?: boolean },
): Promise<SignResult> {
  if (opts.message === undefined) throw usageError('E_USAGE', '--message is required');
  const pair = opts.useHotkey ? await unlockHotkey(ctx) : await unlockColdkey(ctx);
  return {
    signature: toHex(signMessage(pair, opts.message)),
    address: encodeAddress(pair.publicKey),
    scheme: pair.scheme,
    key: opts.useHotkey ? 'hotkey' : 'coldkey',
  };
}

export interface VerifyResult {
  valid: boolean;
  address: string;
  /** The scheme the signature verified under (absent when invalid). */
  scheme?: Scheme;
}

export function handleVerify(opts: {
  message?: string;
  signature?: string;
  address?: string;
  scheme?: string;
}): VerifyResult {
  if (opts.message === undefined || opts.signature === undefined || opts.address === undefined)
    throw usageError('E_USAGE', '--message, --signature and --address are required');
  const publicKey = decodeAddress(opts.address);
  const sigText = opts.signature.startsWith('0x') ? opts.signature : `0x${opts.signature}`;
  if (!isHex(sigText, 64))
    throw usageError('E_BAD_SIGNATURE', 'a signature is 64 bytes of hex (128 hex digits, optional 0x)');
  const signature = fromHex(sigText);
  const schemes: readonly Scheme[] = opts.scheme === undefined ? SCHEMES : [parseScheme(opts.scheme)];
  for (const scheme of schemes) {
    if (verifyMessage(scheme, publicKey, opts.message, signature))
      return { valid: true, address: opts.address, scheme };
  }
  return { valid: false, address: opts.address };
}
