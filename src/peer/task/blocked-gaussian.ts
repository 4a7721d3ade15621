/**
 * The "blocked Gaussian prototypes" task of docs/pruning.md §3.7: C = 10 classes, D = 32 features in 4 blocks
 * of 8, prototypes μ_c ~ N(0, I_D) from a fixed public seed, samples x = μ_y + σ·ε with σ = 1.6, y uniform.
 * Everything is generated from seeds (prng.ts); nothing is downloaded. The prototypes are public (every
 * neighbour model is built from them); a validator's batches come from its own private seed.
 */
import { randomBytes } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Rng, type Seed, seedToBigInt } from './prng.js';

export const CLASSES = 10;
export const FEATURES = 32;
export const BLOCKS = 4;
export const BLOCK_SIZE = FEATURES / BLOCKS;
export const SIGMA = 1.6;
/** The fixed public seed of the prototypes (the numpy reference used default_rng(0)). */
export const PROTOTYPE_SEED = 0;

export interface Batch {
  /** Rows. */
  B: number;
  /** Row-major features, B × FEATURES. */
  x: Float32Array;
  /** Labels in [0, CLASSES). */
  y: Int32Array;
}

const protoCache = new Map<bigint, Float32Array>();

/** Prototypes μ [C × D] (row-major, float32), drawn class by class, feature by feature from N(0, 1). */
export function makePrototypes(seed: Seed = PROTOTYPE_SEED): Float32Array {
  const key = seedToBigInt(seed);
  const cached = protoCache.get(key);
  if (cached) return cached;
  const rng = new Rng(key);
  const mu = new Float32Array(CLASSES * FEATURES);
  for (let i = 0; i < mu.length; i++) mu[i] = rng.normal();
  protoCache.set(key, mu);
  return mu;
}

/** B samples: y uniform, then x = μ_y + σ·ε (ε drawn feature by feature after the label). */
export function sampleBatch(rng: Rng, B: number, prototypes: Float32Array = makePrototypes()): Batch {
  if (!Number.isInteger(B) || B <= 0) throw new RangeError(`batch size must be a positive integer, got ${B}`);
  const x = new Float32Array(B * FEATURES);
  const y = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const c = rng.int(CLASSES);
    y[b] = c;
    for (let d = 0; d < FEATURES; d++)
      x[b * FEATURES + d] = prototypes[c * FEATURES + d]! + SIGMA * rng.normal();
  }
  return { B, x, y };
}

/**
 * Reference (TypeScript, float64) Bayes log-posterior on one block:
 * log softmax_c(−‖x_b − μ_{c,b}‖² / (2σ²)), [B × C]. The ONNX `good(b)` graph computes the same in float32.
 */
export function blockLogPosterior(
  x: Float32Array,
  B: number,
  block: number,
  prototypes: Float32Array = makePrototypes(),
): Float64Array {
  const out = new Float64Array(B * CLASSES);
  const lo = block * BLOCK_SIZE;
  for (let b = 0; b < B; b++) {
    let max = -Infinity;
    for (let c = 0; c < CLASSES; c++) {
      let d2 = 0;
      for (let d = lo; d < lo + BLOCK_SIZE; d++) {
        const diff = x[b * FEATURES + d]! - prototypes[c * FEATURES + d]!;
        d2 += diff * diff;
      }
      const v = -d2 / (2 * SIGMA * SIGMA);
      out[b * CLASSES + c] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let c = 0; c < CLASSES; c++) sum += Math.exp(out[b * CLASSES + c]! - max);
    const lse = max + Math.log(sum);
    for (let c = 0; c < CLASSES; c++) out[b * CLASSES + c] = out[b * CLASSES + c]! - lse;
  }
  return out;
}

/** A private validation seed (64 random bits); never sent to neighbours. */
export function randomValidationSeed(): bigint {
  return randomBytes(8).readBigUInt64LE(0);
}

/** Short public fingerprint of a batch seed for round logs (blake2b-256, first 16 hex chars). */
export function seedHash(seed: Seed): string {
  const buf = new Uint8Array(8);
  new DataView(buf.buffer).setBigUint64(0, seedToBigInt(seed), true);
  return bytesToHex(blake2b(buf, { dkLen: 32 })).slice(0, 16);
}
