/**
 * onnxruntime-node sessions for the peer: device selection (`--device auto|cpu|cuda`), GPU status from
 * nvidia-smi, `--model` signature validation, and thin typed wrappers for a classifier and the join.
 * onnxruntime is imported lazily (dynamic import) so CLI paths that never run a model do not load it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { ExitCode, TaoError, usageError } from '../../core/errors.js';
import { CLASSES, FEATURES } from '../task/blocked-gaussian.js';

export type DeviceRequest = 'auto' | 'cpu' | 'cuda';
export type Device = 'cpu' | 'cuda';

export interface GpuStatus {
  name: string;
  memoryTotalMiB: number;
  memoryUsedMiB: number;
  utilizationPct: number;
}

export interface DeviceChoice {
  requested: DeviceRequest;
  device: Device;
  /** Why this device: shown by `tao peer status` and logged at start. */
  reason: string;
  gpus: GpuStatus[] | null;
}

let ortPromise: Promise<typeof Ort> | null = null;
/** The onnxruntime-node module, imported on first use. */
export function loadOrt(): Promise<typeof Ort> {
  ortPromise ??= import('onnxruntime-node');
  return ortPromise;
}

/** Parses `nvidia-smi --query-gpu=name,memory.total,memory.used,utilization.gpu --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(text: string): GpuStatus[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => {
      const [name = '', total = '', used = '', util = ''] = l.split(',').map((s) => s.trim());
      const num = (s: string) => (Number.isFinite(Number(s)) && s !== '' ? Number(s) : Number.NaN);
      return { name, memoryTotalMiB: num(total), memoryUsedMiB: num(used), utilizationPct: num(util) };
    });
}

/** GPU status from nvidia-smi, or null when nvidia-smi is not present or fails. */
export function gpuStatus(smi = 'nvidia-smi'): Promise<GpuStatus[] | null> {
  return new Promise((resolve) => {
    execFile(
      smi,
      ['--query-gpu=name,memory.total,memory.used,utilization.gpu', '--format=csv,noheader,nounits'],
      { timeout: 5000 },
      (err, stdout) => {
        if (err) return resolve(null);
        const gpus = parseNvidiaSmi(String(stdout));
        resolve(gpus.length > 0 ? gpus : null);
      },
    );
  });
}

/** Path of onnxruntime's CUDA provider library if this onnxruntime-node install has one, else null. */
export function cudaProviderLibrary(): string | null {
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    const dir = join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
    const lib =
      process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
    const path = join(dir, lib);
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

export interface DeviceProbe {
  gpus: () => Promise<GpuStatus[] | null>;
  cudaProvider: () => string | null;
}

export const systemProbe: DeviceProbe = { gpus: () => gpuStatus(), cudaProvider: cudaProviderLibrary };

/**
 * Chooses the device. `auto`: CUDA when a GPU and onnxruntime's CUDA provider are both present, else CPU
 * with the reason. `cuda`: the same checks, but a missing piece is a usage error (exit 2). `cpu`: CPU.
 * (Whether the CUDA provider actually loads — driver, cuDNN — is checked when a session is created.)
 */
export async function resolveDevice(
  requested: DeviceRequest,
  probe: DeviceProbe = systemProbe,
): Promise<DeviceChoice> {
  if (requested !== 'auto' && requested !== 'cpu' && requested !== 'cuda')
    throw usageError('E_DEVICE', `unknown device '${String(requested)}'`, 'use --device auto, cpu or cuda');
  const gpus = await probe.gpus();
  if (requested === 'cpu') return { requested, device: 'cpu', reason: 'CPU requested (--device cpu)', gpus };
  let missing: string | null = null;
  if (!gpus) missing = 'no NVIDIA GPU found (nvidia-smi not present or failing)';
  else if (!probe.cudaProvider())
    missing =
      'onnxruntime-node build has no CUDA provider (libonnxruntime_providers_cuda missing; reinstall onnxruntime-node with its CUDA install script enabled)';
  if (missing === null) {
    const names = (gpus ?? []).map((g) => g.name).join(', ');
    return { requested, device: 'cuda', reason: `CUDA execution provider on ${names}`, gpus };
  }
  if (requested === 'cuda')
    throw usageError(
      'E_NO_CUDA',
      `--device cuda is not available: ${missing}`,
      'use --device auto or --device cpu',
    );
  return { requested, device: 'cpu', reason: `using CPU: ${missing}`, gpus };
}

/** Creates a session on the chosen device. With `auto`, a CUDA provider that fails to load falls back to CPU. */
export async function createSession(
  model: string | Uint8Array,
  choice: DeviceChoice,
): Promise<{ session: Ort.InferenceSession; choice: DeviceChoice }> {
  const ort = await loadOrt();
  const options = (eps: string[]): Ort.InferenceSession.SessionOptions => ({
    executionProviders: eps,
    graphOptimizationLevel: 'all',
    // The thread pool's workers otherwise spin after every run, waiting for more work: a peer answers a
    // small batch every round, so spinning was ~90 % of its idle CPU (issue 15: 10 sessions, a run each
    // every 200 ms: 376 ms CPU in 5 s spinning, 36 ms without).
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
  const open = (eps: string[]) =>
    typeof model === 'string'
      ? ort.InferenceSession.create(model, options(eps))
      : ort.InferenceSession.create(model, options(eps));
  if (choice.device === 'cpu') return { session: await open(['cpu']), choice };
  try {
    return { session: await open(['cuda', 'cpu']), choice };
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    if (choice.requested === 'cuda')
      throw usageError(
        'E_NO_CUDA',
        `--device cuda is not available: the CUDA provider failed to load (${why})`,
      );
    const fallback: DeviceChoice = {
      ...choice,
      device: 'cpu',
      reason: `using CPU: CUDA provider failed to load (${why})`,
    };
    return { session: await open(['cpu']), choice: fallback };
  }
}

interface TensorMeta {
  name: string;
  type: string;
  shape: (number | string)[];
}

function describeMeta(m: TensorMeta[]): string {
  return (
    m
      .map(
        (t) =>
          `${t.name} ${t.type} [${t.shape.map((d) => (typeof d === 'string' && d ? d : d === -1 || d === '' ? '?' : d)).join(', ')}]`,
      )
      .join(', ') || '(none)'
  );
}

export const CLASSIFIER_SIGNATURE = `x float32 [B, ${FEATURES}] -> probs float32 [B, ${CLASSES}]`;

/** Checks a classifier's metadata; returns null when it matches, else the found signature. */
export function classifierMismatch(inputs: TensorMeta[], outputs: TensorMeta[]): string | null {
  const dynamicRows = (d: number | string | undefined) => typeof d === 'string' || d === -1;
  const ok = (m: TensorMeta | undefined, width: number) =>
    m !== undefined &&
    m.type === 'float32' &&
    m.shape.length === 2 &&
    dynamicRows(m.shape[0]) &&
    m.shape[1] === width;
  if (inputs.length === 1 && ok(inputs[0], FEATURES) && outputs.length >= 1 && ok(outputs[0], CLASSES))
    return null;
  return `${describeMeta(inputs)} -> ${describeMeta(outputs)}`;
}

function metaOf(session: Ort.InferenceSession, io: 'input' | 'output'): TensorMeta[] {
  const list = io === 'input' ? session.inputMetadata : session.outputMetadata;
  return list.map((m) =>
    m.isTensor
      ? { name: m.name, type: String(m.type), shape: [...m.shape] }
      : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

/** A loaded classifier: `x [B,32] → probs [B,10]`. */
export interface ClassifierModel {
  readonly device: DeviceChoice;
  readonly inputName: string;
  readonly outputName: string;
  forward(x: Float32Array, rows: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/**
 * Opens a classifier (a generated neighbour or a user's `--model FILE`), refusing a model whose signature
 * does not match CLASSIFIER_SIGNATURE, or whose output rows are not probabilities, with a TaoError (exit 2).
 */
export async function openClassifier(
  model: string | Uint8Array,
  choice: DeviceChoice,
): Promise<ClassifierModel> {
  const label = typeof model === 'string' ? model : 'model';
  let opened: Awaited<ReturnType<typeof createSession>>;
  try {
    opened = await createSession(model, choice);
  } catch (e) {
    if (e instanceof TaoError) throw e;
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new TaoError('E_MODEL', `cannot load ONNX model ${label}: ${why}`, ExitCode.usage);
  }
  const { session } = opened;
  const found = classifierMismatch(metaOf(session, 'input'), metaOf(session, 'output'));
  if (found !== null) {
    await session.release();
    throw new TaoError(
      'E_MODEL_SIGNATURE',
      `model ${label} has the wrong signature: expected ${CLASSIFIER_SIGNATURE}, found ${found}`,
      ExitCode.usage,
      'export the classifier with one float32 input [B, 32] and a softmax output [B, 10]',
    );
  }
  const ort = await loadOrt();
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  const classifier: ClassifierModel = {
    device: opened.choice,
    inputName,
    outputName,
    async forward(x, rows) {
      if (x.length !== rows * FEATURES)
        throw new RangeError(`x has ${x.length} values, expected ${rows}×${FEATURES}`);
      const out = await session.run({ [inputName]: new ort.Tensor('float32', x, [rows, FEATURES]) }, [
        outputName,
      ]);
      return out[outputName]!.data as Float32Array;
    },
    dispose: () => session.release(),
  };
  // Smoke run: the output must be probabilities (catches a model exported without its softmax).
  const probe = await classifier.forward(new Float32Array(2 * FEATURES).fill(0.5), 2);
  for (let r = 0; r < 2; r++) {
    let sum = 0;
    let bad = false;
    for (let c = 0; c < CLASSES; c++) {
      const v = probe[r * CLASSES + c]!;
      if (!(v >= 0)) bad = true;
      sum += v;
    }
    if (bad || Math.abs(sum - 1) > 1e-3) {
      await session.release();
      throw new TaoError(
        'E_MODEL_OUTPUT',
        `model ${label} does not output probabilities (a row sums to ${sum.toFixed(4)}${bad ? ', with negative or NaN entries' : ''})`,
        ExitCode.usage,
        'add a Softmax as the last node',
      );
    }
  }
  return classifier;
}

export interface JoinFeeds {
  B: number;
  K: number;
  M: number;
  x: Float32Array;
  /** Clipped neighbour log-probs [K,B,C]. */
  F: Float32Array;
  /** Masks [M,K]. */
  m: Float32Array;
  theta: Float32Array;
  /** Own logits [B,C]; required iff the join was generated with ownLogits. */
  u?: Float32Array;
}

export interface JoinModel {
  readonly device: DeviceChoice;
  readonly ownLogits: boolean;
  run(feeds: JoinFeeds): Promise<{ logp: Float64Array; a: Float64Array }>;
  dispose(): Promise<void>;
}

/** Opens the join graph generated by graphs.ts (joinGraph). */
export async function openJoin(model: string | Uint8Array, choice: DeviceChoice): Promise<JoinModel> {
  const { session, choice: used } = await createSession(model, choice);
  const ort = await loadOrt();
  const ownLogits = session.inputNames.includes('u');
  return {
    device: used,
    ownLogits,
    async run(f) {
      const feeds: Record<string, Ort.Tensor> = {
        x: new ort.Tensor('float32', f.x, [f.B, FEATURES]),
        Fn: new ort.Tensor('float32', f.F, [f.K, f.B, CLASSES]),
        m: new ort.Tensor('float32', f.m, [f.M, f.K]),
        theta: new ort.Tensor('float32', f.theta, [f.K]),
      };
      if (ownLogits) {
        if (!f.u) throw new Error('this join needs own logits u [B,C]');
        feeds.u = new ort.Tensor('float32', f.u, [f.B, CLASSES]);
      }
      const out = await session.run(feeds);
      return { logp: out.logp!.data as Float64Array, a: out.a!.data as Float64Array };
    },
    dispose: () => session.release(),
  };
}
