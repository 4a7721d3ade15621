/**
 * The CLI's submit path (src/chain/subtensor/submit.ts) when the chain drops its transaction (issue 11: "a
 * block that rejects the tx for resources is retried once, never silently dropped"). The drop is forced, not
 * waited for: the localnet builds blocks only when asked (Chopsticks' Manual mode), and while `tao wallet
 * transfer` waits in the pool a competing transfer signed with the same nonce is put in a block of its own
 * (dev_newBlock with that one transaction). The next block then finds the CLI's transaction stale and refuses
 * it. The CLI must send it again once, with the next nonce (it landed nowhere, so nothing is paid twice), and
 * report the block that holds it; when the resend is refused too, it must say E_TX_DROPPED (exit 5), not hang
 * and not claim an inclusion.
 */
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { parseJson, runTao, type TaoResult, tempHome } from '../helpers/tao.js';
import { describeLocalnet, endpoint, head, resetChain, rpc } from './harness.js';
import { type Fixture, freeOf, fund, openFixture, RAO, tx } from './stake-fixture.js';

const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const CHARLIE = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y';
const SIGNER_URI = '//Alice//submit-drop';

describeLocalnet('Subtensor submit: a transaction the chain drops', () => {
  const { home, cleanup } = tempHome('tao-st-drop-');
  let fx: Fixture;
  let signer: KeyringPair;

  beforeAll(async () => {
    fx = await openFixture(endpoint());
    signer = fx.keyring.addFromUri(SIGNER_URI);
  });
  beforeEach(async () => {
    await resetChain();
    await fund(fx, signer.address, 100n);
  });
  afterEach(async () => {
    await rpc('dev_setBlockBuildMode', ['Instant']);
  });
  afterAll(async () => {
    await resetChain();
    await fx.close();
    cleanup();
  });

  /** `tao wallet transfer` of 1 τ from the signer to //Bob, started now, answered later. */
  const transfer = (): Promise<TaoResult> =>
    runTao(
      [
        '--network',
        endpoint(),
        'wallet',
        'transfer',
        '--signer-uri',
        SIGNER_URI,
        '--dest',
        BOB,
        '--amount',
        '1',
        '--yes',
        '--json',
      ],
      { home, timeoutMs: 150_000 },
    );

  /** The signer's transaction with `nonce` once it is in the pool (polled; fails after 60 s rather than hang). */
  const pooled = async (nonce: number, cli: { done: boolean }): Promise<void> => {
    for (let i = 0; i < 300; i++) {
      const pending = await rpc<string[]>('author_pendingExtrinsics');
      for (const hex of pending) {
        const x = fx.api.createType('Extrinsic', hex);
        if (x.signer.toString() === signer.address && x.nonce.toNumber() === nonce) return;
      }
      if (cli.done)
        throw new Error(`the CLI finished before a transaction with nonce ${nonce} reached the pool`);
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`no transaction with nonce ${nonce} from the signer reached the pool`);
  };

  /** A 2 τ transfer to //Charlie signed with `nonce`, in a block of its own; then a block that finds the CLI's stale. */
  const usurp = async (nonce: number): Promise<void> => {
    const competing = tx(
      fx.api,
      'balances',
      'transferKeepAlive',
    )(CHARLIE, 2n * RAO) as SubmittableExtrinsic<'promise'>;
    await competing.signAsync(signer, { nonce });
    await rpc('dev_newBlock', [{ transactions: [competing.toHex()] }]);
    await rpc('dev_newBlock', [{ count: 1 }]);
  };

  const nonceOf = async (address: string): Promise<number> =>
    Number(
      (
        (await fx.api.query.system!.account!(address)) as unknown as { nonce: { toString(): string } }
      ).nonce.toString(),
    );

  const start = async () => {
    const nonce = await nonceOf(signer.address);
    const bob = await freeOf(fx, BOB);
    const charlie = await freeOf(fx, CHARLIE);
    await rpc('dev_setBlockBuildMode', ['Manual']);
    const cli = { done: false };
    const result = transfer().finally(() => {
      cli.done = true;
    });
    return { nonce, bob, charlie, cli, result };
  };

  it('sends a transaction the next block refuses (stale: usurped by the same nonce) once more and reports the block that holds it', async () => {
    const { nonce, bob, charlie, cli, result } = await start();
    await pooled(nonce, cli);
    await usurp(nonce);
    await pooled(nonce + 1, cli);
    await rpc('dev_newBlock', [{ count: 1 }]);
    const r = await result;
    expect(r.code, r.stderr).toBe(0);
    const report = parseJson<{ status: string; block: number; amount: string }>(r);
    expect(report.status).toBe('included');
    expect(report.block).toBe(await head());
    // the transfer landed once (the stale one nowhere), the competing one once, and nothing else
    expect(await freeOf(fx, BOB)).toBe(bob + RAO);
    expect(await freeOf(fx, CHARLIE)).toBe(charlie + 2n * RAO);
    expect(await nonceOf(signer.address)).toBe(nonce + 2);
  });

  it('reports E_TX_DROPPED (exit 5) when the resend is refused too, and nothing of it was included', async () => {
    const { nonce, bob, charlie, cli, result } = await start();
    await pooled(nonce, cli);
    await usurp(nonce);
    await pooled(nonce + 1, cli);
    await usurp(nonce + 1);
    const r = await result;
    expect(r.code, r.stdout + r.stderr).toBe(5);
    const error = (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('E_TX_DROPPED');
    expect(error.message).toMatch(/twice; nothing was included/);
    expect(await freeOf(fx, BOB)).toBe(bob);
    expect(await freeOf(fx, CHARLIE)).toBe(charlie + 4n * RAO);
    expect(await nonceOf(signer.address)).toBe(nonce + 2);
  });
});
