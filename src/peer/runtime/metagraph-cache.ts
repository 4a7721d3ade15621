/**
 * The peer's cached view of its subnet: neurons (uid, hotkey, stake, axon) and the hyperparameters it obeys.
 * The axon resolves callers against it synchronously; the runtime refreshes it every few blocks from the
 * node's `head` events. A failed refresh keeps the last good view.
 */
import type { NodeClient } from '../../client/node-client.js';
import type { Hyperparameters, Metagraph, Neuron } from '../../client/types.js';
import type { CallerInfo } from '../net/axon.js';
import type { NeighbourEndpoint } from '../net/dendrite.js';

export interface SubnetRules {
  tempo: number;
  weightsRateLimit: number;
  /** u16 (65535 = no cap). */
  maxWeightLimit: number;
  minAllowedWeights: number;
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

export function rulesOf(h: Hyperparameters): SubnetRules {
  return {
    tempo: num(h.tempo, 360),
    weightsRateLimit: num(h.weights_rate_limit, 100),
    maxWeightLimit: num(h.max_weight_limit, 65535),
    minAllowedWeights: num(h.min_allowed_weights, 0),
  };
}

/** Neighbours to query: every neuron with an axon except this peer itself. */
export function neighboursOf(neurons: readonly Neuron[], selfHotkey: string): NeighbourEndpoint[] {
  return neurons
    .filter((n) => n.axon !== null && n.hotkey !== selfHotkey && n.axon.port > 0)
    .map((n) => ({ uid: n.uid, hotkey: n.hotkey, ip: n.axon!.ip, port: n.axon!.port }))
    .sort((a, b) => a.uid - b.uid);
}

/** A stable key of a neighbour set: it changes when a uid, hotkey or endpoint changes. */
export const neighbourKey = (list: readonly NeighbourEndpoint[]): string =>
  list.map((n) => `${n.uid}:${n.hotkey}@${n.ip}:${n.port}`).join(',');

export class MetagraphCache {
  private graph: Metagraph | null = null;
  private byHotkey = new Map<string, Neuron>();
  private hyper: SubnetRules | null = null;
  lastRefreshBlock = -1;
  lastError: string | null = null;

  constructor(
    private readonly client: NodeClient,
    readonly netuid: number,
  ) {}

  async refresh(): Promise<boolean> {
    try {
      const [graph, hyper] = await Promise.all([
        this.client.metagraph(this.netuid, { timeoutMs: 5000 }),
        this.client.hyperparameters(this.netuid, { timeoutMs: 5000 }),
      ]);
      this.graph = graph;
      this.byHotkey = new Map(graph.neurons.map((n) => [n.hotkey, n]));
      this.hyper = rulesOf(hyper);
      this.lastRefreshBlock = graph.block;
      this.lastError = null;
      return true;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      return false;
    }
  }

  get ready(): boolean {
    return this.graph !== null;
  }

  get block(): number {
    return this.graph?.block ?? -1;
  }

  get neurons(): readonly Neuron[] {
    return this.graph?.neurons ?? [];
  }

  get rules(): SubnetRules | null {
    return this.hyper;
  }

  neuron(hotkey: string): Neuron | null {
    return this.byHotkey.get(hotkey) ?? null;
  }

  /** For the axon: registered callers with their stake (priority); null = not registered. */
  resolveCaller = (ss58: string): CallerInfo | null => {
    const n = this.byHotkey.get(ss58);
    return n ? { uid: n.uid, stake: n.stake } : null;
  };
}
