/**
 * The one check of an account address that a person typed, for the CLI's flags (tx-flow.ts checkAddress)
 * and the console's dialogs (TxDialog): the full SS58 decode of ss58.ts (base58, length, checksum, tao's
 * prefix 42), so a mistyped character is caught before anything is signed. The input is quoted back only
 * when it looks like an address (ss58.ts), so a pasted secret is never echoed.
 */
import { isTaoError, usageError } from '../core/errors.js';
import { decodeAddress } from './ss58.js';

/** What is wrong with `text` as the address `what` (a flag or a field label), or null when it is one. */
export function addressProblem(text: string, what: string): string | null {
  const address = text.trim();
  if (address === '') return `${what} is required`;
  try {
    decodeAddress(address);
    return null;
  } catch (error) {
    if (isTaoError(error)) return `${what} is not a valid SS58 address: ${error.message}`;
    throw error;
  }
}

/** The address (trimmed), or E_BAD_ADDRESS (exit 2) saying what is wrong. */
export function checkAddress(text: string, what: string): string {
  const problem = addressProblem(text, what);
  if (problem !== null) throw usageError('E_BAD_ADDRESS', problem);
  return text.trim();
}
