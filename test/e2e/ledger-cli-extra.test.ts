/**
 * `tao stake take` (set_delegate_take) and `tao subnet serve` (serve_axon) end to end: a real
 * `tao node start --dev --instant` process, wallets made by `tao wallet create --no-password`, the real
 * binary. The take is checked by its effect: the owner's cut of its α nominators' dividends at the next
 * epoch (the nominator stakes α on subnet 1 with `tao stake add --netuid 1`); the axon by the metagraph.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runTao, type TaoResult, tempHome } from '../helpers/tao.js';
import { freePort, type Json, kill, type NodeProc, rpc, startNode } from './node-helpers.js';

const { home, cleanup } = tempHome('tao-ledger-extra-');
let node: NodeProc;
const addr: Record<string, { coldkey: string; hotkey: string }> = {};

const tao = (args: string[]): Promise<TaoResult> => runTao(['--node', node.url, ...args], { home });

const rao = (t: string): bigint => {
  const [w, f = ''] = t.split('.');
  return BigInt(w!) * 1_000_000_000n + BigInt(f.padEnd(9, '0'));
};

function expectTxOk(r: TaoResult): Json {
  expect(r.code, r.stderr).toBe(0);
  const out = parseJson<Json>(r);
  expect(out.status).toBe('included');
  expect(out.tx_hash).toMatch(/^0x[0-9a-f]{64}$/);
  return out;
}

function expectJsonError(r: TaoResult, exit: number, code: string): void {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(exit);
  expect(r.stdout).toBe('');
  expect(JSON.parse(r.stderr).error.code).toBe(code);
}

/** α on `hotkey` in subnet 1 by coldkey, in rao (0 when none). */
async function stakes(hotkey: string): Promise<Map<string, bigint>> {
  const r = await tao(['--json', 'stake', 'list', '--hotkey-address', hotkey]);
  expect(r.code, r.stderr).toBe(0);
  return new Map(
    parseJson<Json>(r)
      .alpha_stakes.filter((s: Json) => s.netuid === 1)
      .map((s: Json) => [s.coldkey, rao(s.alpha)]),
  );
}

/** Mines exactly one epoch of subnet 1 (tempo + 1 blocks) and returns what its one neuron was paid. */
async function mineEpoch(): Promise<bigint> {
  const hp = await rpc(node.url, 'subnet_hyperparameters', { netuid: 1 });
  await rpc(node.url, 'dev_mine', { blocks: hp.tempo + 1 });
  const r = await tao(['--json', 'subnet', 'metagraph', '--netuid', '1']);
  expect(r.code, r.stderr).toBe(0);
  const neurons = parseJson<Json>(r).neurons;
  expect(neurons).toHaveLength(1);
  return rao(neurons[0].emission);
}

beforeAll(async () => {
  node = await startNode(home, await freePort(), ['--instant']);
  for (const w of ['owner', 'nominator']) {
    const r = await runTao(['--json', '--wallet', w, 'wallet', 'create', '--no-password'], { home });
    expect(r.code, r.stderr).toBe(0);
    const out = parseJson<Json>(r);
    addr[w] = { coldkey: out.coldkey.ss58, hotkey: out.hotkey.ss58 };
    expectTxOk(await tao(['--json', '--wallet', w, 'wallet', 'faucet', '--amount', '500']));
  }
  expectTxOk(await tao(['--json', '--wallet', 'owner', 'subnet', 'register', '--netuid', '1']));
  expectTxOk(
    await tao([
      '--json',
      '--wallet',
      'nominator',
      'stake',
      'add',
      '--netuid',
      '1',
      '--amount',
      '100',
      '--tolerance',
      '0.3', // 100 τ into a pool of 1,000 τ raises its price by ~21 %
      '--hotkey-address',
      addr.owner!.hotkey,
    ]),
  );
}, 90_000);

afterAll(async () => {
  await kill(node, 'SIGTERM');
  cleanup();
});

/** Distinct (take, take_percent) of the stakes on a hotkey, as `tao stake list --json` reports them. */
async function listedTakes(hotkey: string): Promise<[number, string][]> {
  const list = parseJson<{ alpha_stakes: { take: number; take_percent: string }[] }>(
    await tao(['--json', 'stake', 'list', '--hotkey-address', hotkey]),
  );
  const seen = new Map(list.alpha_stakes.map((s) => [s.take, s.take_percent]));
  return [...seen.entries()];
}

describe('tao stake take', () => {
  it('sets take 0: at the next epoch the nominator gets all the dividends, the owner nothing', async () => {
    const out = expectTxOk(await tao(['--json', '--wallet', 'owner', 'stake', 'take', '--take', '0']));
    expect(out).toMatchObject({ hotkey: addr.owner!.hotkey, take: 0, take_percent: '0.00 %' });
    expect(await listedTakes(addr.owner!.hotkey)).toEqual([[0, '0.00 %']]);
    const before = await stakes(addr.owner!.hotkey);
    const paid = await mineEpoch();
    expect(paid).toBeGreaterThan(0n);
    const after = await stakes(addr.owner!.hotkey);
    // the only α nominator: all of it, less at most a rao its share rounds away
    const gained = after.get(addr.nominator!.coldkey)! - before.get(addr.nominator!.coldkey)!;
    expect(gained >= paid - 1n && gained <= paid).toBe(true);
    expect(after.get(addr.owner!.coldkey) ?? 0n).toBe(0n);
  }, 60_000);

  it('sets take 18 % (11796): the owner then keeps floor(paid · 11796 / 65535) to the rao', async () => {
    const out = expectTxOk(
      await tao([
        '--json',
        '--wallet',
        'owner',
        'stake',
        'take',
        '--take',
        '18',
        '--hotkey-address',
        addr.owner!.hotkey,
      ]),
    );
    expect(out).toMatchObject({ take: 11796, take_percent: '18.00 %' });
    expect(await listedTakes(addr.owner!.hotkey)).toEqual([[11796, '18.00 %']]);
    const text = await tao(['stake', 'list', '--hotkey-address', addr.owner!.hotkey]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/take/);
    expect(text.stdout).toContain('18.00 %');
    const before = await stakes(addr.owner!.hotkey);
    const paid = await mineEpoch();
    const after = await stakes(addr.owner!.hotkey);
    const cut = (paid * 11796n) / 65535n;
    expect(cut).toBeGreaterThan(0n);
    // the take becomes the owner's α first; the rest is shared by every α holder, the owner's new share too
    const nominator0 = before.get(addr.nominator!.coldkey)!;
    const owner = after.get(addr.owner!.coldkey)!;
    const gained = after.get(addr.nominator!.coldkey)! - nominator0;
    expect(owner + gained >= paid - 2n && owner + gained <= paid).toBe(true);
    const ownerRest = ((paid - cut) * cut) / (nominator0 + cut);
    expect(owner >= cut + ownerRest - 2n && owner <= cut + ownerRest + 2n).toBe(true);
  }, 60_000);

  it('rejects a take set by a coldkey that does not own the hotkey with exit 5, charging nothing', async () => {
    const balance = async () =>
      parseJson<Json>(await tao(['--json', 'wallet', 'balance', '--address', addr.nominator!.coldkey]))
        .balances[0].free;
    const free = await balance();
    const r = await tao([
      '--json',
      '--wallet',
      'nominator',
      'stake',
      'take',
      '--take',
      '5',
      '--hotkey-address',
      addr.owner!.hotkey,
    ]);
    expectJsonError(r, 5, 'E_NOT_HOTKEY_OWNER');
    expect(await balance()).toBe(free);
  });

  it.each([['19'], ['-1'], ['abc'], ['18.0000001'], ['100'], ['']])(
    'answers --take %j with exit 2 E_BAD_TAKE before signing',
    async (take) => {
      const r = await tao(['--json', '--wallet', 'owner', 'stake', 'take', '--take', take]);
      expectJsonError(r, 2, take === '' ? 'E_MISSING_VALUE' : 'E_BAD_TAKE');
    },
  );

  it('rounds a fractional percentage to the nearest u16 (9.5 % → 6226)', async () => {
    const out = expectTxOk(await tao(['--json', '--wallet', 'owner', 'stake', 'take', '--take', '9.5']));
    expect(out.take).toBe(6226);
  });
});

describe('tao subnet serve', () => {
  it('announces the axon, signed by the hotkey with no fee; the metagraph shows it', async () => {
    const free = async () =>
      parseJson<Json>(await tao(['--json', 'wallet', 'balance', '--address', addr.owner!.coldkey]))
        .balances[0].free;
    const before = await free();
    const out = expectTxOk(
      await tao([
        '--json',
        '--wallet',
        'owner',
        'subnet',
        'serve',
        '--netuid',
        '1',
        '--ip',
        '203.0.113.7',
        '--port',
        '8091',
      ]),
    );
    expect(out).toMatchObject({
      netuid: 1,
      hotkey: addr.owner!.hotkey,
      axon: { ip: '203.0.113.7', port: 8091 },
    });
    expect(await free()).toBe(before);
    const m = parseJson<Json>(await tao(['--json', 'subnet', 'metagraph', '--netuid', '1']));
    expect(m.neurons[0]).toMatchObject({
      hotkey: addr.owner!.hotkey,
      axon: { ip: '203.0.113.7', port: 8091, protocol: 4 },
    });
    const text = await tao(['subnet', 'metagraph', '--netuid', '1']);
    expect(text.stdout).toContain('203.0.113.7:8091');
  });

  it('takes an IPv6 address and a protocol', async () => {
    expectTxOk(
      await tao([
        '--json',
        '--wallet',
        'owner',
        'subnet',
        'serve',
        '--netuid',
        '1',
        '--ip',
        '2001:db8::7',
        '--port',
        '9000',
        '--protocol',
        '6',
      ]),
    );
    const m = parseJson<Json>(await tao(['--json', 'subnet', 'metagraph', '--netuid', '1']));
    expect(m.neurons[0].axon).toEqual({ ip: '2001:db8::7', port: 9000, protocol: 6 });
  });

  it.each([
    [['--ip', 'example.com', '--port', '80'], 'E_BAD_IP'],
    [['--ip', '300.1.1.1', '--port', '80'], 'E_BAD_IP'],
    [['--ip', '10.0.0.1', '--port', '0'], 'E_BAD_PORT'],
    [['--ip', '10.0.0.1', '--port', '65536'], 'E_BAD_PORT'],
    [['--ip', '10.0.0.1', '--port', '80', '--protocol', '256'], 'E_BAD_PROTOCOL'],
  ])('answers %j with exit 2 %s before signing', async (flags, code) => {
    const r = await tao(['--json', '--wallet', 'owner', 'subnet', 'serve', '--netuid', '1', ...flags]);
    expectJsonError(r, 2, code);
  });

  it('is rejected with exit 5 for a hotkey not registered on the subnet', async () => {
    const r = await tao([
      '--json',
      '--wallet',
      'nominator',
      'subnet',
      'serve',
      '--netuid',
      '1',
      '--ip',
      '10.0.0.1',
      '--port',
      '80',
    ]);
    expectJsonError(r, 5, 'E_NOT_REGISTERED');
  });
});
