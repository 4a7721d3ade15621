/**
 * `tao subnet list | create | start` on tao's ledger pools, end to end: a real `tao node start --dev --instant`
 * process, wallets made by `tao wallet create --no-password`, the real binary. create reports the pool it
 * seeded (1,000 τ / 1,000 α on dev); start signs start_call, and the ledger's refusals (not the owner, too
 * early, already started) come back as exit 5 with their code; after it a stake buys α from the new pool and
 * the list shows the pool's reserves, price and emission share with the Subtensor rows' field names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTao } from '../../src/core/amount.js';
import { parseJson, runTao, type TaoResult, tempHome } from '../helpers/tao.js';
import { expectIncluded, freePort, type Json, kill, type NodeProc, rpc, startNode } from './node-helpers.js';

const { home, cleanup } = tempHome('tao-subnet-pools-');
let node: NodeProc;
let netuid = 0;

const tao = (args: string[]): Promise<TaoResult> => runTao(['--node', node.url, ...args], { home });
const asOwner = (args: string[]) => tao(['--json', '--wallet', 'owner', ...args]);

function expectRejected(r: TaoResult, code: string): void {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(5);
  expect(JSON.parse(r.stderr).error.code).toBe(code);
}

async function listed(): Promise<Map<number, Json>> {
  const r = await tao(['--json', 'subnet', 'list']);
  expect(r.code, r.stderr).toBe(0);
  return new Map(parseJson<Json>(r).subnets.map((s: Json) => [s.netuid, s]));
}

beforeAll(async () => {
  node = await startNode(home, await freePort(), ['--instant']);
  for (const w of ['owner', 'other']) {
    const r = await runTao(['--json', '--wallet', w, 'wallet', 'create', '--no-password'], { home });
    expect(r.code, r.stderr).toBe(0);
    expectIncluded(await tao(['--json', '--wallet', w, 'wallet', 'faucet', '--amount', '100']));
  }
}, 60_000);

afterAll(async () => {
  await kill(node, 'SIGTERM');
  cleanup();
});

describe('tao subnet on the ledger pools', () => {
  it('list shows the genesis pool of subnet 1: price 1, 1,000 τ and 1,000 α, started', async () => {
    const one = (await listed()).get(1);
    expect(one).toMatchObject({
      price: '1.000000000',
      tao_in: '1000.000000000',
      alpha_in: '1000.000000000',
      started: true,
      first_emission_block: 1,
      tempo: expect.any(Number),
      n: 0,
    });
    expect(typeof one.emission_share).toBe('number');
    const text = await tao(['subnet', 'list']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/netuid +price +τ in pool +α in pool +emission +tempo +neurons +burn/);
    expect(text.stdout).toMatch(/ 1 +1\.000000000 τ\/α +1000\.000000000 τ +1000\.000000000 α /);
  });

  it('create reports the pool it seeded, not started', async () => {
    const out = expectIncluded(await asOwner(['subnet', 'create']));
    netuid = out.netuid;
    expect(netuid).toBe(2);
    expect(out.pool).toEqual({
      price: '1.000000000',
      tao_in: '1000.000000000',
      alpha_in: '1000.000000000',
      alpha_out: '0.000000000',
      emission_share: 0,
      tao_in_emission: '0.000000000',
      started: false,
      first_emission_block: null,
    });
    expect((await listed()).get(netuid)).toMatchObject({ started: false, tao_in: '1000.000000000' });
    const text = await tao(['subnet', 'list']);
    expect(text.stdout).toMatch(/ 2 +1\.000000000 τ\/α .* \(not started\)/);
  });

  it('start: refused to another coldkey (E_NOT_SUBNET_OWNER) and before its block (E_START_TOO_EARLY), exit 5', async () => {
    expectRejected(
      await tao(['--json', '--wallet', 'other', 'subnet', 'start', '--netuid', String(netuid)]),
      'E_NOT_SUBNET_OWNER',
    );
    expectRejected(await asOwner(['subnet', 'start', '--netuid', String(netuid)]), 'E_START_TOO_EARLY');
    expect((await listed()).get(netuid).started).toBe(false);
  });

  it('start after the delay: emits from the next block; a second start is E_ALREADY_STARTED', async () => {
    await rpc(node.url, 'dev_mine', { blocks: 10 }); // start_call_delay on dev chains
    const out = expectIncluded(await asOwner(['subnet', 'start', '--netuid', String(netuid)]));
    expect(out).toMatchObject({ netuid, first_emission_block: out.block + 1 });
    expect((await listed()).get(netuid)).toMatchObject({
      started: true,
      first_emission_block: out.block + 1,
    });
    expectRejected(await asOwner(['subnet', 'start', '--netuid', String(netuid)]), 'E_ALREADY_STARTED');
  }, 30_000);

  it('stake add --netuid 2 buys α from the new pool; the list shows the pool and its emission share', async () => {
    expectIncluded(await asOwner(['subnet', 'register', '--netuid', String(netuid)]));
    const before = (await listed()).get(netuid);
    const staked = expectIncluded(
      await asOwner(['stake', 'add', '--netuid', String(netuid), '--amount', '1']),
    );
    const after = (await listed()).get(netuid);
    // 1 τ in, less the pool's 0.05 % fee (held apart), plus the block's emission into a pool just started
    const taoIn = parseTao(after.tao_in) - parseTao(before.tao_in);
    expect(taoIn > 999_000_000n && taoIn < 1_001_000_000n, `τ in: ${taoIn}`).toBe(true);
    expect(parseTao(staked.alpha)).toBeGreaterThan(990_000_000n);
    expect(parseTao(after.alpha_out) - parseTao(before.alpha_out)).toBeGreaterThanOrEqual(
      parseTao(staked.alpha),
    );
    expect(parseTao(after.price)).toBeGreaterThan(parseTao(before.price));
    expect(after.n).toBe(1);
    // Emission follows each started pool's moving price: a new pool's share grows from 0.
    await rpc(node.url, 'dev_mine', { blocks: 20 });
    const all = await listed();
    const shares = [...all.values()].map((s) => s.emission_share as number);
    expect(all.get(netuid).emission_share).toBeGreaterThan(0);
    expect(all.get(1).emission_share).toBeGreaterThan(all.get(netuid).emission_share);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const total = [...all.values()].reduce((sum, s) => sum + parseTao(s.tao_in_emission), 0n);
    expect(all.get(netuid).emission_share).toBeCloseTo(
      Number(parseTao(all.get(netuid).tao_in_emission)) / Number(total),
      8,
    );
  }, 30_000);
});
