/**
 * tao up's ensureNeuron against a real dev ledger (in-process LedgerNode + its HTTP server, instant blocks):
 * a validator is funded, registered, staked on root and buys α on subnet 1's pool for its α target; a second
 * run buys nothing (the α held is worth more than the target once the buy moved the price); a neighbour's
 * buy after it moves the price up, not down, so it does not trigger a top-up either; a validator whose α
 * was sold is topped up back to the target.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/client/node-client.js';
import { sendTx } from '../../src/client/send.js';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { devGenesis } from '../../src/ledger/state/genesis.js';
import { LedgerNode } from '../../src/ledger/node/node.js';
import { createRpcServer, listen } from '../../src/ledger/node/server.js';
import { type ChainFacts, chainFacts, ensureNeuron, type NeuronTarget } from '../../src/up/chain.js';
import { OWN_ALPHA, OWN_STAKE, UP_NETUID, VALIDATOR_ALPHA, VALIDATOR_STAKE } from '../../src/up/plan.js';

const TAO = 1_000_000_000n;
let dir: string;
let node: LedgerNode;
let server: Server;
let client: NodeClient;
let facts: ChainFacts;

const own = { cold: keyPairFromUri('//UpOwn'), hot: keyPairFromUri('//UpOwnHot') };
const neighbour = { cold: keyPairFromUri('//UpValidator'), hot: keyPairFromUri('//UpValidatorHot') };
const addr = (p: { publicKey: Uint8Array }) => encodeAddress(p.publicKey);

const target = (who: typeof own, stakeRao: bigint, alphaRao: bigint): NeuronTarget => ({
  netuid: UP_NETUID,
  coldkey: addr(who.cold),
  hotkey: addr(who.hot),
  stakeRao,
  alphaRao,
  spareRao: 10n * TAO,
});
const ensure = (who: typeof own, stakeRao: bigint, alphaRao: bigint) =>
  ensureNeuron(client, async () => who.cold, target(who, stakeRao, alphaRao), facts);

async function held(who: typeof own) {
  const a = (await client.alphaStakes({ coldkey: addr(who.cold), hotkey: addr(who.hot) })).find(
    (s) => s.netuid === UP_NETUID,
  );
  return { alpha: a?.alpha ?? 0n, value: a?.value ?? 0n };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tao-up-chain-'));
  node = await LedgerNode.open({ dataDir: dir, genesis: () => devGenesis(Date.now()), blockTimeMs: 0 });
  node.start();
  server = createRpcServer(node);
  const { port } = await listen(server, 0, '127.0.0.1');
  client = new NodeClient(`http://127.0.0.1:${port}`);
  facts = await chainFacts(client, UP_NETUID);
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ensureNeuron: root stake and α on subnet 1', () => {
  it('registers, stakes root τ and buys α for the α target; a second run buys nothing', async () => {
    const pool0 = (await client.subnetList()).find((s) => s.netuid === UP_NETUID)!.pool!;
    const first = await ensure(own, OWN_STAKE, OWN_ALPHA);
    expect(first.registered).toBe(true);
    expect(first.stake).toBe(OWN_STAKE);
    expect(first.alphaBought).toBe(OWN_ALPHA);
    const h = await held(own);
    expect(first.alpha).toBe(h.alpha);
    // 100 τ into 1,000 τ / 1,000 α: ~90.9 α, less the pool's fee
    expect(h.alpha).toBeGreaterThan(90n * TAO);
    expect(h.alpha).toBeLessThan(91n * TAO);
    // the root stake is still what the ranking's root part reads
    expect((await client.stakeList({ coldkey: addr(own.cold) })).map((s) => s.amount)).toEqual([OWN_STAKE]);
    const pool1 = (await client.subnetList()).find((s) => s.netuid === UP_NETUID)!.pool!;
    expect(pool1.price).toBeGreaterThan(pool0.price);

    const again = await ensure(own, OWN_STAKE, OWN_ALPHA);
    expect(again).toMatchObject({ registered: false, staked: 0n, alphaBought: 0n, alpha: h.alpha });
  });

  it("a neighbour validator's buy raises the price: neither needs a second buy", async () => {
    const r = await ensure(neighbour, VALIDATOR_STAKE, VALIDATOR_ALPHA);
    expect(r.alphaBought).toBe(VALIDATOR_ALPHA);
    const before = await held(own);
    expect((await ensure(own, OWN_STAKE, OWN_ALPHA)).alphaBought).toBe(0n);
    expect((await ensure(neighbour, VALIDATOR_STAKE, VALIDATOR_ALPHA)).alphaBought).toBe(0n);
    expect((await held(own)).alpha).toBe(before.alpha);
  });

  it('after its α is sold, the next run buys back up to the target', async () => {
    const { alpha } = await held(neighbour);
    const sold = await sendTx(
      client,
      neighbour.cold,
      {
        type: 'remove_stake',
        hotkey: addr(neighbour.hot),
        netuid: UP_NETUID,
        amount: (alpha / 2n).toString(),
      },
      { timeoutMs: 10_000 },
    );
    expect(sold.status).toBe('included');
    const left = await held(neighbour);
    const r = await ensure(neighbour, VALIDATOR_STAKE, VALIDATOR_ALPHA);
    expect(r.alphaBought).toBe(VALIDATOR_ALPHA - left.value);
    expect((await held(neighbour)).alpha).toBeGreaterThan(left.alpha);
  });
});
