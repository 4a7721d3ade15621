// Oracle: our keys, addresses and signatures against @polkadot/util-crypto and @polkadot/keyring (dev deps).
import { Keyring } from '@polkadot/keyring';
import { u8aToHex, u8aWrapBytes } from '@polkadot/util';
import {
  cryptoWaitReady,
  ed25519PairFromSeed,
  mnemonicGenerate,
  mnemonicToMiniSecret,
  signatureVerify,
  sr25519PairFromSeed,
} from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/hex.js';
import { keyPairFromUri, type Scheme, sign, verify } from '../../src/crypto/keys.js';
import { signMessage, verifyMessage } from '../../src/crypto/message.js';
import { generateMnemonic, miniSecretFromMnemonic } from '../../src/crypto/mnemonic.js';
import { encodeAddress } from '../../src/crypto/ss58.js';

const enc = new TextEncoder();
let mnemonics: string[] = [];

beforeAll(async () => {
  await cryptoWaitReady();
  // Both generators, so neither side's phrases are special to the other.
  mnemonics = [
    generateMnemonic(12),
    generateMnemonic(24),
    generateMnemonic(15),
    mnemonicGenerate(12),
    mnemonicGenerate(18),
    mnemonicGenerate(21),
  ];
});

describe('compatibility with polkadot.js', () => {
  it('mini-secrets and root addresses match for random mnemonics, both schemes, with and without password', () => {
    for (const m of mnemonics) {
      for (const pw of ['', 'correct horse']) {
        const mini = mnemonicToMiniSecret(m, pw);
        expect(toHex(miniSecretFromMnemonic(m, pw))).toBe(u8aToHex(mini));
        const uri = pw ? `${m}///${pw}` : m;
        expect(toHex(keyPairFromUri(uri, 'sr25519').publicKey)).toBe(
          u8aToHex(sr25519PairFromSeed(mini).publicKey),
        );
        expect(toHex(keyPairFromUri(uri, 'ed25519').publicKey)).toBe(
          u8aToHex(ed25519PairFromSeed(mini).publicKey),
        );
      }
    }
  });

  it('derived addresses match Keyring.addFromUri (sr25519 hard/soft/numeric, ed25519 hard)', () => {
    const sr = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const ed = new Keyring({ type: 'ed25519', ss58Format: 42 });
    const srPaths = [
      '//hard/soft',
      '//0/1',
      '//tao//hotkey//0',
      '/soft',
      `//${'long'.repeat(10)}`,
      '//1//x///pw',
    ];
    const edPaths = ['//hard', '//0//1', '//tao//hotkey', '///pw'];
    for (const m of mnemonics) {
      for (const p of srPaths)
        expect(encodeAddress(keyPairFromUri(m + p).publicKey)).toBe(sr.addFromUri(m + p).address);
      for (const p of edPaths)
        expect(encodeAddress(keyPairFromUri(m + p, 'ed25519').publicKey)).toBe(ed.addFromUri(m + p).address);
    }
    for (const dev of ['//Alice', '//Bob//stash', '//Charlie/1'])
      expect(encodeAddress(keyPairFromUri(dev).publicKey)).toBe(sr.addFromUri(dev).address);
    expect(encodeAddress(keyPairFromUri('//Alice', 'ed25519').publicKey)).toBe(
      ed.addFromUri('//Alice').address,
    );
  });

  it.each(['sr25519', 'ed25519'] as const)(
    '%s: our signatures verify in polkadot and theirs in ours',
    (scheme: Scheme) => {
      const keyring = new Keyring({ type: scheme, ss58Format: 42 });
      for (const m of mnemonics.slice(0, 3)) {
        const uri = `${m}//tao`;
        const ours = keyPairFromUri(uri, scheme);
        const theirs = keyring.addFromUri(uri);
        const msg = enc.encode(`payload for ${scheme}`);

        const ourSig = sign(ours, msg);
        const check = signatureVerify(msg, ourSig, encodeAddress(ours.publicKey));
        expect(check.isValid).toBe(true);
        expect(check.crypto).toBe(scheme);

        const theirSig = theirs.sign(msg);
        expect(verify(scheme, ours.publicKey, msg, theirSig)).toBe(true);
        expect(verify(scheme, ours.publicKey, enc.encode('other'), theirSig)).toBe(false);
      }
    },
  );

  it.each(['sr25519', 'ed25519'] as const)(
    '%s: <Bytes>-wrapped messages verify both ways',
    (scheme: Scheme) => {
      const keyring = new Keyring({ type: scheme, ss58Format: 42 });
      const uri = `${mnemonics[0]}//msg`;
      const ours = keyPairFromUri(uri, scheme);
      const theirs = keyring.addFromUri(uri);
      const text = 'I own this key: 2024-01-01';

      const ourSig = signMessage(ours, text);
      expect(signatureVerify(text, ourSig, theirs.address).isValid).toBe(true);
      expect(signatureVerify(u8aWrapBytes(text), ourSig, theirs.address).isValid).toBe(true);
      expect(signatureVerify('something else', ourSig, theirs.address).isValid).toBe(false);

      // What the polkadot.js extension's signRaw produces: a signature over the wrapped bytes.
      const extSig = theirs.sign(u8aWrapBytes(text));
      expect(verifyMessage(scheme, ours.publicKey, text, extSig)).toBe(true);
      expect(verifyMessage(scheme, ours.publicKey, u8aWrapBytes(text), extSig)).toBe(true);
      // A signature over the raw bytes is accepted too, as signatureVerify does.
      expect(verifyMessage(scheme, ours.publicKey, text, theirs.sign(enc.encode(text)))).toBe(true);
      expect(verifyMessage(scheme, ours.publicKey, 'something else', extSig)).toBe(false);
    },
  );
});
