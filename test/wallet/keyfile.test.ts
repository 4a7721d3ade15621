import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js';
import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/hex.js';
import { miniSecretFromMnemonic } from '../../src/crypto/mnemonic.js';
import {
  decryptKeyfile,
  encryptKeyfile,
  type Keyfile,
  parseKeyfile,
  serializeKeyfile,
  UNENCRYPTED_WARNING,
} from '../../src/wallet/keyfile.js';
import { buildKeyfile, openKeyfile, storedFromMiniSecret } from '../../src/wallet/keystore.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PHRASE = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const key = storedFromMiniSecret(miniSecretFromMnemonic(PHRASE), 'sr25519');

async function encrypted(password = 'correct horse'): Promise<Keyfile> {
  return buildKeyfile(key, password, FAST);
}

async function errorOf(p: Promise<unknown>): Promise<{ code: string; exitCode: number }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; exitCode: number };
  }
  throw new Error('expected a failure');
}

describe('tao keyfile format', () => {
  it('round-trips the mini-secret and gives back the same key pair', async () => {
    const file = parseKeyfile(serializeKeyfile(await encrypted()));
    const opened = await openKeyfile(file, 'correct horse', 'coldkey');
    expect(toHex(opened.secret)).toBe(toHex(miniSecretFromMnemonic(PHRASE)));
    expect(toHex(opened.pair.publicKey)).toBe(toHex(key.pair.publicKey));
  });

  it('stores the mini-secret, never the mnemonic, and names the KDF and cipher in its header', async () => {
    const file = await encrypted();
    const text = serializeKeyfile(file);
    expect(text).not.toContain('legal');
    expect(file).toMatchObject({ tao_keyfile: 1, encrypted: true, cipher: 'xchacha20poly1305' });
    expect(file.encrypted && file.kdf).toMatchObject({ name: 'scrypt', N: 1024, r: 8, p: 1 });
    expect(fromHex(file.encrypted ? file.ciphertext : '').length).toBe(32 + 16);
  });

  it('uses a fresh random salt and nonce for every file', async () => {
    const a = await encrypted();
    const b = await encrypted();
    if (!a.encrypted || !b.encrypted) throw new Error('expected encrypted files');
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('rejects a wrong password with E_BAD_PASSWORD (exit 3)', async () => {
    const err = await errorOf(decryptKeyfile(await encrypted(), 'wrong horse'));
    expect(err).toMatchObject({ code: 'E_BAD_PASSWORD', exitCode: 3 });
  });

  it('detects a flipped ciphertext bit as tampering (exit 3), never decrypting to garbage', async () => {
    const file = await encrypted();
    if (!file.encrypted) throw new Error('expected encrypted');
    const ct = fromHex(file.ciphertext);
    ct[3]! ^= 0x01;
    const err = await errorOf(decryptKeyfile({ ...file, ciphertext: toHex(ct) }, 'correct horse'));
    expect(err).toMatchObject({ code: 'E_KEYFILE_TAMPERED', exitCode: 3 });
  });

  it('detects an edited header field (the header is the AEAD associated data)', async () => {
    const file = await encrypted();
    const other = storedFromMiniSecret(new Uint8Array(32).fill(7), 'sr25519');
    const forged = { ...file, public_key: toHex(other.pair.publicKey) } as Keyfile;
    expect(await errorOf(decryptKeyfile(forged, 'correct horse'))).toMatchObject({
      code: 'E_KEYFILE_TAMPERED',
    });
    const scheme = { ...file, scheme: 'ed25519' } as Keyfile;
    expect(await errorOf(decryptKeyfile(scheme, 'correct horse'))).toMatchObject({
      code: 'E_KEYFILE_TAMPERED',
    });
  });

  it('reports truncated, empty or non-tao files as E_KEYFILE_CORRUPT (exit 3)', async () => {
    const text = serializeKeyfile(await encrypted());
    for (const bad of [text.slice(0, text.length / 2), '', '{"hello":1}', '[1,2]']) {
      let err: { code?: string; exitCode?: number } = {};
      try {
        parseKeyfile(bad, 'coldkey');
      } catch (e) {
        err = e as typeof err;
      }
      expect(err).toMatchObject({ code: 'E_KEYFILE_CORRUPT', exitCode: 3 });
    }
  });

  it('refuses KDF parameters that would make unlocking hang or explode', async () => {
    const file = (await encrypted()) as Keyfile & { kdf: { N: number } };
    const doc = JSON.parse(serializeKeyfile(file)) as { kdf: { N: number } };
    for (const N of [2 ** 30, 1000, 3]) {
      doc.kdf.N = N;
      expect(() => parseKeyfile(JSON.stringify(doc))).toThrow(/scrypt N out of range/);
    }
  });

  it('encrypts with password-check and key from the same scrypt that noble computes', () => {
    const salt = fromHex('0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');
    const ours = new Uint8Array(scryptSync('pässword', salt, 64, { N: 1024, r: 8, p: 1 }));
    const noble = nobleScrypt(new TextEncoder().encode('pässword'), salt, { N: 1024, r: 8, p: 1, dkLen: 64 });
    expect(toHex(ours)).toBe(toHex(noble));
  });

  it('marks --no-password files as unencrypted and still checks the secret against the public key', async () => {
    const file = await buildKeyfile(key, null);
    expect(file).toMatchObject({ encrypted: false, warning: UNENCRYPTED_WARNING });
    const opened = await openKeyfile(parseKeyfile(serializeKeyfile(file)), undefined, 'hk');
    expect(toHex(opened.pair.publicKey)).toBe(toHex(key.pair.publicKey));
    const other = storedFromMiniSecret(new Uint8Array(32).fill(9), 'sr25519');
    const swapped = { ...file, secret: toHex(other.secret) } as Keyfile;
    await expect(openKeyfile(swapped, undefined, 'hk')).rejects.toMatchObject({ code: 'E_KEYFILE_TAMPERED' });
  });

  it('normalises the password (NFKC) so a composed and decomposed é both unlock', async () => {
    const file = await encryptKeyfile(
      key.secret,
      { scheme: 'sr25519', publicKey: key.pair.publicKey, ss58: 'x', secretType: 'mini_secret' },
      'caf\u00e9-pass',
      FAST,
    );
    const secret = await decryptKeyfile(file, 'cafe\u0301-pass');
    expect(toHex(secret)).toBe(toHex(key.secret));
  });
});
