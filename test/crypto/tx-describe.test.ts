/** A malformed transaction's message says what was there in plain English ("got a undefined" was a bug). */
import { describe, expect, it } from 'vitest';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { signTx, verifyTx } from '../../src/crypto/tx.js';

const tx = signTx(keyPairFromUri('//Alice', 'sr25519'), {
  genesisHash: new Uint8Array(32),
  nonce: 0,
  expiry: 10,
  call: { type: 'faucet' },
}) as unknown as Record<string, unknown>;

const messageOf = (t: unknown) => {
  const r = verifyTx(t);
  if (r.ok) throw new Error('expected a failure');
  return r.message;
};

describe('malformed transaction messages', () => {
  it('says a missing field is missing', () => {
    const { signer: _signer, ...noSigner } = tx;
    expect(messageOf(noSigner)).toBe(
      '"signer" must be an SS58 address string, got nothing (the field is missing)',
    );
  });

  it('uses "an" before an object', () => {
    expect(messageOf({ ...tx, call: { type: {} } })).toBe(
      '"call.type" must be a non-empty string, got an object',
    );
  });

  it('never reads "a undefined" for any missing field', () => {
    for (const key of Object.keys(tx)) {
      const { [key]: _gone, ...rest } = tx;
      expect(messageOf(rest)).not.toMatch(/\ba (undefined|object)\b/);
    }
  });
});
