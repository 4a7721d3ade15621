/**
 * Real neighbours for scorer tests: in-process axons serving generated ONNX models over loopback HTTP
 * (uids 1…n in the order given), the validator `//Alice` as their only registered caller, a signed
 * dendrite and the real join session (CPU).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { ensureModel } from '../../src/peer/model/cache.js';
import type { NeighbourSpec } from '../../src/peer/model/graphs.js';
import {
  type ClassifierModel,
  type JoinModel,
  openClassifier,
  openJoin,
  resolveDevice,
} from '../../src/peer/model/session.js';
import { Axon } from '../../src/peer/net/axon.js';
import { Dendrite, type NeighbourEndpoint } from '../../src/peer/net/dendrite.js';

export const validatorSs58 = encodeAddress(keyPairFromUri('//Alice').publicKey);

export interface NeighbourAxons {
  axons: Axon[];
  endpoints: NeighbourEndpoint[];
  join: JoinModel;
  dendrite: Dendrite;
  close(): Promise<void>;
}

export async function startNeighbourAxons(
  tmpPrefix: string,
  neighbours: readonly { uri: string; spec: NeighbourSpec }[],
): Promise<NeighbourAxons> {
  const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
  const cpu = await resolveDevice('cpu');
  const axons: Axon[] = [];
  const models: ClassifierModel[] = [];
  const endpoints: NeighbourEndpoint[] = [];
  for (const [i, n] of neighbours.entries()) {
    const key = keyPairFromUri(n.uri);
    const model = await openClassifier(ensureModel(dir, n.spec).path, cpu);
    models.push(model);
    const axon = new Axon({
      hotkeyPublicKey: key.publicKey,
      port: 0,
      forward: (x, b) => model.forward(x, b),
      resolveCaller: (ss58) => (ss58 === validatorSs58 ? { uid: 9, stake: 1n } : null),
    });
    axons.push(axon);
    const port = await axon.listen();
    endpoints.push({ uid: i + 1, hotkey: encodeAddress(key.publicKey), ip: '127.0.0.1', port });
  }
  const joinModel = await openJoin(ensureModel(dir, { kind: 'join', ownLogits: false }).path, cpu);
  const dendrite = new Dendrite(keyPairFromUri('//Alice'), { timeoutMs: 3000 });
  return {
    axons,
    endpoints,
    join: joinModel,
    dendrite,
    async close() {
      await Promise.all(axons.map((a) => a.close()));
      await dendrite.close();
      await Promise.all(models.map((m) => m.dispose()));
      await joinModel.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
