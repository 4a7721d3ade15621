import { describe, expect, it } from 'vitest';
import { keyPairFromUri, verify } from '../../src/crypto/keys.js';
import { isWrapped, signMessage, unwrapBytes, verifyMessage, wrapBytes } from '../../src/crypto/message.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('message signing (<Bytes> convention)', () => {
  it('wraps once, unwraps, and recognises wrapped bytes', () => {
    const wrapped = wrapBytes('hi');
    expect(dec.decode(wrapped)).toBe('<Bytes>hi</Bytes>');
    expect(wrapBytes(wrapped)).toEqual(wrapped);
    expect(isWrapped(wrapped)).toBe(true);
    expect(isWrapped(enc.encode('<Bytes>hi'))).toBe(false);
    expect(dec.decode(unwrapBytes(wrapped))).toBe('hi');
    expect(dec.decode(unwrapBytes(enc.encode('plain')))).toBe('plain');
    expect(dec.decode(wrapBytes(''))).toBe('<Bytes></Bytes>');
  });

  it.each(['sr25519', 'ed25519'] as const)(
    '%s: signs the wrapped bytes; verify accepts either form',
    (scheme) => {
      const pair = keyPairFromUri('//Alice', scheme);
      const sig = signMessage(pair, 'hello');
      expect(verify(scheme, pair.publicKey, wrapBytes('hello'), sig)).toBe(true);
      expect(verify(scheme, pair.publicKey, enc.encode('hello'), sig)).toBe(false);
      expect(verifyMessage(scheme, pair.publicKey, 'hello', sig)).toBe(true);
      expect(verifyMessage(scheme, pair.publicKey, enc.encode('hello'), sig)).toBe(true);
      expect(verifyMessage(scheme, pair.publicKey, wrapBytes('hello'), sig)).toBe(true);
      expect(verifyMessage(scheme, pair.publicKey, 'hellO', sig)).toBe(false);
      expect(verifyMessage(scheme, keyPairFromUri('//Bob', scheme).publicKey, 'hello', sig)).toBe(false);
      expect(verifyMessage(scheme, pair.publicKey, 'hello', new Uint8Array(64))).toBe(false);
    },
  );
});
