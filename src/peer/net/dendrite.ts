/**
 * The dendrite: queries neighbours' axons with signed requests, per-call timeouts and bounded concurrency.
 * Any timeout, error, wrong shape, NaN or non-normalised answer is reported as a failure; docs/pruning.md
 * says such a neighbour counts as removed for that round.
 */
import { Agent, request } from 'undici';
import { type KeyPair, sign } from '../../crypto/keys.js';
import { decodeAddress, encodeAddress } from '../../crypto/ss58.js';
import { toHex } from '../../crypto/hex.js';
import {
  CLASSES,
  type ForwardResponse,
  HEADER_HOTKEY,
  HEADER_NONCE,
  HEADER_SCHEME,
  HEADER_SIGNATURE,
  makeNonceSource,
  requestPayload,
} from './protocol.js';

export interface NeighbourEndpoint {
  uid: number;
  hotkey: string;
  ip: string;
  port: number;
}

export type QueryResult =
  | { ok: true; probs: Float32Array; latencyMs: number }
  | { ok: false; reason: string; latencyMs: number };

export interface DendriteOptions {
  timeoutMs?: number;
  concurrency?: number;
  /** Row sums must be within this of 1. */
  tolerance?: number;
}

export class Dendrite {
  private readonly agent: Agent;
  private readonly nextNonce = makeNonceSource();
  private readonly callerSs58: string;

  constructor(
    private readonly key: KeyPair,
    private readonly options: DendriteOptions = {},
  ) {
    this.agent = new Agent({ connections: 8, keepAliveTimeout: 10_000 });
    this.callerSs58 = encodeAddress(key.publicKey);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Queries one neighbour with a batch of b rows (x is b × 32). */
  async query(target: NeighbourEndpoint, x: Float32Array, b: number): Promise<QueryResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    try {
      const body = Buffer.from(JSON.stringify({ b, x: Array.from(x) }));
      const nonce = this.nextNonce();
      const payload = requestPayload(decodeAddress(target.hotkey), this.key.publicKey, nonce, body);
      const signature = sign(this.key, payload);
      const timeout = this.options.timeoutMs ?? 2_000;
      const response = await request(`http://${target.ip}:${target.port}/forward`, {
        method: 'POST',
        body,
        dispatcher: this.agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
        headers: {
          'content-type': 'application/json',
          [HEADER_HOTKEY]: this.callerSs58,
          [HEADER_NONCE]: nonce.toString(),
          [HEADER_SIGNATURE]: toHex(signature),
          [HEADER_SCHEME]: this.key.scheme,
        },
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) {
        return {
          ok: false,
          reason: `HTTP ${response.statusCode}: ${text.slice(0, 200)}`,
          latencyMs: elapsed(),
        };
      }
      const parsed = JSON.parse(text) as Partial<ForwardResponse>;
      const invalid = validateProbs(parsed.probs, b, this.options.tolerance ?? 1e-3);
      if (invalid) return { ok: false, reason: invalid, latencyMs: elapsed() };
      return { ok: true, probs: Float32Array.from(parsed.probs as number[]), latencyMs: elapsed() };
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { ok: false, reason, latencyMs: elapsed() };
    }
  }

  /** Queries every neighbour with the same batch, at most `concurrency` at a time. */
  async queryAll(targets: readonly NeighbourEndpoint[], x: Float32Array, b: number): Promise<QueryResult[]> {
    const results: QueryResult[] = new Array(targets.length);
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        const i = next++;
        results[i] = await this.query(targets[i]!, x, b);
      }
    };
    const width = Math.max(1, Math.min(this.options.concurrency ?? 16, targets.length));
    await Promise.all(Array.from({ length: width }, worker));
    return results;
  }
}

/** Null when `probs` is a valid b × 10 row-stochastic matrix, else why not. */
export function validateProbs(probs: unknown, b: number, tolerance: number): string | null {
  if (!Array.isArray(probs)) return 'response has no probs array';
  if (probs.length !== b * CLASSES) return `wrong shape: ${probs.length} values for ${b} × ${CLASSES}`;
  for (let row = 0; row < b; row++) {
    let sum = 0;
    for (let c = 0; c < CLASSES; c++) {
      const v = probs[row * CLASSES + c];
      if (typeof v !== 'number' || !Number.isFinite(v)) return `row ${row} holds a non-finite value`;
      if (v < 0) return `row ${row} holds a negative probability`;
      sum += v;
    }
    if (Math.abs(sum - 1) > tolerance) return `row ${row} sums to ${sum.toFixed(4)}, not 1`;
  }
  return null;
}
