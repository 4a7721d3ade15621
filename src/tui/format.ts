/** Pure text formatting for the console: amounts (exact, from bigint rao), u16 fractions, ages, padding. */
import { formatTao, RAO_PER_TAO } from '../core/amount.js';

/** `rao` as TAO with exactly `decimals` decimals, truncated (never rounded up, never via floats). */
export function taoFixed(rao: bigint, decimals: number): string {
  const whole = rao / RAO_PER_TAO;
  if (decimals <= 0) return whole.toString();
  const frac = (rao % RAO_PER_TAO).toString().padStart(9, '0').slice(0, decimals);
  return `${whole}.${frac}`;
}

/** Full-precision TAO for dialogs: "1.500000000 τ". */
export const taoFull = (rao: bigint, unit = 'τ'): string => `${formatTao(rao)} ${unit}`;

/** A u16 ranking value (0..65535) as a fraction with 4 decimals: "0.5000". */
export function u16Fraction(value: number): string {
  const scaled = Math.round((value * 10000) / 65535);
  return `${Math.floor(scaled / 10000)}.${String(scaled % 10000).padStart(4, '0')}`;
}

/** First and last characters of an address: "5F3sa…xJ9k". */
export function shortAddress(address: string, width = 10): string {
  if (address.length <= width) return address;
  const keep = Math.max(2, width - 1);
  const head = Math.ceil(keep / 2);
  return `${address.slice(0, head)}…${address.slice(address.length - (keep - head))}`;
}

/** "3s", "4m 05s", "2h 10m", "3d 4h". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Pads or cuts `text` to exactly `width` cells (ellipsis when cut). */
export function fitText(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length > width) return width === 1 ? '…' : `${chars.slice(0, width - 1).join('')}…`;
  const pad = ' '.repeat(width - chars.length);
  return align === 'right' ? pad + text : text + pad;
}

/** Replaces the unicode ellipsis/arrows with ASCII when the terminal cannot show them. */
export function asciiOnly(text: string): string {
  return text
    .replace(/…/g, '~')
    .replace(/τ/g, 'TAO')
    .replace(/[▲↑]/g, '^')
    .replace(/[▼↓]/g, 'v')
    .replace(/●/g, '*')
    .replace(/[─━]/g, '-')
    .replace(/[│┃]/g, '|')
    .replace(/[┌┐└┘├┤┬┴┼╭╮╰╯]/g, '+')
    .replace(/[^\x20-\x7e\n]/g, '?');
}
