/** Exact reads out of @polkadot/api codecs: integers as bigint (never through a JS number), bytes as text. */
import type { Codec } from '@polkadot/types/types';

type Struct = { get(name: string): Codec | undefined };

export function field(struct: unknown, name: string): Codec {
  const value = (struct as Struct).get(name);
  if (value === undefined) throw new Error(`runtime value has no field '${name}'`);
  return value;
}

/** An unsigned integer codec (u16/u64/Compact) as bigint. */
export const big = (codec: Codec): bigint => BigInt(codec.toString());

export const num = (codec: Codec): number => Number(codec.toString());

export const bigField = (struct: unknown, name: string): bigint => big(field(struct, name));
export const numField = (struct: unknown, name: string): number => num(field(struct, name));
export const textField = (struct: unknown, name: string): string => field(struct, name).toString();

/** A Vec<u8> / Vec<Compact<u8>> of UTF-8 (subnet names and symbols). */
export function bytesText(codec: Codec): string {
  const values = (codec as unknown as Iterable<Codec>) ?? [];
  const bytes = Uint8Array.from(Array.from(values, (c) => Number(c.toString())));
  return new TextDecoder().decode(bytes);
}

/** Fixed-point `{bits}` (U64F64, I96F32…) to a decimal string with `decimals` places, exactly. */
export function fixedToDecimal(bits: bigint, fractionalBits: number, decimals = 9): string {
  const scale = 10n ** BigInt(decimals);
  const scaled = (bits * scale) >> BigInt(fractionalBits);
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(decimals, '0');
  return `${whole}.${frac}`;
}
