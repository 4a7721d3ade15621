import { describe, expect, it } from 'vitest';
import { ExitCode, TaoError } from '../../src/core/errors.js';
import { junctionChainCode, parseSecretUri } from '../../src/crypto/derive.js';
import { fromHex, toHex } from '../../src/crypto/hex.js';
import { DEV_PHRASE, keyPairFromMiniSecret, keyPairFromUri, sign, verify } from '../../src/crypto/keys.js';
import { encodeAddress } from '../../src/crypto/ss58.js';

const addr = (uri: string, scheme: 'sr25519' | 'ed25519' = 'sr25519') =>
  encodeAddress(keyPairFromUri(uri, scheme).publicKey);

function usage(fn: () => unknown, code: string): TaoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TaoError);
    expect((e as TaoError).code).toBe(code);
    expect((e as TaoError).exitCode).toBe(ExitCode.usage);
    return e as TaoError;
  }
  throw new Error('expected a TaoError');
}

describe('dev accounts (subkey vectors)', () => {
  it('//Alice and //Bob sr25519 give the published addresses', () => {
    expect(addr('//Alice')).toBe('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
    expect(addr('//Bob')).toBe('5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty');
    expect(addr('//Alice//stash')).toBe('5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY');
    expect(addr('//Bob//stash')).toBe('5HpG9w8EBLe5XCrbczpwq5TSXvedjrBGCwqxK1iQ7qUsSWFc');
  });

  it('//Alice ed25519 gives the published address', () => {
    expect(addr('//Alice', 'ed25519')).toBe('5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu');
  });

  it('//Alice is the dev phrase with a //Alice junction', () => {
    expect(addr(`${DEV_PHRASE}//Alice`)).toBe(addr('//Alice'));
    expect(keyPairFromUri('//Alice').secretKey).toHaveLength(64);
    expect(keyPairFromUri('//Alice', 'ed25519').secretKey).toHaveLength(32);
  });

  it('the dev phrase itself gives the well-known root account', () => {
    // subkey inspect "bottom drive obey … walk" → the dev root
    expect(addr(DEV_PHRASE)).toBe('5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV');
  });
});

describe('secret URIs', () => {
  it('splits phrase, junctions and password', () => {
    const uri = parseSecretUri('word word//hard/soft//0///my pass/word');
    expect(uri.phrase).toBe('word word');
    expect(uri.password).toBe('my pass/word');
    expect(uri.junctions.map((j) => j.hard)).toEqual([true, false, true]);
  });

  it('encodes numeric junctions as u64 LE and strings SCALE-encoded, hashing long ones', () => {
    expect(toHex(junctionChainCode('1'))).toBe(`0x01${'0'.repeat(62)}`);
    expect(toHex(junctionChainCode('Alice'))).toBe(`0x14416c696365${'0'.repeat(52)}`);
    const long = junctionChainCode('x'.repeat(40));
    expect(long).toHaveLength(32);
    expect(toHex(long)).not.toContain('7878787878');
  });

  it('hard and soft junctions differ and are deterministic', () => {
    const hard = keyPairFromUri('//Alice//1');
    const soft = keyPairFromUri('//Alice/1');
    expect(toHex(hard.publicKey)).not.toBe(toHex(soft.publicKey));
    expect(keyPairFromUri('//Alice/1')).toEqual(soft);
  });

  it('a password changes the key', () => {
    expect(addr(`${DEV_PHRASE}///secret`)).not.toBe(addr(DEV_PHRASE));
  });

  it('accepts a 0x mini-secret, with derivation', () => {
    const mini = '0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e';
    expect(addr(mini)).toBe(addr(DEV_PHRASE));
    expect(addr(`${mini}//Alice`)).toBe(addr('//Alice'));
    expect(addr(`${mini}//Alice`, 'ed25519')).toBe(addr('//Alice', 'ed25519'));
    expect(keyPairFromMiniSecret(fromHex(mini), 'sr25519')).toEqual(keyPairFromUri(mini));
  });

  it('rejects ed25519 soft derivation with a clear error', () => {
    expect(usage(() => keyPairFromUri('//Alice/soft', 'ed25519'), 'E_BAD_URI').message).toContain(
      'no soft derivation',
    );
  });

  it('rejects bad URIs without echoing the secret', () => {
    expect(usage(() => keyPairFromUri(''), 'E_BAD_URI').message).toContain('empty');
    expect(usage(() => keyPairFromUri('0x1234'), 'E_BAD_SEED').message).toContain('64 hex digits');
    expect(usage(() => keyPairFromUri('0xfac7///pw'), 'E_BAD_SEED')).toBeTruthy();
    const bad = usage(() => keyPairFromUri(`${DEV_PHRASE}//`), 'E_BAD_URI');
    expect(bad.message).not.toContain('bottom');
    const short = usage(() => keyPairFromUri('bottom drive obey lake'), 'E_BAD_MNEMONIC');
    expect(short.message).not.toContain('bottom');
    usage(() => keyPairFromUri('//Alice', 'ecdsa' as never), 'E_BAD_SCHEME');
    usage(() => keyPairFromMiniSecret(new Uint8Array(31), 'sr25519'), 'E_BAD_SEED');
  });
});

describe('sign and verify', () => {
  const msg = new TextEncoder().encode('hello tao');

  it.each(['sr25519', 'ed25519'] as const)('%s: a signature verifies, and fails on any change', (scheme) => {
    const pair = keyPairFromUri('//Alice', scheme);
    const other = keyPairFromUri('//Bob', scheme);
    const sig = sign(pair, msg);
    expect(sig).toHaveLength(64);
    expect(verify(scheme, pair.publicKey, msg, sig)).toBe(true);
    expect(verify(scheme, other.publicKey, msg, sig)).toBe(false);
    expect(verify(scheme, pair.publicKey, new TextEncoder().encode('hello tax'), sig)).toBe(false);
    const flipped = sig.slice();
    flipped[10]! ^= 1;
    expect(verify(scheme, pair.publicKey, msg, flipped)).toBe(false);
    const otherScheme = scheme === 'sr25519' ? 'ed25519' : 'sr25519';
    expect(verify(otherScheme, pair.publicKey, msg, sig)).toBe(false);
  });

  it('ed25519 signatures are deterministic; sr25519 are randomised but all verify', () => {
    const ed = keyPairFromUri('//Alice', 'ed25519');
    expect(toHex(sign(ed, msg))).toBe(toHex(sign(ed, msg)));
    const sr = keyPairFromUri('//Alice');
    const [a, b] = [sign(sr, msg), sign(sr, msg)];
    expect(toHex(a)).not.toBe(toHex(b));
    expect(verify('sr25519', sr.publicKey, msg, b)).toBe(true);
  });

  it('returns false, never throws, on garbage input', () => {
    const pair = keyPairFromUri('//Alice');
    const sig = sign(pair, msg);
    const junk: unknown[] = [
      undefined,
      null,
      'abc',
      42,
      new Uint8Array(0),
      new Uint8Array(63),
      new Uint8Array(65),
    ];
    for (const scheme of ['sr25519', 'ed25519', 'nope'] as const) {
      for (const j of junk) {
        expect(verify(scheme as never, j as never, msg, sig)).toBe(false);
        expect(verify(scheme as never, pair.publicKey, msg, j as never)).toBe(false);
        expect(verify(scheme as never, pair.publicKey, j as never, sig)).toBe(false);
      }
      expect(verify(scheme as never, new Uint8Array(32).fill(0xff), msg, new Uint8Array(64).fill(0xff))).toBe(
        false,
      );
      expect(verify(scheme as never, new Uint8Array(32), msg, new Uint8Array(64))).toBe(false);
    }
  });

  it('ed25519 signing and verification agree between the node:crypto path and noble for many keys', async () => {
    const { ed25519 } = await import('@noble/curves/ed25519.js');
    const { ed25519VerifyNoble, ed25519VerifyFast } = await import('../../src/crypto/ed25519-node.js');
    for (let i = 0; i < 20; i++) {
      const pair = keyPairFromUri(`//user//${i}`, 'ed25519');
      const m = new TextEncoder().encode(`message ${i}`);
      const sig = sign(pair, m);
      expect(toHex(sig)).toBe(toHex(ed25519.sign(m, pair.secretKey)));
      expect(ed25519VerifyFast(pair.publicKey, m, sig)).toBe(true);
      expect(ed25519VerifyNoble(pair.publicKey, m, sig)).toBe(true);
      sig[63]! ^= 0x80;
      expect(ed25519VerifyFast(pair.publicKey, m, sig)).toBe(false);
      expect(ed25519VerifyNoble(pair.publicKey, m, sig)).toBe(false);
    }
  });
});
