/**
 * `tao stake swap` and `tao subnet metagraph`'s alpha_stake on tao's ledger end to end: a real
 * `tao node start --dev --instant` process and the real binary. alice buys α on subnet 1; the dev key //Bob
 * creates and starts subnet 2; alice swaps α between them price-protected (swap_stake with limit_price):
 * within the tolerance the whole amount moves, exactly the preview's α; past it the CLI refuses before
 * signing (the ledger's own refusal: test/ledger/dtao-move-limit.test.ts); with --partial what the limit lets through
 * moves; --all --unsafe moves everything back. Every α figure is checked to the rao against the ledger's
 * stake_list (each transaction kept out of an epoch block, which would pay α to the stakes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/client/node-client.js';
import { sendTx } from '../../src/client/send.js';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { parseJson, runTao, type TaoResult, tempHome } from '../helpers/tao.js';
import {
  clearOfEpochs,
  expectIncluded,
  freePort,
  type Json,
  kill,
  type NodeProc,
  rpc,
  startNode,
} from './node-helpers.js';

const { home, cleanup } = tempHome('tao-stake-swap-');
let node: NodeProc;
let alice = { coldkey: '', hotkey: '' };

const tao = (args: string[]): Promise<TaoResult> => runTao(['--node', node.url, ...args], { home });
const swap = (...args: string[]) => tao(['--json', '--wallet', 'alice', 'stake', 'swap', ...args]);

const RAO = 1_000_000_000n;
const rao = (t: string): bigint => {
  const [w, f = ''] = t.split('.');
  return BigInt(w!) * RAO + BigInt(f.padEnd(9, '0'));
};

/** alice's α on her own hotkey in `netuid`, from the ledger's stake_list (rao). */
async function held(netuid: number): Promise<bigint> {
  const { alpha_stakes } = await rpc(node.url, 'stake_list', { coldkey: alice.coldkey });
  const s = alpha_stakes.find((a: Json) => a.hotkey === alice.hotkey && a.netuid === netuid);
  return s ? BigInt(s.alpha) : 0n;
}

function jsonError(r: TaoResult, exit: number, code: string): string {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(exit);
  const error = JSON.parse(r.stderr).error;
  expect(error.code).toBe(code);
  return error.message;
}

beforeAll(async () => {
  node = await startNode(home, await freePort(), ['--instant']);
  const r = await runTao(['--json', '--wallet', 'alice', 'wallet', 'create', '--no-password'], { home });
  expect(r.code, r.stderr).toBe(0);
  const out = parseJson<Json>(r);
  alice = { coldkey: out.coldkey.ss58, hotkey: out.hotkey.ss58 };
  expectIncluded(await tao(['--json', '--wallet', 'alice', 'wallet', 'faucet', '--amount', '500']));
  expectIncluded(await tao(['--json', '--wallet', 'alice', 'subnet', 'register', '--netuid', '1']));
  expectIncluded(
    await tao([
      '--json',
      '--wallet',
      'alice',
      'stake',
      'add',
      '--netuid',
      '1',
      '--amount',
      '100',
      '--unsafe',
    ]),
  );
  expect(expectIncluded(await tao(['--json', 'subnet', 'create', '--signer-uri', '//Bob'])).netuid).toBe(2);
  await rpc(node.url, 'dev_mine', { blocks: 10 });
  const started = await sendTx(
    new NodeClient(node.url),
    keyPairFromUri('//Bob'),
    { type: 'start_call', netuid: 2 },
    { timeoutMs: 30_000 },
  );
  expect(started.status).toBe('included');
}, 120_000);

afterAll(async () => {
  await kill(node, 'SIGTERM');
  cleanup();
});

describe('tao stake swap on the ledger', () => {
  it('refuses before signing: the same subnet, --amount with --all, --unsafe with --partial, root', async () => {
    expect(
      jsonError(await swap('--netuid', '1', '--dest-netuid', '1', '--amount', '1'), 2, 'E_USAGE'),
    ).toMatch(/must differ/);
    jsonError(await swap('--netuid', '1', '--dest-netuid', '2', '--amount', '1', '--all'), 2, 'E_USAGE');
    jsonError(
      await swap('--netuid', '1', '--dest-netuid', '2', '--amount', '1', '--unsafe', '--partial'),
      2,
      'E_USAGE',
    );
    expect(
      jsonError(await swap('--netuid', '0', '--dest-netuid', '1', '--amount', '1'), 2, 'E_USAGE'),
    ).toMatch(/root stake \(netuid 0\)/);
  }, 60_000);

  it('swaps 2 α from subnet 1 into subnet 2 within the default tolerance: exactly the preview', async () => {
    await clearOfEpochs(node.url, [1, 2]);
    const [one, two] = [await held(1), await held(2)];
    const out = expectIncluded(await swap('--netuid', '1', '--dest-netuid', '2', '--amount', '2'));
    expect(out).toMatchObject({
      netuid: 1,
      dest_netuid: 2,
      hotkey: alice.hotkey,
      alpha: '2.000000000',
      tolerance: '0.005',
      partial: false,
    });
    expect(out.alpha_received).toBe(out.expected_alpha_received);
    expect(rao(out.alpha_received)).toBeGreaterThan(0n);
    // the limit is 0.5 % under the origin/destination price ratio
    expect(rao(out.limit_price)).toBe((rao(out.ratio) * 995n) / 1000n);
    expect(await held(1)).toBe(one - 2n * RAO);
    expect(await held(2)).toBe(two + rao(out.alpha_received));
  }, 60_000);

  it('past the tolerance: refused before signing; --partial moves exactly what the limit lets through', async () => {
    const head = (await rpc(node.url, 'chain_head')).number;
    const big = ['--netuid', '1', '--dest-netuid', '2', '--amount', '60'];
    expect(jsonError(await swap(...big), 5, 'E_SLIPPAGE')).toMatch(/at most [0-9.]+ α fits/);
    expect((await rpc(node.url, 'chain_head')).number).toBe(head); // nothing was sent

    // --partial: the part the limit lets through moves, exactly what the preview said
    await clearOfEpochs(node.url, [1, 2]);
    const [one, two] = [await held(1), await held(2)];
    const out = expectIncluded(await swap(...big, '--partial'));
    expect(out.partial).toBe(true);
    const moved = rao(out.alpha);
    expect(moved).toBeGreaterThan(0n);
    expect(moved).toBeLessThan(60n * RAO);
    expect(out.alpha_received).toBe(out.expected_alpha_received);
    expect(await held(1)).toBe(one - moved);
    expect(await held(2)).toBe(two + rao(out.alpha_received));
  }, 90_000);

  it('--all --unsafe moves every α back to subnet 1, no limit', async () => {
    await clearOfEpochs(node.url, [1, 2]);
    const [one, two] = [await held(1), await held(2)];
    expect(two).toBeGreaterThan(0n);
    const r = await tao([
      '--yes',
      '--wallet',
      'alice',
      'stake',
      'swap',
      '--netuid',
      '2',
      '--dest-netuid',
      '1',
      '--all',
      '--unsafe',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/price protection\s+OFF \(--unsafe\)/);
    const expected = /expected alpha out\s+([0-9.]+) α/.exec(r.stderr);
    expect(expected, r.stderr).not.toBeNull();
    expect(await held(2)).toBe(0n);
    expect(await held(1)).toBe(one + rao(expected![1]!));
  }, 60_000);
});

describe('tao subnet metagraph on the ledger', () => {
  it("shows each neuron's alpha_stake: the α staked on its hotkey in that subnet", async () => {
    const r = await tao(['--json', 'subnet', 'metagraph', '--netuid', '1']);
    expect(r.code, r.stderr).toBe(0);
    const neuron = parseJson<Json>(r).neurons.find((n: Json) => n.hotkey === alice.hotkey);
    const { alpha_stakes } = await rpc(node.url, 'stake_list', {});
    const total = alpha_stakes
      .filter((s: Json) => s.hotkey === alice.hotkey && s.netuid === 1)
      .reduce((sum: bigint, s: Json) => sum + BigInt(s.alpha), 0n);
    expect(total).toBeGreaterThan(0n);
    // the hotkey's share pool holds its stakers' α, each floored to the rao
    const alpha = rao(neuron.alpha_stake);
    expect(alpha >= total && alpha - total < 2n).toBe(true);
    // exactly what the node sends
    const wire = (await rpc(node.url, 'subnet_metagraph', { netuid: 1 })).neurons.find(
      (n: Json) => n.hotkey === alice.hotkey,
    );
    expect(alpha).toBe(BigInt(wire.alpha_stake));
  }, 60_000);
});
