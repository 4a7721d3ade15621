/**
 * BIP39 English mnemonics and substrate-bip39 seed derivation: the mini-secret is
 * PBKDF2-HMAC-SHA512 over the mnemonic's *entropy* (not the phrase), salt "mnemonic" + passphrase,
 * 2048 rounds, first 32 bytes — what polkadot.js, subkey and btcli compute. Errors never echo the phrase.
 */
import { pbkdf2Sync } from 'node:crypto';
import { generateMnemonic as bip39Generate, mnemonicToEntropy } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { usageError } from '../core/errors.js';

export type MnemonicLength = 12 | 15 | 18 | 21 | 24;
export const MNEMONIC_LENGTHS: readonly number[] = [12, 15, 18, 21, 24];
const WORDS = new Set(wordlist);

const badMnemonic = (message: string) =>
  usageError('E_BAD_MNEMONIC', message, 'check the words against your backup, in order, separated by spaces');

export function generateMnemonic(words: MnemonicLength = 12): string {
  if (!MNEMONIC_LENGTHS.includes(words))
    throw new RangeError(`a mnemonic has 12, 15, 18, 21 or 24 words, not ${words}`);
  return bip39Generate(wordlist, (words / 3) * 32);
}

/** Lower-cases, NFKD-normalises and joins the words with single spaces. */
export function normalizeMnemonic(phrase: string): string {
  return phrase.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ');
}

/** Throws E_BAD_MNEMONIC (exit 2) on a wrong word count, an unknown word (by position) or a bad checksum. */
export function validateMnemonic(phrase: string): void {
  mnemonicEntropy(phrase);
}

function mnemonicEntropy(phrase: string): Uint8Array {
  const normalized = normalizeMnemonic(phrase);
  const words = normalized === '' ? [] : normalized.split(' ');
  if (!MNEMONIC_LENGTHS.includes(words.length))
    throw badMnemonic(`a mnemonic has 12, 15, 18, 21 or 24 words; this one has ${words.length}`);
  const unknown = words.findIndex((w) => !WORDS.has(w));
  if (unknown >= 0)
    throw badMnemonic(`word ${unknown + 1} of ${words.length} is not in the BIP39 English word list`);
  try {
    return mnemonicToEntropy(normalized, wordlist);
  } catch {
    throw badMnemonic('the mnemonic checksum does not match: a word is wrong or the words are out of order');
  }
}

/** The 32-byte mini-secret (sr25519 seed / ed25519 seed) of a mnemonic, substrate-bip39 style. */
export function miniSecretFromMnemonic(phrase: string, passphrase = ''): Uint8Array {
  const entropy = mnemonicEntropy(phrase);
  const salt = Buffer.from(`mnemonic${passphrase}`, 'utf8');
  const seed = pbkdf2Sync(entropy, salt, 2048, 64, 'sha512');
  const mini = new Uint8Array(seed.subarray(0, 32));
  seed.fill(0);
  entropy.fill(0);
  return mini;
}
