import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { type KeyPair, keyPairFromUri, sign } from '../../src/crypto/keys.js';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { toHex } from '../../src/crypto/hex.js';
import { Axon, type CallerInfo } from '../../src/peer/net/axon.js';
import { Dendrite, validateProbs } from '../../src/peer/net/dendrite.js';
import { CLASSES, FEATURES, requestPayload } from '../../src/peer/net/protocol.js';

const server = keyPairFromUri('//Alice');
const caller = keyPairFromUri('//Bob');
const stranger = keyPairFromUri('//Eve');

function uniform(b: number): Float32Array {
  return new Float32Array(b * CLASSES).fill(1 / CLASSES);
}

const axons: Axon[] = [];
const dendrites: Dendrite[] = [];
afterEach(async () => {
  await Promise.all(axons.splice(0).map((a) => a.close()));
  await Promise.all(dendrites.splice(0).map((d) => d.close()));
});

async function startAxon(
  overrides: Partial<ConstructorParameters<typeof Axon>[0]> = {},
  registered: Record<string, CallerInfo> = { [encodeAddress(caller.publicKey)]: { uid: 1, stake: 10n } },
) {
  const axon = new Axon({
    hotkeyPublicKey: server.publicKey,
    port: 0,
    forward: async (_x, b) => uniform(b),
    resolveCaller: (ss58) => registered[ss58] ?? null,
    ...overrides,
  });
  axons.push(axon);
  const port = await axon.listen();
  return { axon, port, endpoint: { uid: 0, hotkey: encodeAddress(server.publicKey), ip: '127.0.0.1', port } };
}

function dendrite(key: KeyPair, timeoutMs = 2000) {
  const d = new Dendrite(key, { timeoutMs });
  dendrites.push(d);
  return d;
}

async function rawForward(port: number, key: KeyPair, nonce: bigint, body: Buffer, tamper = false) {
  const sig = sign(key, requestPayload(server.publicKey, key.publicKey, nonce, body));
  if (tamper) sig[0] = (sig[0]! + 1) % 256;
  const res = await request(`http://127.0.0.1:${port}/forward`, {
    method: 'POST',
    body,
    headers: {
      'x-tao-hotkey': encodeAddress(key.publicKey),
      'x-tao-nonce': nonce.toString(),
      'x-tao-signature': toHex(sig),
      'x-tao-scheme': key.scheme,
    },
  });
  return { status: res.statusCode, body: (await res.body.json()) as { error?: { code: string } } };
}

const batch = (b: number) => Buffer.from(JSON.stringify({ b, x: new Array(b * FEATURES).fill(0.5) }));
const nowNonce = () => BigInt(Date.now()) * 1000n;

describe('axon and dendrite over real HTTP', () => {
  it('serves a signed forward request from a registered neighbour', async () => {
    const { endpoint } = await startAxon();
    const result = await dendrite(caller).query(endpoint, new Float32Array(4 * FEATURES), 4);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.probs.length).toBe(4 * CLASSES);
  });

  it('refuses a caller that is not registered on the subnet', async () => {
    const { endpoint } = await startAxon();
    const result = await dendrite(stranger).query(endpoint, new Float32Array(FEATURES), 1);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('E_NOT_REGISTERED');
  });

  it('refuses a bad signature and a replayed nonce', async () => {
    const { port } = await startAxon();
    const body = batch(2);
    expect((await rawForward(port, caller, nowNonce(), body, true)).body.error?.code).toBe('E_BAD_SIGNATURE');
    const nonce = nowNonce();
    expect((await rawForward(port, caller, nonce, body)).status).toBe(200);
    const replay = await rawForward(port, caller, nonce, body);
    expect(replay.status).toBe(401);
    expect(replay.body.error?.code).toBe('E_REPLAY');
    const stale = await rawForward(port, caller, nowNonce() - 120_000_000n, body);
    expect(stale.body.error?.code).toBe('E_REPLAY');
  });

  it('accepts concurrent requests whose nonces arrive out of order, but each nonce only once', async () => {
    const { port } = await startAxon();
    const body = batch(1);
    const first = nowNonce();
    const second = first + 10n;
    expect((await rawForward(port, caller, second, body)).status).toBe(200);
    expect((await rawForward(port, caller, first, body)).status).toBe(200);
    expect((await rawForward(port, caller, first, body)).body.error?.code).toBe('E_REPLAY');
    const future = nowNonce() + 3_600_000_000n;
    expect((await rawForward(port, caller, future, body)).body.error?.code).toBe('E_REPLAY');
  });

  it('refuses an oversized body and a malformed batch, and keeps serving', async () => {
    const { port, endpoint } = await startAxon();
    const huge = Buffer.alloc(2 << 20, 32);
    expect((await rawForward(port, caller, nowNonce(), huge)).status).toBe(413);
    const wrong = Buffer.from(JSON.stringify({ b: 2, x: [1, 2, 3] }));
    expect((await rawForward(port, caller, nowNonce(), wrong)).status).toBe(400);
    const nan = Buffer.from(JSON.stringify({ b: 1, x: new Array(FEATURES).fill('x') }));
    expect((await rawForward(port, caller, nowNonce(), nan)).status).toBe(400);
    expect((await dendrite(caller).query(endpoint, new Float32Array(FEATURES), 1)).ok).toBe(true);
  });

  it('reports a timeout as a failed query', async () => {
    const { endpoint } = await startAxon({
      forward: (_x, b) => new Promise((resolve) => setTimeout(() => resolve(uniform(b)), 1500)),
    });
    const result = await dendrite(caller, 200).query(endpoint, new Float32Array(FEATURES), 1);
    expect(result.ok).toBe(false);
  });

  it('reports a non-normalised answer as a failed query', async () => {
    const { endpoint } = await startAxon({
      forward: async (_x, b) => new Float32Array(b * CLASSES).fill(0.5),
    });
    const result = await dendrite(caller).query(endpoint, new Float32Array(FEATURES), 1);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('sums to');
  });

  it('serves higher-stake callers first under load', async () => {
    const order: number[] = [];
    let release: () => void = () => undefined;
    const blocker = new Promise<void>((r) => {
      release = r;
    });
    const low = keyPairFromUri('//Charlie');
    const high = keyPairFromUri('//Dave');
    const registered = {
      [encodeAddress(caller.publicKey)]: { uid: 1, stake: 5n },
      [encodeAddress(low.publicKey)]: { uid: 2, stake: 1n },
      [encodeAddress(high.publicKey)]: { uid: 3, stake: 1000n },
    };
    let first = true;
    const { endpoint } = await startAxon(
      {
        maxConcurrent: 1,
        resolveCaller: (ss58) => registered[ss58] ?? null,
        forward: async (x, b) => {
          order.push(x[0]!);
          if (first) {
            first = false;
            await blocker;
          }
          return uniform(b);
        },
      },
      registered,
    );
    const tagged = (tag: number) => new Float32Array(FEATURES).fill(tag);
    const pending = [dendrite(caller).query(endpoint, tagged(0), 1)];
    await new Promise((r) => setTimeout(r, 100));
    pending.push(dendrite(low).query(endpoint, tagged(1), 1));
    await new Promise((r) => setTimeout(r, 100));
    pending.push(dendrite(high).query(endpoint, tagged(2), 1));
    await new Promise((r) => setTimeout(r, 100));
    release();
    const results = await Promise.all(pending);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(order).toEqual([0, 2, 1]);
  });
});

describe('response validation', () => {
  it('accepts a row-stochastic matrix and rejects wrong shapes, NaN and negatives', () => {
    expect(validateProbs(Array.from(uniform(2)), 2, 1e-3)).toBeNull();
    expect(validateProbs([0.5], 1, 1e-3)).toContain('wrong shape');
    expect(validateProbs([Number.NaN, ...new Array(9).fill(0.1)], 1, 1e-3)).toContain('non-finite');
    expect(validateProbs([-0.1, 0.2, ...new Array(8).fill(0.1125)], 1, 1e-3)).toContain('negative');
    expect(validateProbs('nope', 1, 1e-3)).toContain('no probs');
  });
});
