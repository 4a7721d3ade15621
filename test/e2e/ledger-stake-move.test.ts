/**
 * `tao stake move | transfer` on tao's ledger end to end: a real `tao node start --dev --instant` process,
 * wallets made by `tao wallet create --no-password`, the real binary. alice stakes α on subnet 1, moves half
 * to bob's hotkey (move_stake), transfers some to bob's coldkey (transfer_stake), and after the dev key //Bob
 * creates and starts subnet 2 moves α across subnets on her own hotkey (swap_stake) and to bob's hotkey (move_stake).
 * Every α amount is checked to the rao against `tao stake list --json` (alpha_stakes) and the command's
 * JSON or preview. Each transaction is kept out of an epoch block (an epoch pays α to the stakes), so the
 * only change between the lists is the transaction's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/client/node-client.js';
import { sendTx } from '../../src/client/send.js';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { parseJson, runTao, type TaoResult, tempHome } from '../helpers/tao.js';
import {
  clearOfEpochs as clearOfEpochsOn,
  freePort,
  type Json,
  kill,
  type NodeProc,
  rpc,
  startNode,
} from './node-helpers.js';

const { home, cleanup } = tempHome('tao-stake-move-');
let node: NodeProc;
const addr: Record<string, { coldkey: string; hotkey: string }> = {};

const tao = (args: string[]): Promise<TaoResult> => runTao(['--node', node.url, ...args], { home });
/** `tao --json --wallet alice stake …` */
const aliceStake = (...args: string[]): Promise<TaoResult> =>
  tao(['--json', '--wallet', 'alice', 'stake', ...args]);

const RAO = 1_000_000_000n;
const rao = (t: string): bigint => {
  const [w, f = ''] = t.split('.');
  return BigInt(w!) * RAO + BigInt(f.padEnd(9, '0'));
};
const taoText = (r: bigint): string => `${r / RAO}.${(r % RAO).toString().padStart(9, '0')}`;

function expectTxOk(r: TaoResult): Json {
  expect(r.code, r.stderr).toBe(0);
  const out = parseJson<Json>(r);
  expect(out.status).toBe('included');
  return out;
}

function expectJsonError(r: TaoResult, exit: number, code: string): string {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(exit);
  expect(r.stdout).toBe('');
  const error = JSON.parse(r.stderr).error;
  expect(error.code).toBe(code);
  return `${error.message} ${error.hint ?? ''}`;
}

/** Every α stake on the ledger, `${coldkey}/${hotkey}/${netuid}` → α in rao. */
async function alphaStakes(): Promise<Map<string, bigint>> {
  const r = await tao(['--json', 'stake', 'list', '--all']);
  expect(r.code, r.stderr).toBe(0);
  return new Map(
    parseJson<Json>(r).alpha_stakes.map((s: Json) => [`${s.coldkey}/${s.hotkey}/${s.netuid}`, rao(s.alpha)]),
  );
}
const key = (coldkey: string, hotkey: string, netuid: number) => `${coldkey}/${hotkey}/${netuid}`;
const diff = (before: Map<string, bigint>, after: Map<string, bigint>, k: string) =>
  (after.get(k) ?? 0n) - (before.get(k) ?? 0n);

/** Mines a block while the next one would run an epoch of subnet 1 or 2 (it would pay α to stakes). */
const clearOfEpochs = () => clearOfEpochsOn(node.url, [1, 2]);

beforeAll(async () => {
  node = await startNode(home, await freePort(), ['--instant']);
  for (const w of ['alice', 'bob']) {
    const r = await runTao(['--json', '--wallet', w, 'wallet', 'create', '--no-password'], { home });
    expect(r.code, r.stderr).toBe(0);
    const out = parseJson<Json>(r);
    addr[w] = { coldkey: out.coldkey.ss58, hotkey: out.hotkey.ss58 };
    expectTxOk(await tao(['--json', '--wallet', w, 'wallet', 'faucet', '--amount', '500']));
    expectTxOk(await tao(['--json', '--wallet', w, 'subnet', 'register', '--netuid', '1']));
  }
  expectTxOk(await aliceStake('add', '--netuid', '1', '--amount', '5', '--tolerance', '0.1'));
}, 90_000);

afterAll(async () => {
  await kill(node, 'SIGTERM');
  cleanup();
});

describe('tao stake move | transfer on the ledger', () => {
  it('moves half of the α to another hotkey within subnet 1, to the rao', async () => {
    const { alice, bob } = addr as Record<string, { coldkey: string; hotkey: string }>;
    await clearOfEpochs();
    const before = await alphaStakes();
    const held = before.get(key(alice!.coldkey, alice!.hotkey, 1))!;
    expect(held).toBeGreaterThan(0n);
    const half = held / 2n;
    const out = expectTxOk(
      await aliceStake('move', '--netuid', '1', '--dest-hotkey', bob!.hotkey, '--amount', taoText(half)),
    );
    expect(out).toMatchObject({
      netuid: 1,
      dest_netuid: 1,
      hotkey: alice!.hotkey,
      dest_hotkey: bob!.hotkey,
      alpha: taoText(half),
      expected_alpha_received: taoText(half),
      limit_price: null,
      tolerance: null,
      partial: false,
    });
    const after = await alphaStakes();
    expect(diff(before, after, key(alice!.coldkey, alice!.hotkey, 1))).toBe(-half);
    expect(diff(before, after, key(alice!.coldkey, bob!.hotkey, 1))).toBe(rao(out.alpha_received));
    // α moves as is within a subnet: at most the share pool's rounding rao is lost
    expect(half - rao(out.alpha_received) <= 1n).toBe(true);
  }, 60_000);

  it('transfers α to another coldkey on the same hotkey, to the rao', async () => {
    const { alice, bob } = addr as Record<string, { coldkey: string; hotkey: string }>;
    await clearOfEpochs();
    const before = await alphaStakes();
    const out = expectTxOk(
      await aliceStake('transfer', '--netuid', '1', '--dest', bob!.coldkey, '--amount', '0.75'),
    );
    expect(out).toMatchObject({ dest_coldkey: bob!.coldkey, hotkey: alice!.hotkey, alpha: '0.750000000' });
    const after = await alphaStakes();
    expect(diff(before, after, key(alice!.coldkey, alice!.hotkey, 1))).toBe(-rao('0.75'));
    expect(diff(before, after, key(bob!.coldkey, alice!.hotkey, 1))).toBe(rao(out.alpha_received));
    expect(rao('0.75') - rao(out.alpha_received) <= 1n).toBe(true);
  }, 60_000);

  it('refuses before signing: root, more than held, a subnet that does not exist', async () => {
    const { bob } = addr as Record<string, { coldkey: string; hotkey: string }>;
    const head = (await rpc(node.url, 'chain_head')).number;
    const move = (...flags: string[]) => aliceStake('move', '--dest-hotkey', bob!.hotkey, ...flags);
    expect(
      expectJsonError(await move('--netuid', '0', '--dest-netuid', '1', '--amount', '1'), 2, 'E_USAGE'),
    ).toMatch(/root stake \(netuid 0\)/);
    expectJsonError(await move('--netuid', '1', '--amount', '1000'), 5, 'E_INSUFFICIENT_STAKE');
    expect(
      expectJsonError(
        await move('--netuid', '1', '--dest-netuid', '2', '--amount', '1'),
        5,
        'E_UNKNOWN_SUBNET',
      ),
    ).toMatch(/subnet 2 does not exist/);
    // nothing was sent: no block was made for a transaction
    expect((await rpc(node.url, 'chain_head')).number).toBe(head);
  }, 60_000);

  it('after subnet 2 starts: moves α across subnets (swap_stake, then move_stake), exact to the preview', async () => {
    const { alice, bob } = addr as Record<string, { coldkey: string; hotkey: string }>;
    // subnet 2, created and started by the dev key //Bob (start_call signed with the client itself)
    const created = expectTxOk(await tao(['--json', 'subnet', 'create', '--signer-uri', '//Bob']));
    expect(created.netuid).toBe(2);
    await rpc(node.url, 'dev_mine', { blocks: 10 });
    const started = await sendTx(
      new NodeClient(node.url),
      keyPairFromUri('//Bob'),
      { type: 'start_call', netuid: 2 },
      { timeoutMs: 30_000 },
    );
    expect(started.status).toBe('included');

    // the same hotkey into subnet 2: swap_stake without a limit; the text preview says so
    await clearOfEpochs();
    let before = await alphaStakes();
    const r = await tao([
      '--yes',
      '--wallet',
      'alice',
      'stake',
      'move',
      '--netuid',
      '1',
      '--dest-netuid',
      '2',
      '--amount',
      '1',
      '--unsafe',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/price protection\s+OFF \(--unsafe\)/);
    const expected = /expected alpha out\s+([0-9.]+) α \(via ([0-9.]+) τ\)/.exec(r.stderr);
    expect(expected, r.stderr).not.toBeNull();
    let after = await alphaStakes();
    expect(diff(before, after, key(alice!.coldkey, alice!.hotkey, 1))).toBe(-RAO);
    expect(diff(before, after, key(alice!.coldkey, alice!.hotkey, 2))).toBe(rao(expected![1]!));
    expect(rao(expected![1]!)).toBeGreaterThan(0n);

    // to bob's hotkey in subnet 2: move_stake, JSON, price-protected by default (limit_price on the ratio)
    await clearOfEpochs();
    before = after;
    const out = expectTxOk(
      await aliceStake(
        'move',
        '--netuid',
        '1',
        '--dest-netuid',
        '2',
        '--dest-hotkey',
        bob!.hotkey,
        '--amount',
        '0.5',
      ),
    );
    expect(out).toMatchObject({ netuid: 1, dest_netuid: 2, alpha: '0.500000000', tolerance: '0.005' });
    expect(rao(out.limit_price)).toBeGreaterThan(0n); // a floor on origin/destination price, 0.5 % under
    expect(out.alpha_received).toBe(out.expected_alpha_received);
    after = await alphaStakes();
    expect(diff(before, after, key(alice!.coldkey, alice!.hotkey, 1))).toBe(-rao('0.5'));
    expect(diff(before, after, key(alice!.coldkey, bob!.hotkey, 2))).toBe(rao(out.alpha_received));
  }, 90_000);

  it('stake remove --all --netuid 2 sells every α of that stake and leaves subnet 1 alone', async () => {
    const { alice } = addr as Record<string, { coldkey: string; hotkey: string }>;
    await clearOfEpochs();
    const before = await alphaStakes();
    const held = before.get(key(alice!.coldkey, alice!.hotkey, 2))!;
    const out = expectTxOk(
      await tao(['--json', '--wallet', 'alice', 'stake', 'remove', '--all', '--netuid', '2', '--unsafe']),
    );
    expect(rao(out.alpha)).toBe(held);
    const after = await alphaStakes();
    expect(after.get(key(alice!.coldkey, alice!.hotkey, 2)) ?? 0n).toBe(0n);
    expect(diff(before, after, key(alice!.coldkey, alice!.hotkey, 1))).toBe(0n);
  }, 60_000);
});
