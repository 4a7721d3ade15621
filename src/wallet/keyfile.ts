/**
 * tao's keyfile format, pure (no file I/O): a versioned JSON document whose header names the KDF and its
 * parameters (scrypt, random 32-byte salt per file), the AEAD (XChaCha20-Poly1305, random 24-byte nonce)
 * and the public key, with the header bound as associated data so any edit is detected. The plaintext is the
 * 32-byte mini-secret (or, for keys imported without one, the 64-byte sr25519 secret) — never the mnemonic.
 * A 16-byte password check (from the second half of the KDF output) tells a wrong password apart from a
 * tampered ciphertext. Keys made with --no-password are stored in the clear in a clearly marked variant.
 *
 * The password check and the AEAD both depend on the KDF inputs, so an edited salt, N or check fails exactly
 * like a wrong password. An unkeyed `checksum` over every other field (files written before it existed
 * have none and still open) tells those edits apart before any scrypt runs. It is
 * a checksum, not a MAC: whoever edits a field and recomputes it (or deletes it) gets "wrong password"
 * again, which is inherent — only the password authenticates, and it cannot authenticate the KDF that
 * derives it without giving a cheap password test. Either way nothing decrypts to garbage.
 */
import { randomBytes, scrypt as scryptCb } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { canonicalJson } from '../crypto/canonical.js';
import { fromHex, isHex, toHex } from '../crypto/hex.js';
import type { Scheme } from '../crypto/keys.js';
import { badPassword, keyfileCorrupt, keyfileTampered } from './errors.js';

export const KEYFILE_VERSION = 1;
export type SecretType = 'mini_secret' | 'secret_key';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** ≈0.5 s on a 2-core dev box (bench/unlock.bench.mjs), 128 MiB of memory. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/** What a keyfile says about its key in the clear. */
export interface KeyMeta {
  scheme: Scheme;
  publicKey: Uint8Array;
  ss58: string;
  secretType: SecretType;
}

export interface EncryptedHeader {
  tao_keyfile: 1;
  encrypted: true;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'xchacha20poly1305';
  nonce: string;
  check: string;
  secret_type: SecretType;
  scheme: Scheme;
  public_key: string;
  ss58: string;
}
export interface EncryptedKeyfile extends EncryptedHeader {
  ciphertext: string;
  /** Absent in keyfiles written before it existed. */
  checksum?: string;
}
export interface PlainKeyfile {
  tao_keyfile: 1;
  encrypted: false;
  warning: string;
  secret_type: SecretType;
  scheme: Scheme;
  public_key: string;
  ss58: string;
  secret: string;
  checksum?: string;
}
export type Keyfile = EncryptedKeyfile | PlainKeyfile;

export const UNENCRYPTED_WARNING =
  'UNENCRYPTED: created with --no-password; anyone who can read this file controls the key';

const encoder = new TextEncoder();
const CHECK_TAG = encoder.encode('tao-keyfile-password-check');
const CHECKSUM_TAG = 'tao-keyfile-checksum:';

/** Every field a tao keyfile may hold; anything else was added by someone else. */
const ENCRYPTED_FIELDS = new Set([
  'tao_keyfile',
  'encrypted',
  'kdf',
  'cipher',
  'nonce',
  'check',
  'secret_type',
  'scheme',
  'public_key',
  'ss58',
  'ciphertext',
  'checksum',
]);
const KDF_FIELDS = new Set(['name', 'N', 'r', 'p', 'salt']);
const PLAIN_FIELDS = new Set([
  'tao_keyfile',
  'encrypted',
  'warning',
  'secret_type',
  'scheme',
  'public_key',
  'ss58',
  'secret',
  'checksum',
]);

/** blake2b-256 over a tag and the canonical JSON of every field but the checksum; null if not encodable. */
function checksumOf(doc: Record<string, unknown>): string | null {
  const { checksum: _, ...rest } = doc;
  try {
    return toHex(blake2b(encoder.encode(CHECKSUM_TAG + canonicalJson(rest)), { dkLen: 32 }));
  } catch {
    return null; // a value canonical JSON refuses (a float): not something tao wrote
  }
}

function withChecksum<T extends Keyfile>(file: T): T {
  return { ...file, checksum: checksumOf(file as unknown as Record<string, unknown>)! };
}

function scryptAsync(password: Uint8Array, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const maxmem = 128 * params.N * params.r * params.p + 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, 64, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) => {
      if (err) reject(err);
      else resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength));
    });
  });
}

/** Passwords are NFKC-normalised so the same characters typed on another keyboard still unlock. */
const passwordBytes = (password: string) => encoder.encode(password.normalize('NFKC'));

async function deriveKeys(password: string, salt: Uint8Array, params: ScryptParams) {
  const dk = await scryptAsync(passwordBytes(password), salt, params);
  const key = dk.slice(0, 32);
  const checkInput = new Uint8Array(CHECK_TAG.length + 32);
  checkInput.set(CHECK_TAG, 0);
  checkInput.set(dk.subarray(32, 64), CHECK_TAG.length);
  const check = blake2b(checkInput, { dkLen: 16 });
  dk.fill(0);
  return { key, check };
}

/** The associated data: every header field (all but the ciphertext), canonically encoded. */
const associatedData = (header: EncryptedHeader) => encoder.encode(canonicalJson(header));

function secretLength(type: SecretType): number {
  return type === 'mini_secret' ? 32 : 64;
}

export async function encryptKeyfile(
  secret: Uint8Array,
  meta: KeyMeta,
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<EncryptedKeyfile> {
  if (secret.length !== secretLength(meta.secretType))
    throw new Error(`${meta.secretType} must be ${secretLength(meta.secretType)} bytes`);
  const salt = new Uint8Array(randomBytes(32));
  const nonce = new Uint8Array(randomBytes(24));
  const { key, check } = await deriveKeys(password, salt, params);
  const header: EncryptedHeader = {
    tao_keyfile: KEYFILE_VERSION,
    encrypted: true,
    kdf: { name: 'scrypt', N: params.N, r: params.r, p: params.p, salt: toHex(salt) },
    cipher: 'xchacha20poly1305',
    nonce: toHex(nonce),
    check: toHex(check),
    secret_type: meta.secretType,
    scheme: meta.scheme,
    public_key: toHex(meta.publicKey),
    ss58: meta.ss58,
  };
  const ciphertext = xchacha20poly1305(key, nonce, associatedData(header)).encrypt(secret);
  key.fill(0);
  return withChecksum({ ...header, ciphertext: toHex(ciphertext) });
}

export function plainKeyfile(secret: Uint8Array, meta: KeyMeta): PlainKeyfile {
  if (secret.length !== secretLength(meta.secretType))
    throw new Error(`${meta.secretType} must be ${secretLength(meta.secretType)} bytes`);
  return withChecksum({
    tao_keyfile: KEYFILE_VERSION,
    encrypted: false,
    warning: UNENCRYPTED_WARNING,
    secret_type: meta.secretType,
    scheme: meta.scheme,
    public_key: toHex(meta.publicKey),
    ss58: meta.ss58,
    secret: toHex(secret),
  });
}

export const serializeKeyfile = (file: Keyfile): string => `${JSON.stringify(file, null, 2)}\n`;

const isPow2 = (n: number) => Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0;

function versionProblem(version: unknown): string {
  if (version === undefined)
    return 'not a tao keyfile (for a btcli wallet use `tao wallet import --from DIR`)';
  if (typeof version === 'number')
    return `unsupported keyfile version ${version}: this tao reads version ${KEYFILE_VERSION} (a newer tao wrote it?)`;
  const shown = JSON.stringify(version) ?? String(version);
  const kind =
    version === null ? 'null' : Array.isArray(version) ? 'an array' : `the ${typeof version} ${shown}`;
  return `"tao_keyfile" must be the number ${KEYFILE_VERSION}, not ${kind}`;
}

/**
 * Throws E_KEYFILE_TAMPERED (exit 3) when the document holds a field tao never writes, or its checksum
 * (when it has one) does not match its fields.
 */
export function verifyIntegrity(file: Keyfile, path = 'keyfile'): void {
  const doc = file as unknown as Record<string, unknown>;
  const allowed = file.encrypted ? ENCRYPTED_FIELDS : PLAIN_FIELDS;
  const extra = Object.keys(doc).filter((k) => !allowed.has(k));
  if (file.encrypted)
    extra.push(
      ...Object.keys(file.kdf)
        .filter((k) => !KDF_FIELDS.has(k))
        .map((k) => `kdf.${k}`),
    );
  if (extra.length > 0)
    throw keyfileTampered(path, `unexpected field ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
  if (doc.checksum === undefined) return;
  if (typeof doc.checksum !== 'string' || checksumOf(doc) !== doc.checksum.toLowerCase())
    throw keyfileTampered(path, 'the header checksum does not match; a field was edited');
}

/**
 * Parses and validates a keyfile's text; throws E_KEYFILE_CORRUPT (exit 3) on anything malformed,
 * including KDF parameters outside sane bounds (so an edited header cannot make unlocking hang), and
 * E_KEYFILE_TAMPERED when it fails its own checksum or holds fields tao never writes.
 */
export function parseKeyfile(text: string, path = 'keyfile'): Keyfile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw keyfileCorrupt(path, text.length === 0 ? 'the file is empty' : 'not valid JSON');
  }
  const bad = (detail: string) => keyfileCorrupt(path, detail);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw bad('not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.tao_keyfile !== KEYFILE_VERSION) throw bad(versionProblem(d.tao_keyfile));
  if (d.scheme !== 'sr25519' && d.scheme !== 'ed25519') throw bad('unknown key scheme');
  if (d.secret_type !== 'mini_secret' && d.secret_type !== 'secret_key') throw bad('unknown secret type');
  if (!isHex(d.public_key, 32)) throw bad('public_key is not 32 bytes of hex');
  if (typeof d.ss58 !== 'string') throw bad('ss58 is missing');
  const secretLen = secretLength(d.secret_type);
  if (d.encrypted === false) {
    if (!isHex(d.secret, secretLen)) throw bad(`secret is not ${secretLen} bytes of hex`);
    verifyIntegrity(doc as PlainKeyfile, path);
    return doc as PlainKeyfile;
  }
  if (d.encrypted !== true) throw bad('"encrypted" must be true or false');
  const kdf = d.kdf as Record<string, unknown> | undefined;
  if (!kdf || typeof kdf !== 'object' || kdf.name !== 'scrypt') throw bad('unsupported KDF');
  const { N, r, p } = kdf as { N: number; r: number; p: number };
  if (!isPow2(N) || N < 2 ** 10 || N > 2 ** 22) throw bad('scrypt N out of range');
  if (!Number.isSafeInteger(r) || r < 1 || r > 32) throw bad('scrypt r out of range');
  if (!Number.isSafeInteger(p) || p < 1 || p > 16) throw bad('scrypt p out of range');
  if (128 * N * r * p > 2 ** 31) throw bad('scrypt memory cost out of range');
  if (!isHex(kdf.salt) || kdf.salt.length < 2 + 32) throw bad('salt missing or too short');
  if (d.cipher !== 'xchacha20poly1305') throw bad('unsupported cipher');
  if (!isHex(d.nonce, 24)) throw bad('nonce is not 24 bytes of hex');
  if (!isHex(d.check, 16)) throw bad('password check is not 16 bytes of hex');
  if (!isHex(d.ciphertext, secretLen + 16)) throw bad(`ciphertext is not ${secretLen + 16} bytes of hex`);
  verifyIntegrity(doc as EncryptedKeyfile, path);
  return doc as EncryptedKeyfile;
}

export function keyMetaOf(file: Keyfile): KeyMeta {
  return {
    scheme: file.scheme,
    publicKey: fromHex(file.public_key),
    ss58: file.ss58,
    secretType: file.secret_type,
  };
}

function headerOf(file: EncryptedKeyfile): EncryptedHeader {
  return {
    tao_keyfile: file.tao_keyfile,
    encrypted: file.encrypted,
    kdf: { name: 'scrypt', N: file.kdf.N, r: file.kdf.r, p: file.kdf.p, salt: file.kdf.salt },
    cipher: file.cipher,
    nonce: file.nonce,
    check: file.check,
    secret_type: file.secret_type,
    scheme: file.scheme,
    public_key: file.public_key,
    ss58: file.ss58,
  };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Returns the secret of a parsed keyfile. Encrypted files need the password: a wrong one fails with
 * E_BAD_PASSWORD, a ciphertext or header that was edited with E_KEYFILE_TAMPERED (both exit 3); see the
 * top of this file for the edits that cannot be told apart from a wrong password.
 */
export async function decryptKeyfile(file: Keyfile, password: string | undefined, path = 'keyfile') {
  verifyIntegrity(file, path);
  if (!file.encrypted) return fromHex(file.secret);
  if (password === undefined) throw new Error('decryptKeyfile: password required for an encrypted keyfile');
  const params = { N: file.kdf.N, r: file.kdf.r, p: file.kdf.p };
  const { key, check } = await deriveKeys(password, fromHex(file.kdf.salt), params);
  if (!equalBytes(check, fromHex(file.check))) {
    key.fill(0);
    throw badPassword();
  }
  try {
    return xchacha20poly1305(key, fromHex(file.nonce), associatedData(headerOf(file))).decrypt(
      fromHex(file.ciphertext),
    );
  } catch {
    throw keyfileTampered(path, 'the authenticated encryption tag does not match');
  } finally {
    key.fill(0);
  }
}

export const isEncrypted = (file: Keyfile): file is EncryptedKeyfile => file.encrypted;
