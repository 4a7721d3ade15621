/**
 * One Yuma epoch (docs/yuma.md §3), chain (`epoch_mechanism`, sparse) or dense (`epoch_dense_mechanism`)
 * semantics, bit-exact. Weights and bonds stay sparse: cost follows the entries, not n².
 */
import { computeBonds, type FixedCsr } from './bonds.js';
import { div, mul, normalizeStake, ONE, propToU16, ratioU16, toRao } from './fixed.js';
import { isTopkNonzero, normalize, weightedMedianColSparse } from './math.js';
import { scratchF64, scratchI32, scratchU8 } from './scratch.js';
import { type Semantics, type SparseRows, type SparseU16, toSparseU16 } from './sparse.js';

export interface YumaParams {
  kappa: number;
  bondsPenalty: number;
  bondsMovingAverage: number;
  liquidAlphaEnabled: boolean;
  alphaLow: number;
  alphaHigh: number;
  alphaSigmoidSteepness: number;
  yuma3Enabled: boolean;
  maxAllowedValidators: number;
  stakeThreshold: bigint | number;
  tempo: number;
  activityCutoff: number;
  lastMechanismStepBlock: number;
  ownerUid: number | null;
  raoEmission: bigint | number;
}

/** The reference's defaults (runtime defaults; legacy Yuma, 128 validators, 1 TAO per epoch). */
export const DEFAULT_YUMA_PARAMS: Readonly<YumaParams> = Object.freeze({
  kappa: 32767,
  bondsPenalty: 65535,
  bondsMovingAverage: 900000,
  liquidAlphaEnabled: false,
  alphaLow: 45875,
  alphaHigh: 58982,
  alphaSigmoidSteepness: 1000,
  yuma3Enabled: false,
  maxAllowedValidators: 128,
  stakeThreshold: 0n,
  tempo: 360,
  activityCutoff: 5000,
  lastMechanismStepBlock: 0,
  ownerUid: null,
  raoEmission: 1_000_000_000n,
});

/** What a subnet created by `register_network` runs (`init_new_network`): Yuma3 on, 64 validators. */
export const NEW_SUBNET_PARAMS: Readonly<YumaParams> = Object.freeze({
  ...DEFAULT_YUMA_PARAMS,
  yuma3Enabled: true,
  maxAllowedValidators: 64,
});

export interface EpochInputs {
  n: number;
  currentBlock: number;
  stake: readonly (bigint | number)[];
  weights: SparseRows | SparseU16;
  bonds: SparseRows | SparseU16;
  validatorPermits: readonly boolean[];
  lastUpdate: readonly number[];
  blockAtRegistration: readonly number[];
  params?: Partial<YumaParams>;
}

/** I32F32 raw bits (value × 2^32), exact integers. */
export interface FixedOutputs {
  stake: Float64Array;
  activeStake: Float64Array;
  consensus: Float64Array;
  incentive: Float64Array;
  dividends: Float64Array;
  validatorTrust: Float64Array;
  normalizedServerEmission: Float64Array;
  normalizedValidatorEmission: Float64Array;
  normalizedCombinedEmission: Float64Array;
}

export interface EpochOutputs {
  active: boolean[];
  newValidatorPermits: boolean[];
  stakeWeightU16: number[];
  consensusU16: number[];
  incentiveU16: number[];
  dividendsU16: number[];
  validatorTrustU16: number[];
  serverEmission: bigint[];
  validatorEmission: bigint[];
  emission: bigint[];
  bonds: SparseU16;
  fixed: FixedOutputs;
}

const isU = (v: unknown, max: number): boolean =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;

/** The parameters with defaults filled in and ranges checked (RangeError on a bad one). */
export function resolveParams(partial: Partial<YumaParams> = {}): YumaParams {
  const p: YumaParams = { ...DEFAULT_YUMA_PARAMS };
  for (const [k, v] of Object.entries(partial))
    if (v !== undefined) (p as unknown as Record<string, unknown>)[k] = v;
  const bad = (name: string, want: string): never => {
    throw new RangeError(`parameter ${name} must be ${want}`);
  };
  for (const k of ['kappa', 'bondsPenalty', 'alphaLow', 'alphaHigh'] as const) {
    if (!isU(p[k], 65535)) bad(k, 'a u16 (0..65535)');
  }
  if (!Number.isInteger(p.alphaSigmoidSteepness) || Math.abs(p.alphaSigmoidSteepness + 0.5) > 32768) {
    bad('alphaSigmoidSteepness', 'an i16');
  }
  for (const k of ['bondsMovingAverage', 'maxAllowedValidators', 'tempo', 'activityCutoff'] as const) {
    if (!isU(p[k], Number.MAX_SAFE_INTEGER)) bad(k, 'a non-negative integer');
  }
  if (!isU(p.lastMechanismStepBlock, Number.MAX_SAFE_INTEGER))
    bad('lastMechanismStepBlock', 'a block number');
  if (p.ownerUid !== null && !isU(p.ownerUid, Number.MAX_SAFE_INTEGER)) bad('ownerUid', 'a uid or null');
  for (const k of ['stakeThreshold', 'raoEmission'] as const) {
    const v = p[k];
    if (typeof v === 'number' ? !isU(v, Number.MAX_SAFE_INTEGER) : v < 0n || v >= 1n << 64n)
      bad(k, 'a u64 rao');
  }
  return p;
}

function blocks(xs: readonly number[], n: number, what: string): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n && i < xs.length; i++) {
    const v = xs[i]!;
    if (!isU(v, Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what}[${i}] must be a block number`);
    out[i] = v;
  }
  return out;
}

function stakes(xs: readonly (bigint | number)[], n: number): bigint[] {
  if (xs.length < n) throw new RangeError(`stake must have n = ${n} entries`);
  const out: bigint[] = new Array(n);
  let total = 0n;
  for (let i = 0; i < n; i++) {
    const v = xs[i]!;
    if (typeof v === 'number' && !isU(v, Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(`stake[${i}] must be a non-negative integer (rao)`);
    }
    const b = BigInt(v);
    if (b < 0n) throw new RangeError(`stake[${i}] must be a non-negative integer (rao)`);
    out[i] = b;
    total += b;
  }
  if (total >= 1n << 63n) throw new RangeError('total stake must be below 2^63 rao');
  return out;
}

/** Runs one epoch. Pure: the inputs are not modified. */
export function runEpoch(inputs: EpochInputs, options: { semantics?: Semantics } = {}): EpochOutputs {
  const chain = (options.semantics ?? 'chain') === 'chain';
  const p = resolveParams(inputs.params);
  const n = inputs.n;
  if (!isU(n, 1 << 24)) throw new RangeError('n must be a non-negative integer');
  const cb = inputs.currentBlock;
  if (!isU(cb, Number.MAX_SAFE_INTEGER)) throw new RangeError('currentBlock must be a block number');
  const lu = blocks(inputs.lastUpdate, n, 'lastUpdate');
  const bar = blocks(inputs.blockAtRegistration, n, 'blockAtRegistration');
  const weightsIn = toSparseU16(inputs.weights, n, 'weights');
  const bondsIn = toSparseU16(inputs.bonds, n, 'bonds');
  const owner = p.ownerUid;

  // §3.1 activity and masks
  const active = new Array<boolean>(n);
  for (let i = 0; i < n; i++) active[i] = !(lu[i]! + p.activityCutoff < cb);
  const lms = p.lastMechanismStepBlock;
  const lastTempo = lms === 0 ? Math.max(cb - p.tempo, 0) : lms + 1;
  const recently = new Uint8Array(n);
  for (let j = 0; j < n; j++) recently[j] = lastTempo <= bar[j]! ? 1 : 0;

  // §3.2 stake
  const raw = stakes(inputs.stake, n);
  const threshold = BigInt(p.stakeThreshold);
  const filtered = raw.map((s, i) => (s < threshold && !(chain && owner === i) ? 0n : s));
  const S = normalizeStake(filtered);

  // §3.3 validator permits
  const permits = inputs.validatorPermits.slice();
  if (chain && owner !== null && owner < permits.length) permits[owner] = true;
  const newPermits = isTopkNonzero(S, p.maxAllowedValidators);
  if (chain && owner !== null && owner < n) newPermits[owner] = true;

  // §3.4 active stake
  const A0 = Float64Array.from(S);
  for (let i = 0; i < n; i++) {
    if (!active[i]) A0[i] = 0;
    else if (permits.length > 0 && !permitted(permits, i)) A0[i] = 0; // an empty mask returns early (§8)
  }
  const A = normalize(A0);

  // §3.5 weights: masked, row-normalised (raw u16 << 32 ⊘ row sum = floor(w·2^32 / Σw))
  const W = maskWeights(weightsIn, n, permits, lu, bar, chain ? owner : null);

  // §3.6 consensus
  const C = weightedMedianColSparse(W, A, n, ratioU16(p.kappa));

  // §3.7 clipping, validator trust, incentive
  const clipped = scratchF64('clipped', W.val.length);
  const clipKept = scratchU8('clipKept', W.val.length);
  const trust = new Float64Array(n);
  const R = new Float64Array(n);
  clip(W, A, C, clipped, clipKept, trust, R);
  const I = normalize(R);

  // §3.8 bonds penalty: W̃ = interpolate(W, W̄, β)
  const beta = ratioU16(p.bondsPenalty);
  let wtVal: Float64Array;
  let wtPresent: Uint8Array;
  if (beta === 0) {
    wtVal = W.val;
    wtPresent = scratchU8('wtPresent', W.val.length).fill(1);
  } else if (beta === ONE) {
    wtVal = clipped;
    wtPresent = clipKept;
  } else {
    wtVal = scratchF64('wtVal', W.val.length);
    wtPresent = scratchU8('wtPresent', W.val.length);
    for (let e = 0; e < W.val.length; e++) {
      const w = W.val[e]!;
      const v = w + mul(beta, clipped[e]! - w);
      wtVal[e] = v;
      wtPresent[e] = v > 0 ? 1 : 0;
    }
  }
  const { dividends: D, store } = computeBonds({
    n,
    wt: { ptr: W.ptr, col: W.col, val: wtVal },
    wtPresent,
    bonds: bondsIn,
    recently,
    consensus: C,
    incentive: I,
    activeStake: A,
    chain,
    yuma3: p.yuma3Enabled,
    liquidAlpha: p.liquidAlphaEnabled,
    bondsMovingAverage: p.bondsMovingAverage,
    alphaLow: ratioU16(p.alphaLow),
    alphaHigh: ratioU16(p.alphaHigh),
    steepness: p.alphaSigmoidSteepness,
  });

  // §3.9 emission split and fallback
  const combined = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    combined[i] = I[i]! + D[i]!;
    total += combined[i]!;
  }
  const serverN = Float64Array.from(I);
  let validatorN = Float64Array.from(D);
  if (total !== 0) {
    for (let i = 0; i < n; i++) {
      serverN[i] = div(I[i]!, total);
      validatorN[i] = div(D[i]!, total);
    }
  }
  let combinedN = normalize(combined);
  if (total === 0) {
    let sumA = 0;
    for (let i = 0; i < n; i++) sumA += A[i]!;
    const src = sumA === 0 ? S : A;
    validatorN = Float64Array.from(src);
    combinedN = Float64Array.from(src);
  }
  const rao = BigInt(p.raoEmission);

  // §3.10 persisted outputs
  const bonds = storeBonds(store, bondsIn, n, newPermits, permits, chain);
  return {
    active,
    newValidatorPermits: newPermits,
    stakeWeightU16: u16s(S),
    consensusU16: u16s(C),
    incentiveU16: u16s(I),
    dividendsU16: u16s(D),
    validatorTrustU16: u16s(trust),
    serverEmission: raos(serverN, rao),
    validatorEmission: raos(validatorN, rao),
    emission: raos(combinedN, rao),
    bonds,
    fixed: {
      stake: S,
      activeStake: A,
      consensus: C,
      incentive: I,
      dividends: D,
      validatorTrust: trust,
      normalizedServerEmission: serverN,
      normalizedValidatorEmission: validatorN,
      normalizedCombinedEmission: combinedN,
    },
  };
}

/**
 * Weights clipped at consensus (w > c → c, or dropped when c ≤ 0) into `clipped`/`kept`; per row the
 * clipped sum (validator trust), per column Σ_i A_i ⊗ clipped_ij (the ranks R).
 */
function clip(
  W: FixedCsr,
  A: Float64Array,
  C: Float64Array,
  clipped: Float64Array,
  kept: Uint8Array,
  trust: Float64Array,
  R: Float64Array,
): void {
  const { ptr, col, val } = W;
  const n = ptr.length - 1;
  for (let i = 0; i < n; i++) {
    const a = A[i]!;
    let t = 0;
    const end = ptr[i + 1]!;
    for (let e = ptr[i]!; e < end; e++) {
      const j = col[e]!;
      const w = val[e]!;
      const c = C[j]!;
      let v = w;
      let k = 1;
      if (w > c) {
        if (c <= 0) {
          v = 0;
          k = 0;
        } else v = c;
      }
      clipped[e] = v;
      kept[e] = k;
      t += v;
      if (a !== 0 && v !== 0) R[j] = R[j]! + mul(a, v);
    }
    trust[i] = t;
  }
}

const u16s = (x: Float64Array): number[] => Array.from(x, propToU16);
const raos = (x: Float64Array, rao: bigint): bigint[] => Array.from(x, (v) => toRao(v, rao));

/** Whether uid i holds a permit in the previous epoch's mask (shorter than n: the rest hold none). */
const permitted = (permits: readonly boolean[], i: number): boolean =>
  i < permits.length && permits[i] === true;

// The entry loops below live in functions that end with the loop (…Into, returning the entry count): a
// cold process compiles a hot loop mid-run (on-stack replacement), and code after the loop in the same
// function would throw that compiled code away on leaving the loop.

function maskWeights(
  w: SparseU16,
  n: number,
  permits: readonly boolean[],
  lu: Float64Array,
  bar: Float64Array,
  keepDiagOf: number | null,
): FixedCsr {
  const ptr = new Int32Array(n + 1);
  const col = scratchI32('wCol', w.col.length);
  const val = scratchF64('wVal', w.col.length);
  const k = maskedInto(w, n, permits, lu, bar, keepDiagOf ?? -1, ptr, col, val);
  ptr[n] = k;
  return { ptr, col: col.subarray(0, k), val: val.subarray(0, k) };
}

/** Rows of permitted validators, own weight and outdated entries dropped, row-normalised. */
function maskedInto(
  w: SparseU16,
  n: number,
  permits: readonly boolean[],
  lu: Float64Array,
  bar: Float64Array,
  keepDiagOf: number,
  ptr: Int32Array,
  col: Int32Array,
  val: Float64Array,
): number {
  let k = 0;
  for (let i = 0; i < n; i++) {
    ptr[i] = k;
    if (!permitted(permits, i)) continue;
    const start = k;
    const l = lu[i]!;
    let rowSum = 0;
    for (let e = w.ptr[i]!; e < w.ptr[i + 1]!; e++) {
      const j = w.col[e]!;
      if (j === i && keepDiagOf !== i) continue;
      if (l <= bar[j]!) continue; // outdated: set before j (re)registered
      col[k] = j;
      val[k] = w.val[e]!;
      rowSum += w.val[e]!;
      k++;
    }
    if (rowSum > 0) for (let e = start; e < k; e++) val[e] = Math.floor((val[e]! * ONE) / rowSum);
  }
  return k;
}

function storeBonds(
  store: FixedCsr,
  old: SparseU16,
  n: number,
  newPermits: boolean[],
  permits: readonly boolean[],
  chain: boolean,
): SparseU16 {
  const ptr = new Int32Array(n + 1);
  let cap = 0;
  for (let i = 0; i < n; i++) {
    if (newPermits[i]) cap += store.ptr[i + 1]! - store.ptr[i]!;
    else if (!chain && !permitted(permits, i)) cap += old.ptr[i + 1]! - old.ptr[i]!;
  }
  const col = new Int32Array(cap);
  const val = new Uint16Array(cap);
  const k = storedInto(store, old, n, newPermits, permits, chain, ptr, col, val);
  ptr[n] = k;
  return { ptr, col: col.subarray(0, k), val: val.subarray(0, k) };
}

/** The rows to store: new permit holders' EMA as u16 (zeros dropped); dense keeps others' old rows. */
function storedInto(
  store: FixedCsr,
  old: SparseU16,
  n: number,
  newPermits: boolean[],
  permits: readonly boolean[],
  chain: boolean,
  ptr: Int32Array,
  col: Int32Array,
  val: Uint16Array,
): number {
  let k = 0;
  for (let i = 0; i < n; i++) {
    ptr[i] = k;
    if (newPermits[i]) {
      for (let e = store.ptr[i]!; e < store.ptr[i + 1]!; e++) {
        const u = propToU16(store.val[e]!);
        if (u > 0) {
          col[k] = store.col[e]!;
          val[k] = u;
          k++;
        }
      }
    } else if (!chain && !permitted(permits, i)) {
      for (let e = old.ptr[i]!; e < old.ptr[i + 1]!; e++) {
        if (old.val[e]! === 0) continue;
        col[k] = old.col[e]!;
        val[k] = old.val[e]!;
        k++;
      }
    }
  }
  return k;
}
