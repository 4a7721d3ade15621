/**
 * The exact leave-one-out ablation score of one round (docs/pruning.md §3.2): responses → clipped log-probs
 * F [K,B,C] → one join run over the stacked masks M = K+1 (row 0 = all valid neighbours, row j+1 = the same
 * without j) → per neighbour ŝ_j = mean_b Δℓ_j(x_b), SE_j = sd_b(Δℓ_j)/√B and the accuracy decline.
 * Invalid/missing responses are removed in every pass (m_j = 0), so their ŝ_j = 0. The TypeScript closed
 * form z_{−j} = z − a_j f_j (`closedFormLogProbs`) computes the same log-probs without onnxruntime.
 */
import { CLASSES } from '../task/blocked-gaussian.js';
import { checkResponse, writeClippedLogProbs } from './responses.js';

export interface RoundInput {
  /** Validation items. */
  B: number;
  x: Float32Array;
  y: Int32Array;
  /** One response per neighbour (validation rows only, [B,C]); null = did not respond. */
  responses: readonly (ArrayLike<number> | null | undefined)[];
  theta: Float32Array;
  /** Own logits [B,C] when the peer has its own model. */
  u?: Float32Array;
}

export interface PreparedRound {
  B: number;
  K: number;
  /** Clipped log-probs [K,B,C]; zeros for invalid neighbours. */
  F: Float32Array;
  valid: boolean[];
  reasons: (string | null)[];
  /** Stacked masks [(K+1), K]. */
  masks: Float32Array;
}

export function prepareRound(input: RoundInput): PreparedRound {
  const { B } = input;
  const K = input.responses.length;
  if (input.x.length !== B * 32 || input.y.length !== B)
    throw new RangeError('validation batch shape mismatch');
  if (input.theta.length !== K)
    throw new RangeError(`theta has ${input.theta.length} gates for ${K} neighbours`);
  const F = new Float32Array(K * B * CLASSES);
  const valid: boolean[] = [];
  const reasons: (string | null)[] = [];
  input.responses.forEach((r, j) => {
    const check = checkResponse(r, B);
    valid.push(check.ok);
    reasons.push(check.ok ? null : check.reason);
    if (check.ok) writeClippedLogProbs(r!, F, j * B * CLASSES);
  });
  const masks = new Float32Array((K + 1) * K);
  for (let row = 0; row <= K; row++)
    for (let j = 0; j < K; j++) masks[row * K + j] = valid[j] && row !== j + 1 ? 1 : 0;
  return { B, K, F, valid, reasons, masks };
}

/** log-softmax of z [C] in place (float64). */
function logSoftmaxInPlace(z: Float64Array, off: number): void {
  let max = -Infinity;
  for (let c = 0; c < CLASSES; c++) if (z[off + c]! > max) max = z[off + c]!;
  let sum = 0;
  for (let c = 0; c < CLASSES; c++) sum += Math.exp(z[off + c]! - max);
  const lse = max + Math.log(sum);
  for (let c = 0; c < CLASSES; c++) z[off + c] = z[off + c]! - lse;
}

/** TypeScript closed form of the stacked join: log-probs [(K+1),B,C] with z_{−j} = z − a_j f_j. */
export function closedFormLogProbs(round: PreparedRound, a: Float64Array, u?: Float32Array): Float64Array {
  const { B, K, F, valid } = round;
  const BC = B * CLASSES;
  const out = new Float64Array((K + 1) * BC);
  for (let i = 0; i < BC; i++) out[i] = u ? u[i]! : 0;
  for (let j = 0; j < K; j++) {
    if (!valid[j]) continue;
    const aj = a[j]!;
    for (let i = 0; i < BC; i++) out[i] = out[i]! + aj * F[j * BC + i]!;
  }
  for (let j = 0; j < K; j++) {
    const off = (j + 1) * BC;
    const aj = valid[j] ? a[j]! : 0;
    for (let i = 0; i < BC; i++) out[off + i] = out[i]! - aj * F[j * BC + i]!;
  }
  for (let row = 0; row <= K; row++)
    for (let b = 0; b < B; b++) logSoftmaxInPlace(out, row * BC + b * CLASSES);
  return out;
}

export interface NeighbourRoundScore {
  /** ŝ_j: mean loss increase when j is removed (nats; > 0 = helps). 0 for invalid neighbours. */
  score: number;
  /** SE_j = sd_b(Δℓ_j) / √B. */
  se: number;
  /** acc(all) − acc(without j), in steps of 1/B. */
  accDecline: number;
  valid: boolean;
  reason: string | null;
  /** a_j = softplus(θ_j). */
  gate: number;
}

export interface RoundScores {
  B: number;
  K: number;
  /** Cross-entropy and accuracy of the full join (m = valid). */
  lossAll: number;
  accAll: number;
  neighbours: NeighbourRoundScore[];
}

const argmax = (v: Float64Array, off: number) => {
  let best = 0;
  for (let c = 1; c < CLASSES; c++) if (v[off + c]! > v[off + best]!) best = c;
  return best;
};

/** Leave-one-out statistics from the stacked log-probs [(K+1),B,C]. */
export function scoresFromLogProbs(
  round: PreparedRound,
  logp: Float64Array,
  y: Int32Array,
  a: Float64Array,
): RoundScores {
  const { B, K, valid, reasons } = round;
  const BC = B * CLASSES;
  if (logp.length !== (K + 1) * BC) throw new RangeError('log-probs shape mismatch');
  let lossAll = 0;
  let hitsAll = 0;
  for (let b = 0; b < B; b++) {
    lossAll -= logp[b * CLASSES + y[b]!]!;
    if (argmax(logp, b * CLASSES) === y[b]) hitsAll++;
  }
  const neighbours: NeighbourRoundScore[] = [];
  for (let j = 0; j < K; j++) {
    const gate = a[j]!;
    if (!valid[j]) {
      neighbours.push({ score: 0, se: 0, accDecline: 0, valid: false, reason: reasons[j] ?? null, gate });
      continue;
    }
    const off = (j + 1) * BC;
    let sum = 0;
    let sumSq = 0;
    let hits = 0;
    for (let b = 0; b < B; b++) {
      const yb = y[b]!;
      const d = logp[b * CLASSES + yb]! - logp[off + b * CLASSES + yb]!; // ℓ(without j) − ℓ(all)
      sum += d;
      sumSq += d * d;
      if (argmax(logp, off + b * CLASSES) === yb) hits++;
    }
    const mean = sum / B;
    const variance = B > 1 ? Math.max(sumSq - B * mean * mean, 0) / (B - 1) : 0;
    neighbours.push({
      score: mean,
      se: Math.sqrt(variance / B),
      accDecline: (hitsAll - hits) / B,
      valid: true,
      reason: null,
      gate,
    });
  }
  return { B, K, lossAll: lossAll / B, accAll: hitsAll / B, neighbours };
}

/** Per-example Δℓ_j(x_b) = ℓ(without j) − ℓ(all) [B] (for paired comparisons between rounds/configs). */
export function removalDeltas(
  round: PreparedRound,
  logp: Float64Array,
  y: Int32Array,
  j: number,
): Float64Array {
  const { B } = round;
  const out = new Float64Array(B);
  if (!round.valid[j]) return out;
  const off = (j + 1) * B * CLASSES;
  for (let b = 0; b < B; b++) out[b] = logp[b * CLASSES + y[b]!]! - logp[off + b * CLASSES + y[b]!]!;
  return out;
}

/** The join as scoring needs it (session.ts `JoinModel` satisfies this). */
export interface JoinRunner {
  run(feeds: {
    B: number;
    K: number;
    M: number;
    x: Float32Array;
    F: Float32Array;
    m: Float32Array;
    theta: Float32Array;
    u?: Float32Array;
  }): Promise<{ logp: Float64Array; a: Float64Array }>;
}

/** One scoring round: validate, one stacked-mask join run, leave-one-out statistics. */
export async function scoreRound(
  input: RoundInput,
  join: JoinRunner,
): Promise<RoundScores & { prepared: PreparedRound; logp: Float64Array; a: Float64Array }> {
  const prepared = prepareRound(input);
  const { logp, a } = await join.run({
    B: input.B,
    K: prepared.K,
    M: prepared.K + 1,
    x: input.x,
    F: prepared.F,
    m: prepared.masks,
    theta: input.theta,
    ...(input.u ? { u: input.u } : {}),
  });
  return { ...scoresFromLogProbs(prepared, logp, input.y, a), prepared, logp, a };
}
