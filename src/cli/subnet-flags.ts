/**
 * The flags of `tao subnet …` that other commands share (`--netuid` in weights and stake too): each parser
 * takes the text as typed and exits 2 with its own code when it is malformed.
 */
import { usageError } from '../core/errors.js';
import { isAxonIp } from '../core/ip.js';
import type { GlobalOptions } from './context.js';
import { requireValue } from './tx-flow.js';

/** `--netuid` → 0..65535 (exit 2 otherwise). */
export function parseNetuid(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) > 65535)
    throw usageError('E_BAD_NETUID', `malformed --netuid '${text}': expected an integer 0..65535`);
  return Number(text);
}

/** A required `--netuid`: prompted for on a terminal, exit 2 when missing or malformed. */
export async function requireNetuid(globals: GlobalOptions, text: string | undefined): Promise<number> {
  return parseNetuid(await requireValue(globals, text, '--netuid', 'Subnet netuid'));
}

/** `--port` → 1..65535 (exit 2 otherwise). */
export function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) < 1 || Number(text) > 65535)
    throw usageError('E_BAD_PORT', `--port must be an integer 1..65535, got '${text}'`);
  return Number(text);
}

/** `--ip` → an IPv4 or IPv6 address as given (exit 2 otherwise): the ledger's own rule (src/core/ip.ts). */
export async function parseIp(text: string): Promise<string> {
  const ip = text.trim();
  if (!isAxonIp(ip)) throw usageError('E_BAD_IP', `--ip must be an IPv4 or IPv6 address, got '${text}'`);
  return ip;
}

/** `--protocol` → 0..255 (default 4, as the ledger). */
export function parseProtocol(text: string | undefined): number {
  if (text === undefined) return 4;
  if (!/^\d{1,3}$/.test(text.trim()) || Number(text) > 255)
    throw usageError('E_BAD_PROTOCOL', `--protocol must be an integer 0..255, got '${text}'`);
  return Number(text);
}
