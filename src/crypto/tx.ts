/**
 * The ledger's transaction envelope (wire format in docs/rpc.md): sign a call, and validate an untrusted
 * envelope structurally and cryptographically. verifyTx never throws; it returns a typed verdict.
 */
import { canonicalJson } from './canonical.js';
import { isHex, toHex } from './hex.js';
import { isScheme, type KeyPair, type Scheme, sign, verify } from './keys.js';
import { decodeAddress, encodeAddress } from './ss58.js';
import { signingPayload, signingPayloadOf, txHash } from './tx-payload.js';

export interface SignedTx {
  call: Record<string, unknown> & { type: string };
  signer: string; // SS58
  scheme: Scheme;
  nonce: number;
  expiry: number;
  genesis_hash: string; // 0x hex, 32 bytes
  signature: string; // 0x hex, 64 bytes
}

export interface TxFields {
  genesisHash: Uint8Array;
  nonce: number;
  expiry: number;
  call: SignedTx['call'];
}

export type TxErrorCode = 'E_BAD_SIGNATURE' | 'E_MALFORMED_TX' | 'E_BAD_ADDRESS';
export type TxCheck =
  | { ok: true; hash: string; signerKey: Uint8Array; payload: Uint8Array }
  | { ok: false; code: TxErrorCode; message: string };

const TX_KEYS = new Set(['call', 'signer', 'scheme', 'nonce', 'expiry', 'genesis_hash', 'signature']);

export function signTx(pair: KeyPair, fields: TxFields): SignedTx {
  const payload = signingPayload({ ...fields, signer: pair.publicKey, scheme: pair.scheme });
  return {
    call: fields.call,
    signer: encodeAddress(pair.publicKey),
    scheme: pair.scheme,
    nonce: fields.nonce,
    expiry: fields.expiry,
    genesis_hash: toHex(fields.genesisHash),
    signature: toHex(sign(pair, payload)),
  };
}

/** The hash `tx_submit` answers for a signed envelope (use on envelopes signTx produced). */
export function signedTxHash(tx: SignedTx): string {
  const check = verifyTx(tx);
  if (!check.ok) throw new Error(`${check.code}: ${check.message}`);
  return check.hash;
}

const malformed = (message: string): TxCheck => ({ ok: false, code: 'E_MALFORMED_TX', message });
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isU64 = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 80 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Bytes of a string isHex already accepted (no second pass of fromHex's checks). */
const hexBytes = (str: string) => new Uint8Array(Buffer.from(str.slice(2), 'hex'));

/** Signer addresses decoded before (an SS58 check costs a blake2b-512); bounded, oldest dropped. */
const signerKeys = new Map<string, Uint8Array>();
const SIGNER_KEYS_MAX = 65_536;

function signerKeyOf(signer: string): Uint8Array {
  const hit = signerKeys.get(signer);
  if (hit) return hit;
  const key = decodeAddress(signer);
  if (signerKeys.size >= SIGNER_KEYS_MAX) signerKeys.delete(signerKeys.keys().next().value!);
  signerKeys.set(signer, key);
  return key;
}

/** Validates every field of an untrusted envelope and its signature. Never throws. */
export function verifyTx(tx: unknown): TxCheck {
  try {
    return check(tx);
  } catch (e) {
    return malformed(`transaction could not be validated: ${(e as Error).message}`);
  }
}

function check(tx: unknown): TxCheck {
  if (!isPlainObject(tx)) return malformed(`a transaction is a JSON object, got ${describe(tx)}`);
  for (const key of Object.keys(tx))
    if (!TX_KEYS.has(key)) return malformed(`unexpected field "${key.slice(0, 40)}" in the transaction`);
  const { call, signer, scheme, nonce, expiry, genesis_hash, signature } = tx;
  if (!isPlainObject(call)) return malformed(`"call" must be an object, got ${describe(call)}`);
  if (typeof call.type !== 'string' || call.type === '')
    return malformed(`"call.type" must be a non-empty string, got ${describe(call.type)}`);
  if (typeof signer !== 'string')
    return malformed(`"signer" must be an SS58 address string, got ${describe(signer)}`);
  if (!isScheme(scheme)) return malformed(`"scheme" must be "sr25519" or "ed25519", got ${describe(scheme)}`);
  if (!isU64(nonce)) return malformed(`"nonce" must be a non-negative safe integer, got ${describe(nonce)}`);
  if (!isU64(expiry))
    return malformed(`"expiry" must be a non-negative safe integer, got ${describe(expiry)}`);
  if (!isHex(genesis_hash, 32))
    return malformed(`"genesis_hash" must be 0x followed by 64 hex digits, got ${describe(genesis_hash)}`);
  if (!isHex(signature, 64))
    return malformed(`"signature" must be 0x followed by 128 hex digits, got ${describe(signature)}`);
  let callJson: string;
  try {
    callJson = canonicalJson(call);
  } catch (e) {
    return malformed(`"call" cannot be encoded canonically: ${(e as Error).message}`);
  }
  if (callJson.length === 0) return malformed('"call" is empty');
  let signerKey: Uint8Array;
  try {
    signerKey = signerKeyOf(signer);
  } catch (e) {
    return { ok: false, code: 'E_BAD_ADDRESS', message: `"signer": ${(e as Error).message}` };
  }
  const payload = signingPayloadOf(
    { genesisHash: hexBytes(genesis_hash), signer: signerKey, scheme, nonce, expiry },
    callJson,
  );
  const sig = hexBytes(signature);
  if (!verify(scheme, signerKey, payload, sig))
    return {
      ok: false,
      code: 'E_BAD_SIGNATURE',
      message: `the signature does not match the transaction for signer ${signer} (${scheme})`,
    };
  return { ok: true, hash: toHex(txHash(payload, sig)), signerKey: signerKey.slice(), payload };
}
