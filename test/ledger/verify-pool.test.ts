/**
 * The signature worker pool with real worker threads (the compiled `dist/` build, which `npm test` makes
 * before the tests run: from the TypeScript sources the pool has no worker script and checks in-thread).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/crypto/hex.js';
import { signTx } from '../../src/crypto/tx.js';
import type { LedgerError } from '../../src/ledger/state/errors.js';
import { checkTxStateless } from '../../src/ledger/state/tx-check.js';
import type * as PoolModule from '../../src/ledger/node/verify-pool.js';
import { key, TAO } from './helpers.js';

const BUILT = new URL('../../dist/ledger/node/verify-pool.js', import.meta.url);
const GENESIS = `0x${'ab'.repeat(32)}`;

function txs(count: number): unknown[] {
  const alice = key('//Alice', 'sr25519');
  return Array.from({ length: count }, (_, nonce) => {
    const tx = signTx(alice.pair, {
      genesisHash: fromHex(GENESIS),
      nonce,
      expiry: 100,
      call: { type: 'transfer', dest: key('//pool-dest').address, amount: String(TAO) },
    });
    return nonce % 5 === 4 ? { ...tx, signature: `0x${'00'.repeat(64)}` } : tx; // every 5th: bad signature
  });
}

/** What checking in this thread says: the hash or the error code, per tx. */
const inThread = (raws: unknown[]) =>
  raws.map((raw) => {
    try {
      return checkTxStateless(raw, GENESIS).hash;
    } catch (e) {
      return (e as LedgerError).code;
    }
  });
// The pool's errors are dist's LedgerError class, not this one: told apart by shape.
const verdicts = (v: readonly (LedgerError | { hash: string })[]) =>
  v.map((x) => ('hash' in x ? x.hash : x.code));

describe.skipIf(!existsSync(BUILT))('VerifyPool with real worker threads', () => {
  it('gives the in-thread verdicts, in order, chunk by chunk', async () => {
    const { VerifyPool } = (await import(BUILT.href)) as typeof PoolModule;
    const pool = new VerifyPool(2);
    try {
      expect(pool.size).toBe(2);
      const raws = txs(40);
      const chunks = pool.checkChunks(raws, GENESIS, 7);
      expect(chunks).toHaveLength(6);
      const all = (await Promise.all(chunks)).flat();
      expect(verdicts(all)).toEqual(inThread(raws));
      expect(verdicts(all).filter((v) => v === 'E_BAD_SIGNATURE')).toHaveLength(8);
    } finally {
      await pool.close();
    }
  });

  it('fails the chunks of a worker that dies, sends later work to the one left, then checks in this thread', async () => {
    const { VerifyPool } = (await import(BUILT.href)) as typeof PoolModule;
    const pool = new VerifyPool(2);
    const workers = (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots.map(
      (s) => s.worker,
    );
    try {
      const raws = txs(20);
      const inFlight = pool.checkChunks(raws, GENESIS, 10); // one chunk per worker
      await workers[0]!.terminate();
      const settled = await Promise.allSettled(inFlight);
      expect(settled.filter((s) => s.status === 'rejected').length).toBeGreaterThanOrEqual(1);
      expect(pool.size).toBe(1);
      expect(verdicts(await pool.check(raws, GENESIS))).toEqual(inThread(raws));
      await workers[1]!.terminate();
      expect(pool.size).toBe(0);
      expect(verdicts(await pool.check(raws, GENESIS))).toEqual(inThread(raws)); // no workers: this thread
    } finally {
      await pool.close();
    }
  });
});
