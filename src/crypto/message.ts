/**
 * Message signing with the polkadot.js signRaw convention: the signed bytes are `<Bytes>message</Bytes>`,
 * so signatures verify in polkadot.js (`signatureVerify`) and the extension. Strings are UTF-8 text.
 */
import { type KeyPair, type Scheme, sign, verify } from './keys.js';

const encoder = new TextEncoder();
const PREFIX = encoder.encode('<Bytes>');
const POSTFIX = encoder.encode('</Bytes>');

const toBytes = (m: Uint8Array | string): Uint8Array => (typeof m === 'string' ? encoder.encode(m) : m);

function hasAt(bytes: Uint8Array, part: Uint8Array, at: number): boolean {
  for (let i = 0; i < part.length; i++) if (bytes[at + i] !== part[i]) return false;
  return true;
}

export function isWrapped(bytes: Uint8Array): boolean {
  return (
    bytes.length >= PREFIX.length + POSTFIX.length &&
    hasAt(bytes, PREFIX, 0) &&
    hasAt(bytes, POSTFIX, bytes.length - POSTFIX.length)
  );
}

/** `<Bytes>message</Bytes>`; already-wrapped input is returned as is (as polkadot's u8aWrapBytes). */
export function wrapBytes(message: Uint8Array | string): Uint8Array {
  const bytes = toBytes(message);
  if (isWrapped(bytes)) return bytes;
  const out = new Uint8Array(PREFIX.length + bytes.length + POSTFIX.length);
  out.set(PREFIX, 0);
  out.set(bytes, PREFIX.length);
  out.set(POSTFIX, PREFIX.length + bytes.length);
  return out;
}

export function unwrapBytes(bytes: Uint8Array): Uint8Array {
  return isWrapped(bytes) ? bytes.subarray(PREFIX.length, bytes.length - POSTFIX.length) : bytes;
}

export function signMessage(pair: KeyPair, message: Uint8Array | string): Uint8Array {
  return sign(pair, wrapBytes(message));
}

/** Accepts a signature over the message wrapped or unwrapped, as polkadot's signatureVerify does. */
export function verifyMessage(
  scheme: Scheme,
  publicKey: Uint8Array,
  message: Uint8Array | string,
  signature: Uint8Array,
): boolean {
  const bytes = toBytes(message);
  if (verify(scheme, publicKey, bytes, signature)) return true;
  const other = isWrapped(bytes) ? unwrapBytes(bytes) : wrapBytes(bytes);
  return verify(scheme, publicKey, other, signature);
}
