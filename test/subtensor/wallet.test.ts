/**
 * `tao wallet balance | transfer` and `tao node status` on the real Subtensor runtime, through the real binary:
 * the fee shown before signing equals the fee the chain charged (TransactionFeePaid), both balances move by
 * exactly the amount (and the fee), sr25519 and ed25519 wallets both sign, keep-alive --all leaves the
 * existential deposit, and a transfer the chain refuses is exit 5.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { describeLocalnet, endpoint, resetChain } from './harness.js';

const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const RAO = 1_000_000_000n;

interface Balances {
  balances: { address: string; free: string; reserved: string; staked: string; total: string }[];
}
interface Report {
  tx_hash: string;
  block: number;
  status: string;
  fee: string;
  fee_estimate: string;
}

const rao = (tao: string): bigint => {
  const [whole, frac = ''] = tao.split('.');
  return BigInt(whole ?? '0') * RAO + BigInt(frac.padEnd(9, '0'));
};

describeLocalnet('wallet on Subtensor', () => {
  const { home, cleanup } = tempHome('tao-st-wallet-');
  const tao = (args: string[]) => runTao(['--network', endpoint(), ...args], { home, timeoutMs: 120_000 });
  const freeOf = async (address: string): Promise<bigint> => {
    const r = await tao(['wallet', 'balance', '--address', address, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return rao(parseJson<Balances>(r).balances[0]!.free);
  };
  let sr = '';
  let ed = '';

  beforeAll(async () => {
    for (const [name, scheme] of [
      ['sr', 'sr25519'],
      ['ed', 'ed25519'],
    ] as const) {
      const r = await runTao(
        ['wallet', 'create', '--wallet', name, '--scheme', scheme, '--no-password', '--json'],
        { home },
      );
      expect(r.code, r.stderr).toBe(0);
      const address = parseJson<{ coldkey: { ss58: string } }>(r).coldkey.ss58;
      if (name === 'sr') sr = address;
      else ed = address;
    }
  });
  beforeEach(resetChain);
  afterAll(async () => {
    await resetChain();
    cleanup();
  });

  it('reads a dev account balance exactly and reports no stake', async () => {
    const r = await tao(['wallet', 'balance', '--address', BOB, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<Balances>(r).balances).toEqual([
      {
        address: BOB,
        free: '1000000.000000000',
        reserved: '0.000000000',
        staked: '0.000000000',
        total: '1000000.000000000',
      },
    ]);
  });

  it('transfers from an sr25519 and an ed25519 wallet: estimate == fee paid, balances exact', async () => {
    for (const [wallet, address] of [
      ['sr', sr],
      ['ed', ed],
    ] as const) {
      const fund = await tao([
        'wallet',
        'transfer',
        '--signer-uri',
        '//Alice',
        '--dest',
        address,
        '--amount',
        '25',
        '--yes',
        '--json',
      ]);
      expect(fund.code, fund.stderr).toBe(0);
      expect(await freeOf(address)).toBe(25n * RAO);

      const bobBefore = await freeOf(BOB);
      const r = await tao([
        'wallet',
        'transfer',
        '--wallet',
        wallet,
        '--dest',
        BOB,
        '--amount',
        '10.5',
        '--yes',
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const report = parseJson<Report>(r);
      expect(report.status).toBe('included');
      expect(report.block).toBeGreaterThan(0);
      expect(report.fee).toBe(report.fee_estimate);
      expect(rao(report.fee)).toBeGreaterThan(0n);
      expect(await freeOf(address)).toBe(25n * RAO - 10_500_000_000n - rao(report.fee));
      expect(await freeOf(BOB)).toBe(bobBefore + 10_500_000_000n);
    }
  });

  it('pays the fee spec 300 charges for a 10 TAO keep-alive transfer from //Alice (137,052 rao)', async () => {
    const r = await tao([
      'wallet',
      'transfer',
      '--signer-uri',
      '//Alice',
      '--dest',
      BOB,
      '--amount',
      '10',
      '--yes',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<Report>(r).fee).toBe('0.000137052');
  });

  it('--all keeps the sender alive and moves everything else', async () => {
    await tao([
      'wallet',
      'transfer',
      '--signer-uri',
      '//Alice',
      '--dest',
      sr,
      '--amount',
      '3',
      '--yes',
      '--json',
    ]);
    const bobBefore = await freeOf(BOB);
    const r = await tao(['wallet', 'transfer', '--wallet', 'sr', '--dest', BOB, '--all', '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const fee = rao(parseJson<Report>(r).fee);
    const left = await freeOf(sr);
    expect(left).toBeGreaterThan(0n);
    expect(left).toBeLessThan(RAO / 1000n);
    expect(await freeOf(BOB)).toBe(bobBefore + 3n * RAO - fee - left);
  });

  it('a transfer above the balance is refused before signing (exit 5) and costs nothing', async () => {
    await tao([
      'wallet',
      'transfer',
      '--signer-uri',
      '//Alice',
      '--dest',
      sr,
      '--amount',
      '1',
      '--yes',
      '--json',
    ]);
    const r = await tao([
      'wallet',
      'transfer',
      '--wallet',
      'sr',
      '--dest',
      BOB,
      '--amount',
      '5',
      '--yes',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(5);
    expect(JSON.parse(r.stderr).error.code).toBe('E_INSUFFICIENT_BALANCE');
    expect(await freeOf(sr)).toBe(RAO);
  });

  it('a call the runtime refuses is exit 5 with its decoded error, and the fee it charged', async () => {
    // Leaves ~48 rao, below the existential deposit (500): the pool accepts it (the fee is payable) and the
    // keep-alive transfer fails in dispatch.
    await tao([
      'wallet',
      'transfer',
      '--signer-uri',
      '//Alice',
      '--dest',
      sr,
      '--amount',
      '1',
      '--yes',
      '--json',
    ]);
    const r = await tao([
      'wallet',
      'transfer',
      '--wallet',
      'sr',
      '--dest',
      BOB,
      '--amount',
      '0.999862900',
      '--yes',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(5);
    const error = JSON.parse(r.stderr).error as { code: string; message: string };
    expect(error.code).toBe('E_CHAIN_REJECTED');
    expect(error.message).toMatch(/^Token\.\w+: /);
    const charged = /fee charged (\d+\.\d{9}) τ/.exec(error.message)?.[1];
    expect(charged, error.message).toBeDefined();
    expect(await freeOf(sr)).toBe(RAO - rao(charged ?? '0'));
  });

  it('node status names the chain, the runtime and the head', async () => {
    const r = await tao(['node', 'status', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r)).toMatchObject({
      running: true,
      backend: 'subtensor',
      spec_name: 'node-subtensor',
      spec_version: 300,
    });
  });
});

describe('network selection without a chain', () => {
  it('an endpoint where nothing listens is exit 4', async () => {
    const r = await runTao([
      '--network',
      'ws://127.0.0.1:1',
      'wallet',
      'balance',
      '--address',
      BOB,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(4);
    expect(JSON.parse(r.stderr).error.code).toBe('E_NODE_UNREACHABLE');
  });
});
