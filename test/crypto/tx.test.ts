import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/hex.js';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { type SignedTx, signedTxHash, signTx, type TxCheck, verifyTx } from '../../src/crypto/tx.js';
import { signingPayload, txHash } from '../../src/crypto/tx-payload.js';

const GENESIS = fromHex(`0x${'ab'.repeat(32)}`);
const alice = keyPairFromUri('//Alice');
const bob = keyPairFromUri('//Bob');
const BOB = encodeAddress(bob.publicKey);

const transfer = (pair = alice): SignedTx =>
  signTx(pair, {
    genesisHash: GENESIS,
    nonce: 3,
    expiry: 1234,
    call: { type: 'transfer', dest: BOB, amount: '1500000000' },
  });

function failure(check: TxCheck, code: string, fragment?: string): void {
  expect(check.ok).toBe(false);
  if (check.ok) return;
  expect(check.code).toBe(code);
  if (fragment) expect(check.message).toContain(fragment);
}

describe('transaction envelope', () => {
  it.each(['sr25519', 'ed25519'] as const)(
    '%s: signTx produces the wire format and verifyTx accepts it',
    (scheme) => {
      const pair = keyPairFromUri('//Alice', scheme);
      const tx = transfer(pair);
      expect(tx).toMatchObject({
        signer: encodeAddress(pair.publicKey),
        scheme,
        nonce: 3,
        expiry: 1234,
        genesis_hash: `0x${'ab'.repeat(32)}`,
      });
      expect(tx.signature).toMatch(/^0x[0-9a-f]{128}$/);
      const check = verifyTx(JSON.parse(JSON.stringify(tx)));
      expect(check.ok).toBe(true);
      if (!check.ok) return;
      const payload = signingPayload({
        genesisHash: GENESIS,
        signer: pair.publicKey,
        scheme,
        nonce: 3,
        expiry: 1234,
        call: tx.call,
      });
      expect(check.payload).toEqual(payload);
      expect(check.signerKey).toEqual(pair.publicKey);
      expect(check.hash).toBe(toHex(txHash(payload, fromHex(tx.signature))));
      expect(signedTxHash(tx)).toBe(check.hash);
    },
  );

  it('the hash does not depend on the order of call fields (canonical JSON)', () => {
    const tx = transfer(keyPairFromUri('//Alice', 'ed25519'));
    const reordered = { ...tx, call: { amount: tx.call.amount, dest: tx.call.dest, type: 'transfer' } };
    expect(verifyTx(reordered)).toEqual(verifyTx(tx));
  });

  it('rejects a tampered call, nonce, expiry or chain as a bad signature', () => {
    const tx = transfer();
    failure(verifyTx({ ...tx, call: { ...tx.call, amount: '1500000001' } }), 'E_BAD_SIGNATURE', tx.signer);
    failure(verifyTx({ ...tx, nonce: 4 }), 'E_BAD_SIGNATURE');
    failure(verifyTx({ ...tx, expiry: 99999 }), 'E_BAD_SIGNATURE');
    failure(verifyTx({ ...tx, genesis_hash: `0x${'cd'.repeat(32)}` }), 'E_BAD_SIGNATURE');
    const sig = fromHex(tx.signature);
    sig[0]! ^= 1;
    failure(verifyTx({ ...tx, signature: toHex(sig) }), 'E_BAD_SIGNATURE');
  });

  it('rejects a wrong signer or a wrong scheme as a bad signature', () => {
    const tx = transfer();
    failure(verifyTx({ ...tx, signer: BOB }), 'E_BAD_SIGNATURE');
    failure(verifyTx({ ...tx, scheme: 'ed25519' }), 'E_BAD_SIGNATURE');
  });

  it('rejects an unparseable signer address as E_BAD_ADDRESS', () => {
    const tx = transfer();
    failure(verifyTx({ ...tx, signer: `${tx.signer.slice(0, -1)}x` }), 'E_BAD_ADDRESS', 'signer');
    failure(verifyTx({ ...tx, signer: encodeAddress(alice.publicKey, 0) }), 'E_BAD_ADDRESS', 'prefix 0');
  });

  it('rejects every malformed field as E_MALFORMED_TX, naming the field', () => {
    const tx = transfer() as unknown as Record<string, unknown>;
    const cases: [Record<string, unknown>, string][] = [
      [{ ...tx, genesis_hash: '0x1234' }, 'genesis_hash'],
      [{ ...tx, genesis_hash: `0x${'zz'.repeat(32)}` }, 'genesis_hash'],
      [{ ...tx, genesis_hash: 'ab'.repeat(32) }, 'genesis_hash'],
      [{ ...tx, signature: `${tx.signature as string}00` }, 'signature'],
      [{ ...tx, signature: (tx.signature as string).slice(0, -1) }, 'signature'],
      [{ ...tx, signature: 42 }, 'signature'],
      [{ ...tx, scheme: 'ecdsa' }, 'scheme'],
      [{ ...tx, scheme: undefined }, 'scheme'],
      [{ ...tx, nonce: 1.5 }, 'nonce'],
      [{ ...tx, nonce: -1 }, 'nonce'],
      [{ ...tx, nonce: '3' }, 'nonce'],
      [{ ...tx, nonce: 2 ** 53 }, 'nonce'],
      [{ ...tx, expiry: Number.NaN }, 'expiry'],
      [{ ...tx, expiry: null }, 'expiry'],
      [{ ...tx, call: null }, 'call'],
      [{ ...tx, call: [] }, 'call'],
      [{ ...tx, call: { dest: BOB } }, 'call.type'],
      [{ ...tx, call: { type: '' } }, 'call.type'],
      [{ ...tx, call: { type: 'transfer', amount: 1.5 } }, 'call'],
      [{ ...tx, signer: 12 }, 'signer'],
      [{ ...tx, extra: true }, 'extra'],
    ];
    for (const [bad, field] of cases) failure(verifyTx(bad), 'E_MALFORMED_TX', field);
  });

  it('never throws on garbage', () => {
    for (const junk of [undefined, null, 0, 'tx', [], [1], true, { call: { type: 'x' } }]) {
      failure(verifyTx(junk), 'E_MALFORMED_TX');
    }
    const cyclic: Record<string, unknown> = { type: 'transfer' };
    cyclic.self = cyclic;
    const check = verifyTx({ ...transfer(), call: cyclic });
    expect(check.ok).toBe(false);
  });
});
