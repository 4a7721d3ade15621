import { base58 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { ExitCode, TaoError } from '../../src/core/errors.js';
import { fromHex, isHex, toHex } from '../../src/crypto/hex.js';
import { decodeAddress, encodeAddress, isValidAddress } from '../../src/crypto/ss58.js';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const ALICE_KEY = '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';
// Alice's key under prefix 0 (Polkadot relay chain), a published address.
const ALICE_POLKADOT = '15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5';

function addressError(fn: () => unknown): TaoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TaoError);
    const err = e as TaoError;
    expect(err.code).toBe('E_BAD_ADDRESS');
    expect(err.exitCode).toBe(ExitCode.usage);
    return err;
  }
  throw new Error('expected decodeAddress to throw');
}

describe('ss58', () => {
  it('encodes and decodes the published //Alice address with prefix 42', () => {
    expect(encodeAddress(fromHex(ALICE_KEY))).toBe(ALICE);
    expect(toHex(decodeAddress(ALICE))).toBe(ALICE_KEY);
    expect(isValidAddress(ALICE)).toBe(true);
  });

  it('encodes other prefixes, including two-byte ones, and decodes them when expected', () => {
    expect(encodeAddress(fromHex(ALICE_KEY), 0)).toBe(ALICE_POLKADOT);
    const kusamaLike = encodeAddress(fromHex(ALICE_KEY), 2);
    expect(toHex(decodeAddress(kusamaLike, 2))).toBe(ALICE_KEY);
    const wide = encodeAddress(fromHex(ALICE_KEY), 1284);
    expect(toHex(decodeAddress(wide, 1284))).toBe(ALICE_KEY);
    expect(addressError(() => decodeAddress(wide)).message).toContain('prefix 1284');
  });

  it('rejects a wrong prefix and says which prefix it found', () => {
    const err = addressError(() => decodeAddress(ALICE_POLKADOT));
    expect(err.message).toContain('network prefix 0');
    expect(err.message).toContain('expected prefix 42');
    expect(isValidAddress(ALICE_POLKADOT)).toBe(false);
  });

  it('rejects a flipped checksum byte', () => {
    const raw = base58.decode(ALICE);
    raw[raw.length - 1]! ^= 0x01;
    const err = addressError(() => decodeAddress(base58.encode(raw)));
    expect(err.message).toContain('bad checksum');
  });

  it('rejects a mistyped character (checksum) ', () => {
    const typo = ALICE.slice(0, 10) + (ALICE[10] === 'a' ? 'b' : 'a') + ALICE.slice(11);
    expect(addressError(() => decodeAddress(typo)).message).toMatch(/checksum|length/);
  });

  it('rejects characters outside base58 and does not echo long garbage such as a pasted mnemonic', () => {
    expect(
      addressError(() => decodeAddress('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut0Y')).message,
    ).toContain('not valid base58');
    const err = addressError(() =>
      decodeAddress('bottom drive obey lake curtain smoke basket hold race lonely fit walk'),
    );
    expect(err.message).not.toContain('bottom');
    expect(addressError(() => decodeAddress('')).message).toContain('empty');
  });

  it('rejects a wrong length, saying how many bytes it decoded', () => {
    const raw = base58.decode(ALICE);
    expect(addressError(() => decodeAddress(base58.encode(raw.subarray(0, 34)))).message).toContain(
      '34 bytes',
    );
    const longer = new Uint8Array(36);
    longer.set(raw);
    expect(addressError(() => decodeAddress(base58.encode(longer))).message).toContain('wrong length');
    expect(isValidAddress('5abc')).toBe(false);
  });

  it('refuses to encode a key that is not 32 bytes', () => {
    expect(() => encodeAddress(new Uint8Array(33))).toThrow(/32 bytes/);
  });
});

describe('hex', () => {
  it('round-trips bytes as 0x lowercase hex and accepts input without 0x', () => {
    const bytes = new Uint8Array([0, 1, 0xab, 0xff]);
    expect(toHex(bytes)).toBe('0x0001abff');
    expect(fromHex('0x0001ABff')).toEqual(bytes);
    expect(fromHex('0001abff')).toEqual(bytes);
    expect(toHex(bytes.subarray(2))).toBe('0xabff');
  });

  it('throws E_BAD_HEX on odd length or non-hex characters', () => {
    expect(() => fromHex('0xabc')).toThrow(/odd number/);
    expect(() => fromHex('0xzz')).toThrow(/not 0-9/);
    expect(() => fromHex('0x12 4')).toThrow(TaoError);
  });

  it('isHex checks the 0x prefix and exact byte length', () => {
    expect(isHex('0xabcd', 2)).toBe(true);
    expect(isHex('abcd', 2)).toBe(false);
    expect(isHex('0xabcd', 3)).toBe(false);
    expect(isHex('0xabcg')).toBe(false);
    expect(isHex(42)).toBe(false);
  });
});
