/**
 * `tao localnet sudo dev-params`, `tao subnet create | start | register | hyperparameters | serve | list |
 * metagraph` on the real Subtensor runtime through the real binary, every value checked against what the
 * chain itself stores (read here with @polkadot/api).
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
  rao,
  type TaoWallet,
} from './subnet-fixture.js';

interface Report {
  tx_hash: string;
  block: number;
  status: string;
  fee: string;
  fee_estimate: string;
}

const LEDGER_SUBNET_FIELDS = ['netuid', 'owner', 'n', 'max_uids', 'tempo', 'burn', 'last_epoch'];
const LEDGER_HYPERPARAMETERS = [
  'tempo',
  'max_uids',
  'immunity_period',
  'burn',
  'min_allowed_weights',
  'max_weight_limit',
  'weights_rate_limit',
  'weights_version_key',
  'activity_cutoff',
  'kappa',
  'bonds_penalty',
  'bonds_moving_average',
  'yuma3_enabled',
  'liquid_alpha_enabled',
  'alpha_low',
  'alpha_high',
  'alpha_sigmoid_steepness',
  'max_allowed_validators',
  'stake_threshold',
];

describeLocalnet('subnets on Subtensor', () => {
  const { home, cleanup } = tempHome('tao-st-subnet-');
  const tao = async (args: string[]) => {
    await clearOfSessionBlock();
    return runTao(['--network', endpoint(), ...args, '--yes'], { home, timeoutMs: 120_000 });
  };
  let chain: Chain;
  let wallet: TaoWallet;
  let netuid = -1;
  const num = async (item: string, ...args: unknown[]) =>
    BigInt((await chain.query('subtensorModule', item)(...args)).toString());

  beforeAll(async () => {
    await resetChain();
    chain = await openChain(endpoint());
    wallet = await fundedWallet(chain, home, ['v', 'm'], 2_000n);
  });
  afterAll(async () => {
    await chain?.close();
    await resetChain();
    cleanup();
  });

  it('dev-params lifts the network and tx rate limits (read back from storage)', async () => {
    const r = await tao(['localnet', 'sudo', 'dev-params', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<{ calls: string[] }>(r).calls).toContain('adminUtils.sudoSetNetworkRateLimit(0)');
    expect(await num('networkRateLimit')).toBe(0n);
    expect(await num('txRateLimit')).toBe(0n);
    expect(await num('stakeThreshold')).toBe(0n);
  });

  it('create: the lock cost shown is the runtime’s, charged exactly; the pool starts at 1,000 τ / 1,000 α', async () => {
    const cost = BigInt(
      (await chain.runtime('subnetRegistrationRuntimeApi', 'getNetworkRegistrationCost')()).toString(),
    );
    const before = await chain.free(wallet.coldkey);
    const r = await tao(['subnet', 'create', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = parseJson<Report & { netuid: number; lock_cost: string }>(r);
    netuid = out.netuid;
    expect(out.lock_cost).toBe('1000.000000000');
    expect(rao(out.lock_cost)).toBe(cost);
    expect(before - (await chain.free(wallet.coldkey))).toBe(cost + rao(out.fee));
    expect(rao(out.fee)).toBe(rao(out.fee_estimate));
    expect((await chain.query('subtensorModule', 'networksAdded')(netuid)).toString()).toBe('true');
    expect(await num('subnetTAO', netuid)).toBe(1_000n * RAO);
    expect(await num('subnetAlphaIn', netuid)).toBe(1_000n * RAO);
    expect((await chain.query('subtensorModule', 'subnetOwner')(netuid)).toString()).toBe(wallet.coldkey);
    expect((await chain.query('subtensorModule', 'subnetOwnerHotkey')(netuid)).toString()).toBe(
      wallet.hotkeys.default,
    );
  });

  it('start: refused before the runtime allows it (nothing sent), then start_call sets the first emission block', async () => {
    const early = await tao(['subnet', 'start', '--netuid', String(netuid), '--json']);
    expect(early.code).toBe(5);
    const err = JSON.parse(early.stderr) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('E_START_TOO_EARLY');
    const registeredAt = Number(await num('networkRegisteredAt', netuid));
    expect(err.error.message).toContain(`from block ${registeredAt + 10}`);
    expect((await chain.query('subtensorModule', 'firstEmissionBlockNumber')(netuid)).toJSON()).toBeNull();
    await mine(9);
    const r = await tao(['subnet', 'start', '--netuid', String(netuid), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = parseJson<Report & { first_emission_block: number }>(r);
    expect((await chain.query('subtensorModule', 'firstEmissionBlockNumber')(netuid)).toJSON()).toBe(
      out.first_emission_block,
    );
    expect(out.first_emission_block).toBe(out.block + 1);
  });

  it('dev-params --netuid sets tempo 10, no weights rate limit, commit-reveal off, registrations unlimited', async () => {
    const r = await tao(['localnet', 'sudo', 'dev-params', '--netuid', String(netuid), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(await num('tempo', netuid)).toBe(10n);
    expect(await num('weightsSetRateLimit', netuid)).toBe(0n);
    expect((await chain.query('subtensorModule', 'commitRevealWeightsEnabled')(netuid)).toString()).toBe(
      'false',
    );
    expect(await num('targetRegistrationsPerInterval', netuid)).toBe(1000n);
    expect(await num('maxRegistrationsPerBlock', netuid)).toBe(1000n);
  });

  it('register two hotkeys: uids from the chain, the burn shown is the burn charged', async () => {
    for (const [name, uid] of [
      ['v', 1],
      ['m', 2],
    ] as const) {
      const burn = await num('burn', netuid);
      const before = await chain.free(wallet.coldkey);
      const r = await tao(['subnet', 'register', '--netuid', String(netuid), '--hotkey', name, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = parseJson<Report & { uid: number; burn: string; netuid: number }>(r);
      expect(out.netuid).toBe(netuid);
      expect(out.uid).toBe(uid);
      expect((await chain.query('subtensorModule', 'uids')(netuid, wallet.hotkeys[name])).toJSON()).toBe(uid);
      expect(rao(out.burn)).toBe(burn);
      expect(before - (await chain.free(wallet.coldkey))).toBe(burn + rao(out.fee));
    }
  });

  it('register twice: the pallet error, decoded, exit 5', async () => {
    const r = await tao(['subnet', 'register', '--netuid', String(netuid), '--hotkey', 'v', '--json']);
    expect(r.code).toBe(5);
    const err = JSON.parse(r.stderr) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('E_CHAIN_REJECTED');
    expect(err.error.message).toMatch(/^SubtensorModule\.HotKeyAlreadyRegisteredInSubNet: /);
  });

  it('hyperparameters: the ledger’s field names, values as the chain stores them, amounts in τ', async () => {
    const r = await tao(['subnet', 'hyperparameters', '--netuid', String(netuid), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const hp = parseJson<Record<string, unknown>>(r);
    for (const field of LEDGER_HYPERPARAMETERS) expect(hp, field).toHaveProperty(field);
    expect(hp.netuid).toBe(netuid);
    expect(hp.tempo).toBe(10);
    expect(hp.weights_rate_limit).toBe(0);
    expect(hp.commit_reveal_weights_enabled).toBe(false);
    expect(rao(hp.burn as string)).toBe(await num('burn', netuid));
    expect(rao(hp.min_burn as string)).toBe(await num('minBurn', netuid));
    expect(hp.max_uids).toBe(Number(await num('maxAllowedUids', netuid)));
    expect(hp.kappa).toBe(Number(await num('kappa', netuid)));
    expect(hp.stake_threshold).toBe('0.000000000');
  });

  it('serve: a loopback address is refused before signing; a public one is what the chain stores', async () => {
    const lo = await tao([
      'subnet',
      'serve',
      '--netuid',
      String(netuid),
      '--hotkey',
      'v',
      '--ip',
      '127.0.0.1',
      '--port',
      '8091',
      '--json',
    ]);
    expect(lo.code).toBe(2);
    expect((JSON.parse(lo.stderr) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'E_BAD_IP',
      message: expect.stringContaining('loopback'),
    });
    const none = (await chain.query('subtensorModule', 'axons')(netuid, wallet.hotkeys.v)).toJSON();
    expect(none).toBeNull();
    const r = await tao([
      'subnet',
      'serve',
      '--netuid',
      String(netuid),
      '--hotkey',
      'v',
      '--ip',
      '203.0.113.7',
      '--port',
      '8091',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = parseJson<Report & { axon: { ip: string; port: number } }>(r);
    const axon = (await chain.query('subtensorModule', 'axons')(netuid, wallet.hotkeys.v)).toJSON() as {
      ip: number | string;
      port: number;
      ipType: number;
      block: number;
    };
    expect(BigInt(axon.ip)).toBe((203n << 24n) | (0n << 16n) | (113n << 8n) | 7n);
    expect(axon).toMatchObject({ port: 8091, ipType: 4, block: out.block });
    expect(out.axon).toEqual({ ip: '203.0.113.7', port: 8091, protocol: 4 });
  });

  it('list and metagraph: the ledger’s JSON field names plus the pool, values as the chain reports them', async () => {
    const r = await tao(['subnet', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const row = parseJson<{ subnets: Record<string, unknown>[] }>(r).subnets.find((s) => s.netuid === netuid);
    expect(row).toBeDefined();
    for (const field of [
      ...LEDGER_SUBNET_FIELDS,
      'price',
      'tao_in',
      'alpha_in',
      'alpha_out',
      'emission_share',
    ])
      expect(row, field).toHaveProperty(field);
    const price = BigInt((await chain.runtime('swapRuntimeApi', 'currentAlphaPrice')(netuid)).toString());
    expect(row).toMatchObject({
      owner: wallet.coldkey,
      n: 3,
      tempo: 10,
      price: `${price / RAO}.${(price % RAO).toString().padStart(9, '0')}`,
    });
    expect(rao(row?.tao_in as string)).toBe(await num('subnetTAO', netuid));
    expect(rao(row?.alpha_in as string)).toBe(await num('subnetAlphaIn', netuid));

    const m = await tao(['subnet', 'metagraph', '--netuid', String(netuid), '--json']);
    expect(m.code, m.stderr).toBe(0);
    const graph = parseJson<{ netuid: number; block: number; neurons: Record<string, unknown>[] }>(m);
    expect(graph.netuid).toBe(netuid);
    expect(graph.neurons.map((n) => n.hotkey)).toEqual([
      wallet.hotkeys.default,
      wallet.hotkeys.v,
      wallet.hotkeys.m,
    ]);
    for (const n of graph.neurons) {
      expect(Object.keys(n)).toEqual(
        expect.arrayContaining([
          'uid',
          'hotkey',
          'coldkey',
          'stake',
          'rank',
          'trust',
          'consensus',
          'incentive',
          'dividends',
          'emission',
          'validator_trust',
          'validator_permit',
          'active',
          'alpha_stake',
        ]),
      );
      expect(n.coldkey).toBe(wallet.coldkey);
    }
    expect(graph.neurons[1]?.axon).toEqual({ ip: '203.0.113.7', port: 8091, protocol: 4 });
  });
});
