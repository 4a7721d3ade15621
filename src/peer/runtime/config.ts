/**
 * The peer's configuration (docs/peer-contract.md): the flags of `tao peer run` / `tao peer start`, validated
 * into a typed record, and the model spec each flavour serves. Pure: no I/O, so it is unit-tested directly.
 */
import { usageError } from '../../core/errors.js';
import type { NeighbourSpec } from '../model/graphs.js';
import type { DeviceRequest } from '../model/session.js';
import { DEFAULT_MAX_NEIGHBOURS } from '../scoring/subset.js';
import { fnv1a64 } from '../task/prng.js';

export const FLAVOURS = [
  'good',
  'noisy',
  'copycat',
  'adversarial',
  'lazy',
  'random',
  'validator',
  'own',
] as const;
export type Flavour = (typeof FLAVOURS)[number];

/** Flavours that run the scoring loop and set weights. */
export const isScoring = (f: Flavour): boolean => f === 'validator' || f === 'own';

export const DEFAULT_PORT = 8091;
export const DEFAULT_BATCH = 256;
export const DEFAULT_ROUND_MS = 2000;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface PeerConfig {
  name: string;
  flavour: Flavour;
  netuid: number;
  host: string;
  port: number;
  /** Feature block for good/noisy/adversarial (and the validator's served good model). */
  block: number;
  /** Noise scale of a noisy neighbour. */
  tau: number;
  /** Copycat: the name of the peer whose answers it relays. */
  copyOf: string | null;
  /** A user's classifier: served instead of the generated model (validator/own: also its own logits u). */
  model: string | null;
  device: DeviceRequest;
  /** Validation items per scoring round. */
  batch: number;
  /** Pause between scoring rounds. */
  roundMs: number;
  /**
   * Neighbours queried per round (k). With more neighbours than k, each round queries a random k and
   * scores leave-one-out inside it: the scores become semivalues (docs/pruning.md §3.2.6).
   */
  maxNeighbours: number;
}

/** Raw string flags as commander hands them over. */
export interface PeerFlags {
  netuid?: string;
  flavour?: string;
  port?: string;
  host?: string;
  name?: string;
  block?: string;
  tau?: string;
  copyOf?: string;
  model?: string;
  device?: string;
  batch?: string;
  roundMs?: string;
  maxNeighbours?: string;
}

function int(value: string | undefined, flag: string, min: number, max: number, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw usageError('E_BAD_FLAG', `--${flag} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw usageError('E_BAD_FLAG', `--${flag} must be an integer in ${min}..${max}, got '${value}'`);
  return Number(value);
}

export function validName(name: string): string {
  if (!NAME_RE.test(name))
    throw usageError(
      'E_BAD_FLAG',
      `peer name '${name}' is not valid`,
      'use letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)',
    );
  return name;
}

/** Validates the flags; throws a usage error (exit 2) that names the bad flag. */
export function parsePeerFlags(flags: PeerFlags): PeerConfig {
  const flavour = (flags.flavour ?? 'validator') as Flavour;
  if (!FLAVOURS.includes(flavour))
    throw usageError(
      'E_BAD_FLAG',
      `unknown flavour '${flags.flavour}'`,
      `use one of: ${FLAVOURS.join(', ')}`,
    );
  const device = (flags.device ?? 'auto') as DeviceRequest;
  if (device !== 'auto' && device !== 'cpu' && device !== 'cuda')
    throw usageError('E_BAD_FLAG', `--device must be auto, cpu or cuda, got '${flags.device}'`);
  let tau = 1;
  if (flags.tau !== undefined) {
    tau = Number(flags.tau);
    if (flags.tau.trim() === '' || !Number.isFinite(tau) || tau < 0 || tau > 100)
      throw usageError('E_BAD_FLAG', `--tau must be a number in 0..100, got '${flags.tau}'`);
  }
  if (flavour === 'copycat' && !flags.copyOf)
    throw usageError('E_BAD_FLAG', 'a copycat needs --copy-of NAME (the peer whose answers it relays)');
  if (flavour !== 'copycat' && flags.copyOf)
    throw usageError('E_BAD_FLAG', '--copy-of only applies to --flavour copycat');
  const host = flags.host ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw usageError('E_BAD_FLAG', `--host '${host}' is not an address`);
  return {
    name: validName(flags.name ?? 'default'),
    flavour,
    netuid: int(flags.netuid, 'netuid', 0, 65535),
    host,
    port: int(flags.port, 'port', 1, 65535, DEFAULT_PORT),
    block: int(flags.block, 'block', 0, 3, 0),
    tau,
    copyOf: flags.copyOf ? validName(flags.copyOf) : null,
    model: flags.model ?? null,
    device,
    batch: int(flags.batch, 'batch', 8, 1024, DEFAULT_BATCH),
    roundMs: int(flags.roundMs, 'round-ms', 0, 3_600_000, DEFAULT_ROUND_MS),
    maxNeighbours: int(flags.maxNeighbours, 'max-neighbours', 1, 65535, DEFAULT_MAX_NEIGHBOURS),
  };
}

/** The config back as `tao peer run` flags (what the supervisor runs). */
export function peerRunArgs(c: PeerConfig): string[] {
  const args = [
    '--netuid',
    String(c.netuid),
    '--flavour',
    c.flavour,
    '--port',
    String(c.port),
    '--host',
    c.host,
    '--name',
    c.name,
    '--block',
    String(c.block),
    '--tau',
    String(c.tau),
    '--device',
    c.device,
    '--batch',
    String(c.batch),
    '--round-ms',
    String(c.roundMs),
    '--max-neighbours',
    String(c.maxNeighbours),
  ];
  if (c.copyOf) args.push('--copy-of', c.copyOf);
  if (c.model) args.push('--model', c.model);
  return args;
}

/** A small per-name seed for the noisy/random generators (ONNX stores seeds as floats). */
export function nameSeed(name: string): number {
  return Number(fnv1a64(`tao-peer/${name}`) % 1_000_003n);
}

/**
 * The generated model a flavour serves (null for a copycat, which relays another peer). Validators serve
 * a `good` model on their block.
 */
export function servedSpec(c: PeerConfig): NeighbourSpec | null {
  switch (c.flavour) {
    case 'good':
    case 'validator':
    case 'own':
      return { kind: 'good', block: c.block };
    case 'noisy':
      return { kind: 'noisy', block: c.block, tau: c.tau, seed: nameSeed(c.name) };
    case 'adversarial':
      return { kind: 'adversarial', block: c.block };
    case 'lazy':
      return { kind: 'lazy' };
    case 'random':
      return { kind: 'random', seed: nameSeed(c.name) };
    case 'copycat':
      return null;
  }
}

/** The address announced with serve_axon: a wildcard bind is announced as loopback. */
export function announcedIp(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
