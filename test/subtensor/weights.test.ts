/**
 * `tao weights set` on the real Subtensor runtime through the real binary: refused with E_COMMIT_REVEAL while
 * the subnet has commit-reveal on; once an epoch has granted the staked validator its permit, the u16 row it
 * sends is the row the chain stores, and after a few tempo-10 epochs the metagraph shows incentive where the
 * weights point and dividends on the validator, exactly as the chain's own vectors say.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { describeLocalnet, endpoint, mine, resetChain } from './harness.js';
import {
  type Chain,
  clearOfSessionBlock,
  fundedWallet,
  openChain,
  RAO,
  type TaoWallet,
} from './subnet-fixture.js';

describeLocalnet('weights on Subtensor', () => {
  const { home, cleanup } = tempHome('tao-st-weights-');
  const tao = async (args: string[]) => {
    await clearOfSessionBlock();
    return runTao(['--network', endpoint(), ...args, '--yes'], { home, timeoutMs: 120_000 });
  };
  let chain: Chain;
  let wallet: TaoWallet;
  let netuid = -1;
  const vector = async (item: string) =>
    (await chain.query('subtensorModule', item)(netuid)).toJSON() as number[];

  beforeAll(async () => {
    await resetChain();
    chain = await openChain(endpoint());
    wallet = await fundedWallet(chain, home, ['v', 'm'], 10n);
    // The subnet, owned by //Alice, started, with the wallet's two hotkeys registered (uids 1, 2) and 100 τ
    // staked on the validator hotkey v, done directly: these steps are subnet.test.ts's subject.
    const sudo = (call: unknown) => chain.tx('sudo', 'sudo')(call);
    await chain.send(sudo(chain.tx('adminUtils', 'sudoSetNetworkRateLimit')(0)));
    const owner = '5HpG9w8EBLe5XCrbczpwq5TSXvedjrBGCwqxK1iQ7qUsSWFc'; // //Charlie
    const events = await chain.send(chain.tx('subtensorModule', 'registerNetwork')(owner));
    netuid = Number(events.find((e) => e.method === 'NetworkAdded')?.data[0]);
    expect((await chain.query('subtensorModule', 'networksAdded')(netuid)).toString()).toBe('true');
    await mine(10);
    await chain.send(chain.tx('subtensorModule', 'startCall')(netuid));
    const r = await tao(['localnet', 'sudo', 'dev-params', '--netuid', String(netuid), '--json']);
    expect(r.code, r.stderr).toBe(0);
    for (const hotkey of [wallet.hotkeys.v, wallet.hotkeys.m])
      await chain.send(chain.tx('subtensorModule', 'burnedRegister')(netuid, hotkey));
    await chain.send(chain.tx('subtensorModule', 'addStake')(wallet.hotkeys.v, netuid, 100n * RAO));
  });
  afterAll(async () => {
    await chain?.close();
    await resetChain();
    cleanup();
  });

  it('commit-reveal on: E_COMMIT_REVEAL names the hyperparameter and drand, nothing sent', async () => {
    const on = await tao([
      'localnet',
      'sudo',
      'call',
      'adminUtils.sudoSetCommitRevealWeightsEnabled',
      String(netuid),
      'true',
      '--json',
    ]);
    expect(on.code, on.stderr).toBe(0);
    const r = await tao([
      'weights',
      'set',
      '--netuid',
      String(netuid),
      '--hotkey',
      'v',
      '--uids',
      '1,2',
      '--weights',
      '0.3,0.7',
      '--json',
    ]);
    expect(r.code).toBe(5);
    const err = (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
    expect(err.code).toBe('E_COMMIT_REVEAL');
    expect(err.message).toContain('commit_reveal_weights_enabled');
    expect(err.message).toContain('drand');
    expect((await chain.query('subtensorModule', 'weights')(netuid, 1)).toJSON()).toEqual([]);
    const off = await tao([
      'localnet',
      'sudo',
      'call',
      'adminUtils.sudoSetCommitRevealWeightsEnabled',
      String(netuid),
      'false',
      '--json',
    ]);
    expect(off.code, off.stderr).toBe(0);
  });

  it('after an epoch grants the permit, the row sent is the row stored; epochs then pay incentive and dividends', async () => {
    await mine(11); // one tempo-10 epoch: validator permits by stake
    expect((await vector('validatorPermit'))[1]).toBe(true);
    const r = await tao([
      'weights',
      'set',
      '--netuid',
      String(netuid),
      '--hotkey',
      'v',
      '--uids',
      '1,2',
      '--weights',
      '0.3,0.7',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = parseJson<{ block: number; weights_u16: number[]; uids: number[] }>(r);
    const stored = (await chain.query('subtensorModule', 'weights')(netuid, 1)).toJSON();
    expect(stored).toEqual([
      [1, out.weights_u16[0]],
      [2, out.weights_u16[1]],
    ]);
    expect(out.weights_u16).toEqual([28086, 65535]);
    expect((await vector('lastUpdate'))[1]).toBe(out.block);

    await mine(25);
    const m = await tao(['subnet', 'metagraph', '--netuid', String(netuid), '--json']);
    expect(m.code, m.stderr).toBe(0);
    const graph = parseJson<{
      neurons: {
        uid: number;
        incentive: number;
        dividends: number;
        emission: string;
        validator_permit: boolean;
        alpha_stake: string;
      }[];
    }>(m);
    const [incentive, dividends, emission] = await Promise.all([
      vector('incentive'),
      vector('dividends'),
      vector('emission'),
    ]);
    for (const n of graph.neurons) {
      expect(n.incentive).toBe((incentive[n.uid] ?? 0) / 65535);
      expect(n.dividends).toBe((dividends[n.uid] ?? 0) / 65535);
      expect(BigInt(n.emission.replace('.', ''))).toBe(BigInt(emission[n.uid] ?? 0));
    }
    const [owner, v, miner] = graph.neurons;
    expect(miner?.incentive).toBeGreaterThan(0); // the weights point at uid 2
    expect(v?.dividends).toBeGreaterThan(0); // the validator that set them
    expect(v?.validator_permit).toBe(true);
    expect(owner?.incentive).toBe(0);
    expect(BigInt(v?.alpha_stake.replace('.', '') ?? '0')).toBeGreaterThan(0n);
  });
});
