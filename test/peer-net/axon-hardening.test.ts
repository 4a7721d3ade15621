import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { keyPairFromUri, sign } from '../../src/crypto/keys.js';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { toHex } from '../../src/crypto/hex.js';
import { Axon } from '../../src/peer/net/axon.js';
import { CLASSES, FEATURES, requestPayload } from '../../src/peer/net/protocol.js';

const server = keyPairFromUri('//Alice');
const caller = keyPairFromUri('//Bob');

/** A real softmax over the first CLASSES features of each row, as an exported classifier computes it. */
async function softmaxForward(x: Float32Array, b: number): Promise<Float32Array> {
  const out = new Float32Array(b * CLASSES);
  for (let r = 0; r < b; r++) {
    let max = -Infinity;
    for (let c = 0; c < CLASSES; c++) max = Math.max(max, x[r * FEATURES + c]!);
    let sum = 0;
    for (let c = 0; c < CLASSES; c++) sum += Math.exp(x[r * FEATURES + c]! - max);
    for (let c = 0; c < CLASSES; c++) out[r * CLASSES + c] = Math.exp(x[r * FEATURES + c]! - max) / sum;
  }
  return out;
}

const axons: Axon[] = [];
afterEach(async () => {
  await Promise.all(axons.splice(0).map((a) => a.close()));
});

async function startAxon(forward = softmaxForward) {
  const axon = new Axon({
    hotkeyPublicKey: server.publicKey,
    port: 0,
    forward,
    resolveCaller: (ss58) => (ss58 === encodeAddress(caller.publicKey) ? { uid: 1, stake: 10n } : null),
  });
  axons.push(axon);
  return axon.listen();
}

let lastNonce = 0n;
function nonce(): bigint {
  const now = BigInt(Date.now()) * 1000n;
  lastNonce = now > lastNonce ? now : lastNonce + 1n;
  return lastNonce;
}

/** A correctly signed request from a registered caller, with any body bytes. */
async function signedForward(port: number, text: string) {
  const body = Buffer.from(text);
  const n = nonce();
  const sig = sign(caller, requestPayload(server.publicKey, caller.publicKey, n, body));
  const res = await request(`http://127.0.0.1:${port}/forward`, {
    method: 'POST',
    body,
    headers: {
      'x-tao-hotkey': encodeAddress(caller.publicKey),
      'x-tao-nonce': n.toString(),
      'x-tao-signature': toHex(sig),
      'x-tao-scheme': caller.scheme,
    },
  });
  const doc = (await res.body.json()) as { error?: { code: string; message: string }; probs?: unknown[] };
  return { status: res.statusCode, doc };
}

const row = (v: number) => new Array(FEATURES).fill(0.5).map((x, i) => (i === 0 ? v : x));

describe('axon input hardening', () => {
  it('answers a signed, registered body that is not a JSON object with 400 E_BAD_REQUEST', async () => {
    const port = await startAxon();
    for (const text of ['null', '[]', '"x"', '7', 'true']) {
      const r = await signedForward(port, text);
      expect(r.status, text).toBe(400);
      expect(r.doc.error?.code, text).toBe('E_BAD_REQUEST');
      expect(r.doc.error?.message, text).not.toMatch(/TypeError|Cannot/);
    }
  });

  it('refuses feature values outside the float32 range (1e300 became Infinity and null probabilities)', async () => {
    const port = await startAxon();
    for (const v of [1e300, -1e300, 4e38]) {
      const r = await signedForward(port, JSON.stringify({ b: 1, x: row(v) }));
      expect(r.status, String(v)).toBe(400);
      expect(r.doc.error?.code).toBe('E_BAD_REQUEST');
    }
    const ok = await signedForward(port, JSON.stringify({ b: 1, x: row(3) }));
    expect(ok.status).toBe(200);
    expect(ok.doc.probs?.every((p) => typeof p === 'number')).toBe(true);
  });

  it('never answers 200 with non-finite probabilities, whatever the model returns', async () => {
    const port = await startAxon(async (_x, b) => new Float32Array(b * CLASSES).fill(Number.NaN));
    const r = await signedForward(port, JSON.stringify({ b: 1, x: row(0.5) }));
    expect(r.status).toBe(500);
    expect(r.doc.error?.code).toBe('E_MODEL_OUTPUT');
  });
});
