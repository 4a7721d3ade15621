/**
 * Weights as the ledger stores them: a row of u16 with its max scaled to 65535, computed exactly like
 * subtensor's `vec_max_upscale_to_u16` in I32F32 fixed point (docs/yuma.md §6), so what the CLI or the peer
 * sends is already what the chain would store. Also parsing of `--uids` / `--weights` lists.
 */
import { usageError } from '../core/errors.js';

const FRAC = 32n;
const ONE = 1n << FRAC;
const I32F32_MAX = (1n << 63n) - 1n;
const U16_MAX = 65535n;

/** I32F32 `saturating_mul` (non-negative operands: floor). */
const mul = (a: bigint, b: bigint): bigint => {
  const r = (a * b) >> FRAC;
  return r > I32F32_MAX ? I32F32_MAX : r;
};
/** substrate `safe_div`: truncating, x / 0 = 0. */
const div = (a: bigint, b: bigint): bigint => {
  if (b === 0n) return 0n;
  const r = (a << FRAC) / b;
  return r > I32F32_MAX ? I32F32_MAX : r;
};
/** fixed's `round` (half away from zero) then `to_num::<u16>` saturating. */
const roundToU16 = (x: bigint): number => {
  const r = (x + (ONE >> 1n)) >> FRAC;
  return Number(r > U16_MAX ? U16_MAX : r < 0n ? 0n : r);
};
const floorToU16 = (x: bigint): number => {
  const r = x >> FRAC;
  return Number(r > U16_MAX ? U16_MAX : r < 0n ? 0n : r);
};

/** subtensor `vec_max_upscale_to_u16` over I32F32 bit patterns. */
export function vecMaxUpscaleToU16Fixed(values: readonly bigint[]): number[] {
  const u16Max = U16_MAX << FRAC;
  const threshold = 32768n << FRAC;
  let max = 0n;
  for (const v of values) if (v > max) max = v;
  if (max === 0n) return values.map((v) => floorToU16(mul(v, u16Max)));
  if (max > threshold) {
    const ratio = div(u16Max, max);
    return values.map((v) => roundToU16(mul(v, ratio)));
  }
  return values.map((v) => roundToU16(div(mul(v, u16Max), max)));
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A non-negative decimal string or number → I32F32 bits (nearest). Exit 2 on anything else. */
export function toFixed(value: string | number, what = 'weight'): bigint {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw usageError('E_BAD_WEIGHTS', `${what} ${value} is not a non-negative number`);
    const bits = BigInt(Math.round(value * 2 ** 32));
    if (bits > I32F32_MAX) throw usageError('E_BAD_WEIGHTS', `${what} ${value} is too large`);
    return bits;
  }
  const m = DECIMAL.exec(value.trim());
  if (!m) {
    throw usageError(
      'E_BAD_WEIGHTS',
      `malformed ${what} '${value}': expected a non-negative decimal like 0.7`,
    );
  }
  const frac = m[2] ?? '';
  const scale = 10n ** BigInt(frac.length);
  const num = BigInt(m[1]! + frac);
  const bits = (num * ONE * 2n + scale) / (2n * scale); // round half up
  if (bits > I32F32_MAX) throw usageError('E_BAD_WEIGHTS', `${what} '${value}' is too large`);
  return bits;
}

/** Weights (decimal strings or numbers, any scale) → the u16 row the ledger stores. */
export function normalizeWeights(values: readonly (string | number)[]): number[] {
  return vecMaxUpscaleToU16Fixed(values.map((v, i) => toFixed(v, `weight #${i + 1}`)));
}

function splitList(text: string, what: string): string[] {
  const parts = text.split(',').map((p) => p.trim());
  if (text.trim() === '' || parts.some((p) => p === '')) {
    throw usageError(
      'E_BAD_WEIGHTS',
      `malformed ${what} '${text}': expected a comma-separated list like 0,3`,
    );
  }
  return parts;
}

/** `--uids 0,3` → [0, 3]: distinct integers 0..65535. */
export function parseUids(text: string): number[] {
  const uids = splitList(text, '--uids').map((p) => {
    if (!/^\d+$/.test(p) || Number(p) > 65535) {
      throw usageError('E_BAD_WEIGHTS', `malformed uid '${p}' in --uids: expected an integer 0..65535`);
    }
    return Number(p);
  });
  const seen = new Set<number>();
  for (const uid of uids) {
    if (seen.has(uid)) throw usageError('E_BAD_WEIGHTS', `uid ${uid} appears twice in --uids`);
    seen.add(uid);
  }
  return uids;
}

/** `--uids` and `--weights` together → the call's `uids` and u16 `weights`. */
export function parseWeightRow(uidsText: string, weightsText: string): { uids: number[]; weights: number[] } {
  const uids = parseUids(uidsText);
  const raw = splitList(weightsText, '--weights');
  if (raw.length !== uids.length) {
    throw usageError(
      'E_BAD_WEIGHTS',
      `--uids has ${uids.length} entries but --weights has ${raw.length}: give one weight per uid`,
    );
  }
  const weights = normalizeWeights(raw);
  if (weights.every((w) => w === 0))
    throw usageError('E_BAD_WEIGHTS', 'at least one weight must be positive');
  return { uids, weights };
}
