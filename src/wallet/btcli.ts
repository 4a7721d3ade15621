/**
 * Reading btcli (bittensor-wallet) keyfiles, pure: `$NACL` files are `"$NACL" ‖ nonce(24) ‖ secretbox`,
 * the key being Argon2i (v1.3, p=1) of the password with btwallet's fixed salt and libsodium's
 * crypto_pwhash_argon2i SENSITIVE limits (opslimit 8, memlimit 512 MiB — checked against libsodium 1.0.18);
 * XSalsa20-Poly1305 as NaCl's secretbox. The payload (or an unencrypted keyfile) is JSON with
 * `secretSeed` (the mini-secret), `privateKey`, `publicKey`, `ss58Address`.
 */
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { argon2iAsync } from '@noble/hashes/argon2.js';
import * as sr25519 from '@scure/sr25519';
import { fromHex, isHex, toHex } from '../crypto/hex.js';
import { keyPairFromMiniSecret, type Scheme } from '../crypto/keys.js';
import { authError } from '../core/errors.js';
import { keyfileCorrupt } from './errors.js';
import { type StoredKey, storedFromMiniSecret, storedFromSecretKey } from './keystore.js';

/** btwallet's NACL_SALT = b"\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1". */
export const NACL_SALT = Uint8Array.from([
  0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1,
]);

export interface Argon2Limits {
  /** libsodium opslimit = Argon2 passes. */
  opslimit: number;
  /** libsodium memlimit in bytes. */
  memlimit: number;
}

/** libsodium crypto_pwhash_argon2i_OPSLIMIT_SENSITIVE / MEMLIMIT_SENSITIVE, as btwallet uses. */
export const BTCLI_LIMITS: Argon2Limits = { opslimit: 8, memlimit: 536_870_912 };

const NACL_MAGIC = '$NACL';
const encoder = new TextEncoder();

export type BtcliFileKind = 'nacl' | 'json' | 'legacy' | 'unknown';

export function btcliFileKind(bytes: Uint8Array): BtcliFileKind {
  const head = new TextDecoder().decode(bytes.subarray(0, 16));
  if (head.startsWith(NACL_MAGIC)) return 'nacl';
  if (head.startsWith('gAAAAA') || head.startsWith('$ANSIBLE_VAULT')) return 'legacy';
  const text = new TextDecoder().decode(bytes).trim();
  if (text.startsWith('{') || /^0x[0-9a-fA-F]{64}$/.test(text)) return 'json';
  return 'unknown';
}

/** The secretbox key for a password (the slow part: seconds at the real limits). */
export function btcliKey(password: string, limits: Argon2Limits = BTCLI_LIMITS): Promise<Uint8Array> {
  return argon2iAsync(encoder.encode(password), NACL_SALT, {
    t: limits.opslimit,
    m: limits.memlimit / 1024,
    p: 1,
    version: 0x13,
    dkLen: 32,
    maxmem: limits.memlimit + 64 * 1024 * 1024,
    asyncTick: 50,
  });
}

/** Opens a `$NACL` file with a derived key; a wrong password (or an edited file) is E_BAD_PASSWORD. */
export function openNacl(bytes: Uint8Array, key: Uint8Array, path = 'keyfile'): Uint8Array {
  const body = bytes.subarray(NACL_MAGIC.length);
  if (body.length < 24 + 16) throw keyfileCorrupt(path, 'the $NACL file is truncated');
  try {
    return xsalsa20poly1305(key, body.subarray(0, 24)).decrypt(body.subarray(24));
  } catch {
    throw authError(
      'E_BAD_PASSWORD',
      `wrong password for the btcli keyfile ${path} (or the file was altered)`,
      'use the password you chose in btcli for this wallet',
    );
  }
}

/** Builds a `$NACL` file (what btcli writes); used by the tests to make fixtures. */
export function sealNacl(payload: Uint8Array, key: Uint8Array, nonce: Uint8Array): Uint8Array {
  const sealed = xsalsa20poly1305(key, nonce).encrypt(payload);
  const out = new Uint8Array(NACL_MAGIC.length + 24 + sealed.length);
  out.set(encoder.encode(NACL_MAGIC), 0);
  out.set(nonce, NACL_MAGIC.length);
  out.set(sealed, NACL_MAGIC.length + 24);
  return out;
}

export interface BtcliPayload {
  secretSeed?: string;
  privateKey?: string;
  publicKey?: string;
  ss58Address?: string;
}

export function parseBtcliPayload(bytes: Uint8Array, path = 'keyfile'): BtcliPayload {
  const text = new TextDecoder().decode(bytes).trim();
  if (/^0x[0-9a-fA-F]{64}$/.test(text)) return { secretSeed: text };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw keyfileCorrupt(path, 'the btcli key data is not JSON');
  }
  if (!doc || typeof doc !== 'object') throw keyfileCorrupt(path, 'the btcli key data is not a JSON object');
  const d = doc as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const out: BtcliPayload = {};
  const seed = str(d.secretSeed);
  const priv = str(d.privateKey);
  const pub = str(d.publicKey) ?? str(d.accountId);
  const ss58 = str(d.ss58Address);
  if (seed) out.secretSeed = seed;
  if (priv) out.privateKey = priv;
  if (pub) out.publicKey = pub;
  if (ss58) out.ss58Address = ss58;
  return out;
}

/** schnorrkel `to_bytes` → `to_ed25519_bytes`: the scalar half times the cofactor 8 (a 3-bit shift). */
function timesCofactor(secret: Uint8Array): Uint8Array {
  const out = secret.slice();
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const v = (secret[i]! << 3) | carry;
    out[i] = v & 0xff;
    carry = v >> 8;
  }
  return out;
}

const sameHex = (a: Uint8Array, hex: string) => toHex(a) === hex.toLowerCase();

/**
 * The key a btcli payload holds, checked against the public key it claims: the seed (sr25519, or ed25519
 * when that is what matches), else the 64-byte private key in either schnorrkel encoding.
 */
export function storedKeyFromBtcli(payload: BtcliPayload, path = 'keyfile'): StoredKey {
  const pub = payload.publicKey && isHex(payload.publicKey, 32) ? payload.publicKey : undefined;
  if (payload.secretSeed) {
    if (!isHex(payload.secretSeed, 32)) throw keyfileCorrupt(path, 'secretSeed is not 32 bytes of hex');
    const seed = fromHex(payload.secretSeed);
    const schemes: Scheme[] = ['sr25519', 'ed25519'];
    for (const scheme of schemes) {
      const pair = keyPairFromMiniSecret(seed, scheme);
      if (!pub || sameHex(pair.publicKey, pub)) return storedFromMiniSecret(seed, scheme);
    }
    throw keyfileCorrupt(path, 'secretSeed does not give the publicKey stored beside it');
  }
  if (payload.privateKey) {
    if (!pub) throw keyfileCorrupt(path, 'a privateKey without its publicKey cannot be checked');
    if (!isHex(payload.privateKey, 64)) throw keyfileCorrupt(path, 'privateKey is not 64 bytes of hex');
    const priv = fromHex(payload.privateKey);
    for (const candidate of [priv, timesCofactor(priv)]) {
      try {
        if (sameHex(sr25519.getPublicKey(candidate), pub)) return storedFromSecretKey(candidate);
      } catch {
        // not a valid scalar in this encoding
      }
    }
    const edSeed = priv.slice(0, 32);
    if (sameHex(keyPairFromMiniSecret(edSeed, 'ed25519').publicKey, pub))
      return storedFromMiniSecret(edSeed, 'ed25519');
    throw keyfileCorrupt(path, 'privateKey does not give the publicKey stored beside it');
  }
  throw keyfileCorrupt(path, 'the btcli key data has neither secretSeed nor privateKey');
}
