/**
 * The peer's per-neighbour gates a_j = softplus(θ_j) (docs/pruning.md §3.1) and their training on the peer's
 * own training split: minimise the mean cross-entropy of p = softmax(u + Σ_j a_j f_j) by Adam on θ with the
 * closed-form gradient ∂L/∂θ_j = σ(θ_j) · mean_n (p_n − e_{y_n})·f_{j,n} (onnxruntime-node has no autograd).
 */
import { CLASSES } from '../task/blocked-gaussian.js';

/** softplus in the same stable form as the join graph: relu(t) + log(1 + exp(−|t|)). */
export const softplus = (t: number): number => Math.max(t, 0) + Math.log(1 + Math.exp(-Math.abs(t)));
const sigmoid = (t: number): number => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

/** θ giving a = 1 (uniform gates). */
export const THETA_UNIFORM = Math.fround(Math.log(Math.E - 1));

export function uniformTheta(K: number): Float32Array {
  return new Float32Array(K).fill(THETA_UNIFORM);
}

export function gatesOf(theta: Float32Array): Float64Array {
  return Float64Array.from(theta, softplus);
}

export interface GateTraining {
  theta: Float32Array;
  gates: Float64Array;
  /** Mean cross-entropy (nats) at the start and at the end. */
  lossBefore: number;
  lossAfter: number;
  steps: number;
}

export interface GateTrainingOptions {
  steps?: number;
  learningRate?: number;
  /** Starting point (default: a = 1 for all). */
  theta0?: Float32Array;
  /** Own logits u [N,C] (peer with --model). */
  u?: Float32Array;
}

/** Loss and gradient w.r.t. a for gates `a` on F [K,N,C] (clipped log-probs), labels y. */
function lossAndGrad(
  F: Float32Array,
  y: Int32Array,
  K: number,
  N: number,
  a: Float64Array,
  u?: Float32Array,
) {
  const NC = N * CLASSES;
  const z = new Float64Array(NC);
  if (u) z.set(u);
  for (let j = 0; j < K; j++) {
    const aj = a[j]!;
    const off = j * NC;
    for (let i = 0; i < NC; i++) z[i] = z[i]! + aj * F[off + i]!;
  }
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const o = n * CLASSES;
    let max = -Infinity;
    for (let c = 0; c < CLASSES; c++) if (z[o + c]! > max) max = z[o + c]!;
    let sum = 0;
    for (let c = 0; c < CLASSES; c++) {
      const e = Math.exp(z[o + c]! - max);
      z[o + c] = e;
      sum += e;
    }
    const yn = y[n]!;
    loss -= Math.log(z[o + yn]! / sum);
    for (let c = 0; c < CLASSES; c++) z[o + c] = z[o + c]! / sum;
    z[o + yn] = z[o + yn]! - 1; // p − e_y
  }
  const grad = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    const off = j * NC;
    let g = 0;
    for (let i = 0; i < NC; i++) g += z[i]! * F[off + i]!;
    grad[j] = g / N;
  }
  return { loss: loss / N, grad };
}

/** Trains θ by Adam (default 300 steps, lr 0.05). F are the neighbours' clipped log-probs on the split. */
export function trainGates(
  F: Float32Array,
  y: Int32Array,
  K: number,
  N: number,
  options: GateTrainingOptions = {},
): GateTraining {
  const steps = adamSteps(F, y, K, N, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `trainGates`, giving the event loop a turn whenever a slice of `sliceMs` has run: at K = 256, N = 1,024
 * the whole fit takes seconds, and the peer's axon and dendrite share this thread. Same result exactly.
 */
export async function trainGatesYielding(
  F: Float32Array,
  y: Int32Array,
  K: number,
  N: number,
  options: GateTrainingOptions = {},
  sliceMs = 10,
): Promise<GateTraining> {
  const steps = adamSteps(F, y, K, N, options);
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** The Adam fit, one step per `next()`; returns the result when done. */
function* adamSteps(
  F: Float32Array,
  y: Int32Array,
  K: number,
  N: number,
  options: GateTrainingOptions,
): Generator<void, GateTraining> {
  if (F.length !== K * N * CLASSES || y.length !== N) throw new RangeError('training data shape mismatch');
  const steps = options.steps ?? 300;
  const lr = options.learningRate ?? 0.05;
  const theta = Float64Array.from(options.theta0 ?? uniformTheta(K));
  const m = new Float64Array(K);
  const v = new Float64Array(K);
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  let lossBefore = Number.NaN;
  for (let t = 1; t <= steps; t++) {
    const a = Float64Array.from(theta, softplus);
    const { loss, grad } = lossAndGrad(F, y, K, N, a, options.u);
    if (t === 1) lossBefore = loss;
    for (let j = 0; j < K; j++) {
      const g = grad[j]! * sigmoid(theta[j]!);
      m[j] = b1 * m[j]! + (1 - b1) * g;
      v[j] = b2 * v[j]! + (1 - b2) * g * g;
      const mh = m[j]! / (1 - b1 ** t);
      const vh = v[j]! / (1 - b2 ** t);
      theta[j] = theta[j]! - (lr * mh) / (Math.sqrt(vh) + eps);
    }
    yield;
  }
  const theta32 = Float32Array.from(theta);
  const gates = gatesOf(theta32);
  const lossAfter = lossAndGrad(F, y, K, N, gates, options.u).loss;
  return { theta: theta32, gates, lossBefore: steps > 0 ? lossBefore : lossAfter, lossAfter, steps };
}
