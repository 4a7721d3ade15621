/** The axon's GET /status route: the runtime's status callback over real HTTP, 404 when none is given. */
import { afterEach, describe, expect, it } from 'vitest';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { Axon } from '../../src/peer/net/axon.js';

const axons: Axon[] = [];
afterEach(async () => {
  await Promise.all(axons.splice(0).map((a) => a.close()));
});

async function start(status?: () => unknown): Promise<number> {
  const axon = new Axon({
    hotkeyPublicKey: keyPairFromUri('//Alice').publicKey,
    port: 0,
    forward: async (_x, b) => new Float32Array(b * 10).fill(0.1),
    resolveCaller: () => null,
    ...(status ? { status } : {}),
  });
  axons.push(axon);
  return axon.listen();
}

describe('GET /status', () => {
  it('answers with the status callback, fresh on every request', async () => {
    let round = 0;
    const port = await start(() => ({ name: 'v', round: ++round }));
    const get = async () => (await fetch(`http://127.0.0.1:${port}/status`)).json();
    expect(await get()).toEqual({ name: 'v', round: 1 });
    expect(await get()).toEqual({ name: 'v', round: 2 });
  });

  it('is 404 when the peer provides no status', async () => {
    const port = await start();
    const res = await fetch(`http://127.0.0.1:${port}/status`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_NOT_FOUND');
  });
});
