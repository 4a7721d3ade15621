import { describe, expect, it } from 'vitest';
import { ExitCode, TaoError } from '../../src/core/errors.js';
import { toHex } from '../../src/crypto/hex.js';
import { DEV_PHRASE } from '../../src/crypto/keys.js';
import { generateMnemonic, miniSecretFromMnemonic, validateMnemonic } from '../../src/crypto/mnemonic.js';

// subkey's documented example ("subkey inspect" in the Substrate docs).
const SUBKEY_PHRASE = 'caution juice atom organ advance problem want pledge someone senior holiday very';

function mnemonicError(phrase: string): TaoError {
  try {
    validateMnemonic(phrase);
  } catch (e) {
    expect(e).toBeInstanceOf(TaoError);
    const err = e as TaoError;
    expect(err.code).toBe('E_BAD_MNEMONIC');
    expect(err.exitCode).toBe(ExitCode.usage);
    for (const word of phrase.split(' ')) if (word.length > 3) expect(err.message).not.toContain(word);
    return err;
  }
  throw new Error('expected validateMnemonic to throw');
}

describe('mnemonic', () => {
  it('derives the published mini-secrets (substrate-bip39, over the entropy)', () => {
    expect(toHex(miniSecretFromMnemonic(SUBKEY_PHRASE))).toBe(
      '0xc8fa03532fb22ee1f7f6908b9c02b4e72483f0dbd66e4cd456b8f34c6230b849',
    );
    expect(toHex(miniSecretFromMnemonic(DEV_PHRASE))).toBe(
      '0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e',
    );
  });

  it('mixes the passphrase into the salt', () => {
    const plain = miniSecretFromMnemonic(SUBKEY_PHRASE);
    const withPass = miniSecretFromMnemonic(SUBKEY_PHRASE, 'Trezor');
    expect(withPass).toHaveLength(32);
    expect(toHex(withPass)).not.toBe(toHex(plain));
  });

  it('tolerates extra whitespace and upper case, which do not change the words', () => {
    const messy = `  ${SUBKEY_PHRASE.toUpperCase().replaceAll(' ', '   ')}\n`;
    expect(toHex(miniSecretFromMnemonic(messy))).toBe(toHex(miniSecretFromMnemonic(SUBKEY_PHRASE)));
  });

  it.each([12, 15, 18, 21, 24] as const)('generates valid %i-word mnemonics', (n) => {
    const phrase = generateMnemonic(n);
    expect(phrase.split(' ')).toHaveLength(n);
    expect(() => validateMnemonic(phrase)).not.toThrow();
    expect(generateMnemonic(n)).not.toBe(phrase);
  });

  it('generates 12 words by default', () => {
    expect(generateMnemonic().split(' ')).toHaveLength(12);
  });

  it('rejects 11 and 13 words, saying how many it got', () => {
    const words = SUBKEY_PHRASE.split(' ');
    expect(mnemonicError(words.slice(0, 11).join(' ')).message).toContain('this one has 11');
    expect(mnemonicError([...words, 'abandon'].join(' ')).message).toContain('this one has 13');
    expect(mnemonicError('').message).toContain('this one has 0');
  });

  it('rejects an unknown word by position without echoing it', () => {
    const words = SUBKEY_PHRASE.split(' ');
    words[4] = 'advancx';
    const err = mnemonicError(words.join(' '));
    expect(err.message).toContain('word 5 of 12');
    expect(err.message).not.toContain('advancx');
  });

  it('rejects a bad checksum (valid words in the wrong order)', () => {
    const words = SUBKEY_PHRASE.split(' ');
    [words[0], words[1]] = [words[1]!, words[0]!];
    expect(mnemonicError(words.join(' ')).message).toContain('checksum');
    expect(() => miniSecretFromMnemonic(words.join(' '))).toThrow(/checksum/);
  });
});
