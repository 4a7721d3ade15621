/**
 * ONNX graph generators for the §3.7 task (docs/pruning.md): the neighbour flavours and the validator's join.
 *
 * Neighbours all have the classifier signature `x float32 [B, 32] → probs float32 [B, 10]`:
 * - `good(b)`: Bayes posterior on block b, softmax(x_b·μ_bᵀ/σ² − ‖μ_{c,b}‖²/(2σ²)) (the −‖x_b‖²/(2σ²) term
 *   is the same for every class and cancels in the softmax).
 * - `noisy(b, τ)`: good(b)'s logits + N(0, τ²) noise, renormalised. The noise comes from ONNX
 *   `RandomNormalLike` with a fixed `seed` attribute, so the model keeps the plain classifier signature
 *   (it can be served and loaded like any other). onnxruntime seeds one generator per session: a session's
 *   noise sequence is reproducible, and successive runs draw fresh noise. τ = 0 generates no noise node.
 * - `adversarial(b)`: good(b) with classes permuted, q(c) = post_b((c − 1) mod C).
 * - `lazy`: the uniform distribution (ConstantOfShape 1/C).
 * - `random`: a uniformly random simplex point per row (normalised −log U, U ~ RandomUniformLike(seed)).
 * - `copycat(target)`: not a graph of its own: in the peer runtime it relays the target's answers
 *   (see relay.ts); in-process it is the target's graph.
 *
 * The join (docs/pruning.md §3.1/§3.2.5) has inputs `x [B,32]` (unused while gates are per-neighbour
 * constants), `Fn [K,B,C]` (clipped neighbour log-probs), `m [M,K]` (masks), `theta [K]` (gate parameters)
 * and, in the `ownLogits` variant, `u [B,C]`. It computes in float64:
 *   a = softplus(θ) (stable form: relu(θ) + log(1 + exp(−|θ|)));  z_m = u + Σ_j m_j a_j f_j;  logp = log_softmax(z)
 * and outputs `logp float64 [M,B,C]` and `a float64 [K]`: one session.run evaluates all M masks.
 * float64 keeps removal of a neighbour that adds a per-row constant (lazy) exact to ~1e-15.
 */
import { BLOCK_SIZE, CLASSES, FEATURES, makePrototypes, SIGMA } from '../task/blocked-gaussian.js';
import { DType, GraphBuilder, tensor } from './onnx-builder.js';

export type NeighbourSpec =
  | { kind: 'good'; block: number; protoSeed?: number }
  | { kind: 'noisy'; block: number; tau: number; seed: number; protoSeed?: number }
  | { kind: 'adversarial'; block: number; protoSeed?: number }
  | { kind: 'lazy' }
  | { kind: 'random'; seed: number }
  | { kind: 'copycat'; target: NeighbourSpec };

export interface JoinSpec {
  kind: 'join';
  /** Adds the `u [B,C]` own-logits input (peer started with --model). */
  ownLogits: boolean;
}

export type ModelSpec = NeighbourSpec | JoinSpec;

/** Bump when any generator's output changes: it is part of the cache hash. */
export const GENERATOR_VERSION = 1;

function checkBlock(block: number): void {
  if (!Number.isInteger(block) || block < 0 || block >= FEATURES / BLOCK_SIZE)
    throw new RangeError(`block must be 0..${FEATURES / BLOCK_SIZE - 1}, got ${block}`);
}

/** Adds the block-b Bayes logits [B, C] for input `x` to the graph. */
function blockLogits(g: GraphBuilder, x: string, block: number, protoSeed: number): string {
  checkBlock(block);
  const mu = makePrototypes(protoSeed);
  const lo = block * BLOCK_SIZE;
  const w = new Float32Array(BLOCK_SIZE * CLASSES); // [8, C] = μ_bᵀ / σ²
  const bias = new Float32Array(CLASSES);
  for (let c = 0; c < CLASSES; c++) {
    let n2 = 0;
    for (let d = 0; d < BLOCK_SIZE; d++) {
      const v = mu[c * FEATURES + lo + d]!;
      w[d * CLASSES + c] = v / (SIGMA * SIGMA);
      n2 += v * v;
    }
    bias[c] = -n2 / (2 * SIGMA * SIGMA);
  }
  const starts = g.const('starts', DType.int64, [1], [lo]);
  const ends = g.const('ends', DType.int64, [1], [lo + BLOCK_SIZE]);
  const axes = g.const('axes', DType.int64, [1], [1]);
  const xb = g.op('Slice', [x, starts, ends, axes]);
  const prod = g.op('MatMul', [xb, g.const('w', DType.float, [BLOCK_SIZE, CLASSES], w)]);
  return g.op('Add', [prod, g.const('bias', DType.float, [CLASSES], bias)]);
}

function classifier(): GraphBuilder {
  const g = new GraphBuilder();
  g.input('x', DType.float, ['B', FEATURES]);
  g.output('probs', DType.float, ['B', CLASSES]);
  return g;
}

export function describeSpec(spec: ModelSpec): string {
  switch (spec.kind) {
    case 'good':
      return `good(b=${spec.block})`;
    case 'noisy':
      return `noisy(b=${spec.block}, tau=${spec.tau})`;
    case 'adversarial':
      return `adversarial(b=${spec.block})`;
    case 'lazy':
      return 'lazy';
    case 'random':
      return 'random';
    case 'copycat':
      return `copycat(${describeSpec(spec.target)})`;
    case 'join':
      return spec.ownLogits ? 'join(u)' : 'join';
  }
}

/** Generates the ONNX bytes of a neighbour model (copycat: its target's graph, an in-process relay). */
export function neighbourGraph(spec: NeighbourSpec): Uint8Array {
  const doc = `tao neighbour ${describeSpec(spec)}: x float32 [B,${FEATURES}] -> probs float32 [B,${CLASSES}]`;
  const meta = { 'tao.spec': JSON.stringify(spec), 'tao.generator': String(GENERATOR_VERSION) };
  switch (spec.kind) {
    case 'good': {
      const g = classifier();
      g.op('Softmax', [blockLogits(g, 'x', spec.block, spec.protoSeed ?? 0)], { axis: 1 }, 'probs');
      return g.build('good', doc, meta);
    }
    case 'noisy': {
      if (!(spec.tau >= 0)) throw new RangeError(`noise tau must be ≥ 0, got ${spec.tau}`);
      const g = classifier();
      const logits = blockLogits(g, 'x', spec.block, spec.protoSeed ?? 0);
      // τ = 0 has no noise node: onnxruntime aborts the process on RandomNormalLike with scale 0.
      const noisy =
        spec.tau === 0
          ? logits
          : g.op('Add', [
              logits,
              g.op('RandomNormalLike', [logits], {
                dtype: DType.float,
                mean: 0,
                scale: spec.tau,
                seed: spec.seed,
              }),
            ]);
      g.op('Softmax', [noisy], { axis: 1 }, 'probs');
      return g.build('noisy', doc, meta);
    }
    case 'adversarial': {
      const g = classifier();
      const post = g.op('Softmax', [blockLogits(g, 'x', spec.block, spec.protoSeed ?? 0)], { axis: 1 });
      const perm = Array.from({ length: CLASSES }, (_, c) => (c + CLASSES - 1) % CLASSES);
      g.op('Gather', [post, g.const('perm', DType.int64, [CLASSES], perm)], { axis: 1 }, 'probs');
      return g.build('adversarial', doc, meta);
    }
    case 'lazy': {
      const g = classifier();
      const shape = g.op('Shape', ['x']);
      const rows = g.op('Slice', [
        shape,
        g.const('s', DType.int64, [1], [0]),
        g.const('e', DType.int64, [1], [1]),
        g.const('a', DType.int64, [1], [0]),
      ]);
      const outShape = g.op('Concat', [rows, g.const('c', DType.int64, [1], [CLASSES])], { axis: 0 });
      g.op(
        'ConstantOfShape',
        [outShape],
        { value: { tensor: tensor('v', DType.float, [1], [1 / CLASSES]) } },
        'probs',
      );
      return g.build('lazy', doc, meta);
    }
    case 'random': {
      const g = classifier();
      const like = g.op('Slice', [
        'x',
        g.const('s', DType.int64, [1], [0]),
        g.const('e', DType.int64, [1], [CLASSES]),
        g.const('a', DType.int64, [1], [1]),
      ]);
      const u = g.op('RandomUniformLike', [like], {
        dtype: DType.float,
        low: 1e-7,
        high: 1,
        seed: spec.seed,
      });
      const e = g.op('Neg', [g.op('Log', [u])]);
      const s = g.op('ReduceSum', [e, g.const('ax', DType.int64, [1], [1])], { keepdims: 1 });
      g.op('Div', [e, s], {}, 'probs');
      return g.build('random', doc, meta);
    }
    case 'copycat':
      return neighbourGraph(spec.target);
  }
}

/** Generates the validator's join graph (see the module comment). */
export function joinGraph(spec: JoinSpec): Uint8Array {
  const g = new GraphBuilder();
  g.input('x', DType.float, ['B', FEATURES]);
  g.input('Fn', DType.float, ['K', 'B', CLASSES]);
  g.input('m', DType.float, ['M', 'K']);
  g.input('theta', DType.float, ['K']);
  if (spec.ownLogits) g.input('u', DType.float, ['B', CLASSES]);
  g.output('logp', DType.double, ['M', 'B', CLASSES]);
  g.output('a', DType.double, ['K']);

  const th = g.op('Cast', ['theta'], { to: DType.double });
  const one = g.const('one', DType.double, [], [1]);
  const tail = g.op('Log', [g.op('Add', [one, g.op('Exp', [g.op('Neg', [g.op('Abs', [th])])])])]);
  const a = g.op('Add', [g.op('Relu', [th]), tail], {}, 'a');

  const f = g.op('Cast', ['Fn'], { to: DType.double });
  const aCol = g.op('Reshape', [a, g.const('k11', DType.int64, [3], [-1, 1, 1])]);
  const af = g.op('Mul', [f, aCol]); // [K,B,C]
  const af2 = g.op('Reshape', [af, g.const('k_bc', DType.int64, [2], [0, -1])]); // [K, B·C]
  const zFlat = g.op('MatMul', [g.op('Cast', ['m'], { to: DType.double }), af2]); // [M, B·C]
  const bc = g.op('Slice', [
    g.op('Shape', ['Fn']),
    g.const('s', DType.int64, [1], [1]),
    g.const('e', DType.int64, [1], [3]),
    g.const('ax', DType.int64, [1], [0]),
  ]);
  const mbc = g.op('Concat', [g.const('m1', DType.int64, [1], [-1]), bc], { axis: 0 });
  let z = g.op('Reshape', [zFlat, mbc]); // [M,B,C]
  if (spec.ownLogits) z = g.op('Add', [z, g.op('Cast', ['u'], { to: DType.double })]);
  g.op('LogSoftmax', [z], { axis: 2 }, 'logp');
  const doc =
    'tao join (pruning.md §3.1): a = softplus(theta); z_m = u + sum_j m_j a_j Fn_j; logp = log_softmax(z), float64';
  return g.build('join', doc, {
    'tao.spec': JSON.stringify(spec),
    'tao.generator': String(GENERATOR_VERSION),
  });
}

export function modelGraph(spec: ModelSpec): Uint8Array {
  return spec.kind === 'join' ? joinGraph(spec) : neighbourGraph(spec);
}
