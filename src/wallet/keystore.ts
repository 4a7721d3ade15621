/**
 * Reading and writing one key (secret keyfile + its pub file) in tao's format: build the keyfile for a key
 * pair (encrypted or --no-password), write both files atomically, and turn a decrypted secret back into a
 * KeyPair, checking it matches the public key the file claims.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import * as sr25519 from '@scure/sr25519';
import { toHex } from '../crypto/hex.js';
import { type KeyPair, keyPairFromMiniSecret, type Scheme } from '../crypto/keys.js';
import { encodeAddress } from '../crypto/ss58.js';
import { writeFileAtomic } from './atomic.js';
import {
  keyfileCorrupt,
  keyfilePermissions,
  keyfileTampered,
  octal,
  walletNotFound,
  walletSymlink,
} from './errors.js';
import {
  DEFAULT_SCRYPT,
  decryptKeyfile,
  encryptKeyfile,
  type Keyfile,
  type KeyMeta,
  parseKeyfile,
  plainKeyfile,
  type ScryptParams,
  type SecretType,
  serializeKeyfile,
} from './keyfile.js';
import { pubFileText } from './pubfile.js';

/** A key as stored: its secret (mini-secret when known) and the pair it gives. */
export interface StoredKey {
  pair: KeyPair;
  secret: Uint8Array;
  secretType: SecretType;
}

export function storedFromMiniSecret(mini: Uint8Array, scheme: Scheme): StoredKey {
  return { pair: keyPairFromMiniSecret(mini, scheme), secret: mini, secretType: 'mini_secret' };
}

/** An sr25519 key known only by its 64-byte expanded secret (e.g. imported without a seed). */
export function storedFromSecretKey(secretKey: Uint8Array): StoredKey {
  const pair: KeyPair = { scheme: 'sr25519', publicKey: sr25519.getPublicKey(secretKey), secretKey };
  return { pair, secret: secretKey, secretType: 'secret_key' };
}

export function metaOf(key: StoredKey): KeyMeta {
  return {
    scheme: key.pair.scheme,
    publicKey: key.pair.publicKey,
    ss58: encodeAddress(key.pair.publicKey),
    secretType: key.secretType,
  };
}

/** The keyfile for a key: encrypted with `password`, or in the clear when it is null. */
export async function buildKeyfile(
  key: StoredKey,
  password: string | null,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<Keyfile> {
  const meta = metaOf(key);
  return password === null
    ? plainKeyfile(key.secret, meta)
    : encryptKeyfile(key.secret, meta, password, params);
}

export interface KeyWriteOptions {
  overwrite?: boolean;
  backup?: boolean;
  what: string;
}

/** Writes the secret keyfile, then its pub file; returns the backups made. */
export function writeKey(
  secretPath: string,
  pubPath: string,
  file: Keyfile,
  options: KeyWriteOptions,
): string[] {
  const backups: string[] = [];
  const a = writeFileAtomic(secretPath, serializeKeyfile(file), { ...options, what: options.what });
  if (a.backup) backups.push(a.backup);
  const b = writeFileAtomic(pubPath, pubFileText(file.public_key, file.ss58, file.scheme), {
    ...options,
    what: `public file of the ${options.what}`,
  });
  if (b.backup) backups.push(b.backup);
  return backups;
}

const warnedLoose = new Set<string>();

/** Reads a keyfile without following a symbolic link; returns its text and permission bits. */
function readKeyfileText(path: string, what: string): { text: string; mode: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw walletNotFound(what, path);
    if (code === 'ELOOP') throw walletSymlink(path);
    throw keyfileCorrupt(path, `cannot read it: ${code ?? 'error'}`);
  }
  try {
    return { text: readFileSync(fd, 'utf8'), mode: fstatSync(fd).mode & 0o777 };
  } catch (error) {
    throw keyfileCorrupt(path, `cannot read it: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and parses a keyfile; E_WALLET_NOT_FOUND when missing, E_WALLET_SYMLINK for a link,
 * E_KEYFILE_CORRUPT / E_KEYFILE_TAMPERED when malformed or edited. Like ssh with private keys, a keyfile
 * other users can read is refused when unencrypted (E_KEYFILE_PERMISSIONS) and reported through `warn`
 * (once per file) when encrypted: they could try passwords against it offline.
 */
export function readKeyfile(path: string, what: string, warn?: (message: string) => void): Keyfile {
  const { text, mode } = readKeyfileText(path, what);
  if (text.startsWith('$NACL') || text.startsWith('gAAAAA') || text.startsWith('$ANSIBLE'))
    throw keyfileCorrupt(
      path,
      'this is a btcli keyfile; convert the wallet with `tao wallet import --from DIR`',
    );
  const file = parseKeyfile(text, path);
  if ((mode & 0o077) !== 0 && process.platform !== 'win32') {
    if (!file.encrypted) throw keyfilePermissions(path, mode);
    if (warn && !warnedLoose.has(path)) {
      warnedLoose.add(path);
      warn(
        `warning: keyfile ${path} can be read by other users (mode ${octal(mode)}); they can try passwords against it offline. Restrict it with: chmod 600 ${path}`,
      );
    }
  }
  return file;
}

/** The key pair of a decrypted secret, which must give the public key the file claims. */
export function pairFromSecret(file: Keyfile, secret: Uint8Array, path: string): KeyPair {
  let pair: KeyPair;
  try {
    pair =
      file.secret_type === 'mini_secret'
        ? keyPairFromMiniSecret(secret, file.scheme)
        : storedFromSecretKey(secret).pair;
  } catch {
    throw keyfileTampered(path, 'the secret is not a valid key');
  }
  if (toHex(pair.publicKey) !== file.public_key.toLowerCase())
    throw keyfileTampered(path, 'the secret does not match the public key in the header');
  return pair;
}

/** Decrypts (password given when encrypted) and returns the pair; E_BAD_PASSWORD / E_KEYFILE_* on failure. */
export async function openKeyfile(
  file: Keyfile,
  password: string | undefined,
  path: string,
): Promise<StoredKey> {
  const secret = await decryptKeyfile(file, password, path);
  const pair = pairFromSecret(file, secret, path);
  return { pair, secret, secretType: file.secret_type };
}
