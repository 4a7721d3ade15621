/**
 * The on-disk cache of generated ONNX models under `$TAO_HOME/models/` (the caller passes the directory).
 * A model file is named `<name>.<hash>.onnx`, where hash = blake2b(canonical JSON of the generator
 * parameters + GENERATOR_VERSION). A missing file is generated; when the parameters (or the generator)
 * change, the hash changes, the new file is written and stale `<name>.*.onnx` siblings are removed.
 * Writes are atomic (temp file + rename), so a crash never leaves a truncated model behind.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { GENERATOR_VERSION, type ModelSpec, modelGraph } from './graphs.js';

export interface CachedModel {
  /** Absolute path of the .onnx file. */
  path: string;
  /** Cache key: 16 hex chars of the generator-parameter hash. */
  hash: string;
  /** True when this call (re)generated the file. */
  generated: boolean;
}

/** Copycats relay their target: the cache stores the target's graph. */
function resolveSpec(spec: ModelSpec): ModelSpec {
  return spec.kind === 'copycat' ? resolveSpec(spec.target) : spec;
}

/** A short, file-name-safe name for a spec (without the hash). */
export function modelName(spec: ModelSpec): string {
  const s = resolveSpec(spec);
  switch (s.kind) {
    case 'good':
    case 'adversarial':
      return `${s.kind}-b${s.block}`;
    case 'noisy':
      return `noisy-b${s.block}-t${s.tau}-s${s.seed}`;
    case 'lazy':
      return 'lazy';
    case 'random':
      return `random-s${s.seed}`;
    case 'join':
      return s.ownLogits ? 'join-u' : 'join';
    case 'copycat':
      throw new Error('unreachable');
  }
}

/** JSON with sorted keys (numbers as JSON writes them), so equal parameters hash equally. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function specHash(spec: ModelSpec): string {
  const body = stableJson({ generator: GENERATOR_VERSION, spec: resolveSpec(spec) });
  return bytesToHex(blake2b(new TextEncoder().encode(body), { dkLen: 32 })).slice(0, 16);
}

/** Returns the cached model file for `spec`, generating it when missing or stale. */
export function ensureModel(dir: string, spec: ModelSpec): CachedModel {
  const name = modelName(spec);
  const hash = specHash(spec);
  const path = join(dir, `${name}.${hash}.onnx`);
  let exists = false;
  try {
    exists = statSync(path).size > 0;
  } catch {
    exists = false;
  }
  if (exists) return { path, hash, generated: false };
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, modelGraph(resolveSpec(spec)));
  renameSync(tmp, path);
  for (const f of readdirSync(dir)) {
    if (f !== `${name}.${hash}.onnx` && /\.[0-9a-f]{16}\.onnx$/.test(f) && f.slice(0, -22) === name)
      rmSync(join(dir, f), { force: true });
  }
  return { path, hash, generated: true };
}
