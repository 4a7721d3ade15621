/**
 * The weights schedule while a set_weights tx is in flight, against a real dev ledger node: from the moment
 * the tx is started until its fate is known, `due()` answers null (the due block counts from the block the
 * tx lands in; the previous one is stale) and `last` is already `pending` with the tx's hash; afterwards
 * the due block is known again. One tx at a time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/client/node-client.js';
import { sendTx } from '../../src/client/send.js';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { WeightSetter } from '../../src/peer/runtime/weight-setter.js';
import { buildWeightRow } from '../../src/peer/scoring/weights.js';
import { tempHome } from '../helpers/tao.js';
import { freePort, kill, type NodeProc, startNode } from '../e2e/node-helpers.js';
import { sleep } from '../../src/core/sleep.js';

const { home, cleanup } = tempHome('tao-weight-setter-');
let node: NodeProc | undefined;
let netuid = 0;
const alice = keyPairFromUri('//Alice');

beforeAll(async () => {
  node = await startNode(home, await freePort(), ['--block-time', '400', '--tempo', '10']);
  // A subnet owned by Alice with her, Bob's and Charlie's hotkeys registered: the owner's weights always pass.
  const client = new NodeClient(node.url);
  const created = await sendTx(client, alice, { type: 'create_subnet' });
  if (created.status !== 'included') throw new Error(`create_subnet: ${JSON.stringify(created)}`);
  const subnets = await client.subnetList();
  netuid = Math.max(...subnets.map((s) => s.netuid));
  for (const uri of ['//Alice', '//Bob', '//Charlie']) {
    const hotkey = encodeAddress(keyPairFromUri(uri).publicKey);
    const r = await sendTx(client, alice, { type: 'burned_register', netuid, hotkey });
    if (r.status !== 'included') throw new Error(`burned_register ${uri}: ${JSON.stringify(r)}`);
  }
  // Registration counts as a weights update: wait out the rate limit (5 blocks).
  while ((await client.head()).number < 9) await new Promise((r) => setTimeout(r, 100));
}, 60_000);

afterAll(async () => {
  await kill(node);
  cleanup();
});

describe('WeightSetter', () => {
  it('reports no due block while a weights tx is pending, then the right one', async () => {
    const client = new NodeClient(node!.url, { timeoutMs: 10_000 });
    const log: string[] = [];
    const setter = new WeightSetter(client, alice, netuid, (l) => log.push(l));
    const rules = { tempo: 10, weightsRateLimit: 5, maxWeightLimit: 65535, minAllowedWeights: 1 };
    setter.lastSetBlock = 1; // an earlier set: due at block 11
    expect(setter.due(rules)).toBe(11);
    const row = buildWeightRow([
      { uid: 1, ema: 0.2, se: 0.01 },
      { uid: 2, ema: 0.1, se: 0.01 },
    ]);
    const head = (await client.head()).number;
    expect(setter.maybeSet(Math.max(head, 11), rules, row)).toBe(true);
    expect(setter.pending).toBe(true);
    expect(setter.due(rules)).toBeNull(); // not the stale #11
    expect(setter.maybeSet(Math.max(head, 11), rules, row)).toBe(false); // one tx at a time

    let pendingHash: string | null = null;
    const deadline = Date.now() + 30_000;
    while (setter.pending && Date.now() < deadline) {
      if (setter.last?.status === 'pending') {
        pendingHash = setter.last.tx_hash;
        expect(pendingHash).toMatch(/^0x[0-9a-f]{64}$/);
        expect(setter.due(rules)).toBeNull();
      }
      await sleep(20);
    }
    expect(setter.pending).toBe(false);
    const last = setter.last!;
    expect(last.status, log.join('\n')).toBe('included');
    expect(last.tx_hash).toBe(pendingHash); // the hash shown while pending is the tx's own
    expect(setter.due(rules)).toBe(last.block! + 10);
  }, 60_000);
});
