/**
 * Money is exact: amounts are bigint rao (1 TAO = 10^9 rao). Decimal strings in and out, never floats.
 */
import { usageError } from './errors.js';

export const RAO_PER_TAO = 1_000_000_000n;
export const TAO_DECIMALS = 9;
export const MAX_RAO = (1n << 64n) - 1n;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Parses a user-given TAO amount ("1", "0.5", "0.000000001") into rao; exit 2 on anything else. */
export function parseTao(input: string, what = 'amount'): bigint {
  const text = input.trim();
  const match = DECIMAL.exec(text);
  if (!match) {
    throw usageError(
      'E_BAD_AMOUNT',
      `malformed ${what} '${input}': expected a plain positive decimal like 1 or 0.5 (no sign, no exponent)`,
    );
  }
  const whole = match[1]!;
  const frac = match[2] ?? '';
  if (frac.length > TAO_DECIMALS) {
    throw usageError(
      'E_BAD_AMOUNT',
      `${what} '${input}' has more than ${TAO_DECIMALS} decimals (1 rao = 0.000000001 TAO)`,
    );
  }
  const rao = BigInt(whole) * RAO_PER_TAO + BigInt(frac.padEnd(TAO_DECIMALS, '0') || '0');
  if (rao === 0n) throw usageError('E_BAD_AMOUNT', `${what} must be positive`);
  if (rao > MAX_RAO)
    throw usageError('E_BAD_AMOUNT', `${what} '${input}' is too large (must be below 2^64 rao)`);
  return rao;
}

/** Formats rao as a TAO decimal string with exactly 9 decimals ("1.500000000"). */
export function formatTao(rao: bigint): string {
  const negative = rao < 0n;
  const abs = negative ? -rao : rao;
  const whole = abs / RAO_PER_TAO;
  const frac = (abs % RAO_PER_TAO).toString().padStart(TAO_DECIMALS, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

/** For people: trailing zeros trimmed and a unit ("1.5 τ"). */
export function formatTaoShort(rao: bigint, unit = 'τ'): string {
  const full = formatTao(rao);
  const trimmed = full.replace(/0+$/, '').replace(/\.$/, '');
  return `${trimmed} ${unit}`;
}

/** Parses a rao amount carried as a decimal integer string (RPC wire format). */
export function parseRao(text: string): bigint {
  if (!/^\d+$/.test(text)) throw usageError('E_BAD_AMOUNT', `malformed rao amount '${text}'`);
  const rao = BigInt(text);
  if (rao > MAX_RAO) throw usageError('E_BAD_AMOUNT', `rao amount '${text}' is too large`);
  return rao;
}
