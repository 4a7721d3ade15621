// The request body hash of the axon protocol (src/peer/net/protocol.ts): the wasm blake2b a peer loads at
// start gives the same blake2b-256 bytes as @noble/hashes, so requests signed by a peer that loaded it and
// checked by one that did not (or the other way round) still verify.
import { blake2b } from '@noble/hashes/blake2.js';
import { describe, expect, it } from 'vitest';
import { bodyHash, enableWasmBodyHash, requestPayload } from '../../src/peer/net/protocol.js';

const bodies = [0, 1, 127, 128, 129, 4096, 41_000].map((n) => {
  const body = new Uint8Array(n);
  for (let i = 0; i < n; i++) body[i] = (i * 131 + n) & 0xff;
  return body;
});

describe('axon request body hash', () => {
  it('is blake2b-256 before and after the wasm hash loads', async () => {
    const before = bodies.map((b) => Buffer.from(bodyHash(b)).toString('hex'));
    expect(await enableWasmBodyHash()).toBe(true);
    const after = bodies.map((b) => Buffer.from(bodyHash(b)).toString('hex'));
    const reference = bodies.map((b) => Buffer.from(blake2b(b, { dkLen: 32 })).toString('hex'));
    expect(after).toEqual(reference);
    expect(before).toEqual(reference);
    const key = new Uint8Array(32).fill(1);
    const payload = requestPayload(key, key, 7n, bodies[6]!);
    expect(Buffer.from(payload.subarray(payload.length - 32)).toString('hex')).toBe(reference[6]);
  });
});
