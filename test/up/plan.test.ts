/** What `tao up` plans: the peer set, port assignment, and the supervisor specs of the node and the peers. */
import { describe, expect, it } from 'vitest';
import { FLAVOURS } from '../../src/peer/runtime/config.js';
import { upPeerSpec } from '../../src/up/peers.js';
import {
  assignPorts,
  neighbourPlans,
  nodeSpec,
  OWN_STAKE,
  ownPlan,
  VALIDATOR_STAKE,
} from '../../src/up/plan.js';

describe('the peer set', () => {
  it('has one neighbour of every flavour but own, good×N on blocks 0…, noisy τ=2, copycat of good-0', () => {
    const plans = neighbourPlans(4);
    const all = [...plans, ownPlan('default', 'default')];
    expect(new Set(all.map((p) => p.flavour))).toEqual(new Set(FLAVOURS));
    expect(plans.filter((p) => p.flavour === 'good').map((p) => [p.name, p.flags.block])).toEqual([
      ['good-0', '0'],
      ['good-1', '1'],
      ['good-2', '2'],
      ['good-3', '3'],
    ]);
    expect(plans.find((p) => p.flavour === 'noisy')?.flags).toEqual({ tau: '2' });
    expect(plans.find((p) => p.flavour === 'copycat')?.flags).toEqual({ copyOf: 'good-0' });
    expect(new Set(all.map((p) => p.name)).size).toBe(all.length);
    for (const p of plans) expect(p.wallet).toBe(`up-${p.name}`);
  });

  it('stakes only the two validators, and leaves every coldkey a spare balance', () => {
    const all = [...neighbourPlans(1), ownPlan('w', 'h')];
    const staked = all.filter((p) => p.stakeRao > 0n).map((p) => [p.flavour, p.stakeRao]);
    expect(staked).toEqual([
      ['validator', VALIDATOR_STAKE],
      ['own', OWN_STAKE],
    ]);
    for (const p of all) expect(p.spareRao).toBeGreaterThan(0n);
    expect(ownPlan('w', 'h')).toMatchObject({ name: 'default', wallet: 'w', hotkey: 'h' });
  });

  it('drops the copycat when there is no good peer to copy', () => {
    expect(neighbourPlans(0).some((p) => p.flavour === 'copycat')).toBe(false);
  });
});

describe('port assignment', () => {
  const busyOf = (ports: number[]) => async (p: number) => ports.includes(p);

  it('keeps a recorded port that is free and fills the rest from the base, skipping busy and reserved ports', async () => {
    const ports = await assignPorts(
      ['a', 'b', 'c', 'd'],
      new Map([
        ['b', 9000],
        ['c', 9001],
      ]),
      9950,
      busyOf([9001, 9950]),
      new Set([9952]),
    );
    expect(Object.fromEntries(ports)).toEqual({ a: 9951, b: 9000, c: 9953, d: 9954 });
  });

  it('never gives one port to two peers, even when both recorded it', async () => {
    const ports = await assignPorts(
      ['a', 'b'],
      new Map([
        ['a', 9960],
        ['b', 9960],
      ]),
      9960,
      busyOf([]),
    );
    expect(new Set(ports.values()).size).toBe(2);
    expect(ports.get('a')).toBe(9960);
  });
});

describe('supervisor specs', () => {
  it('runs the dev node as child `node` with its RPC URL in meta and a health check on it', () => {
    const spec = nodeSpec({
      bin: '/x/bin/tao.js',
      home: '/h',
      rpcPort: 9955,
      blockTimeMs: 1000,
      tempo: 5,
      dataDir: '/h/up/chain',
    });
    expect(spec).toMatchObject({ name: 'node', kind: 'node', meta: { rpc_url: 'http://127.0.0.1:9955' } });
    expect(spec.health?.url).toBe('http://127.0.0.1:9955/health');
    const args = spec.args!.join(' ');
    expect(args).toContain('node start --dev --block-time 1000 --tempo 5 --rpc-port 9955');
    expect(args).toContain('--data /h/up/chain');
    expect(args).toContain('--home /h');
  });

  it('runs a peer as `peer:NAME` via tao peer run, with the contract meta and no borrowed password', () => {
    const plan = neighbourPlans(1).find((p) => p.flavour === 'copycat')!;
    const before = process.env.TAO_PASSWORD;
    process.env.TAO_PASSWORD = 'the operator password';
    try {
      const spec = upPeerSpec(plan, {
        home: '/h',
        nodeUrl: 'http://127.0.0.1:9955',
        port: 9961,
        hotkeyAddress: '5X',
      });
      expect(spec).toMatchObject({
        name: 'peer:copycat',
        kind: 'peer',
        meta: {
          flavour: 'copycat',
          port: 9961,
          hotkey: '5X',
          netuid: 1,
          name: 'copycat',
          started_by: 'tao up',
        },
      });
      expect(spec.health?.url).toBe('http://127.0.0.1:9961/health');
      const args = spec.args!.join(' ');
      expect(args).toContain('--wallet up-copycat --hotkey default');
      expect(args).toContain('--node http://127.0.0.1:9955');
      expect(args).toMatch(/peer run .*--flavour copycat .*--port 9961/);
      expect(args).toContain('--copy-of good-0');
      expect(spec.env?.TAO_PASSWORD).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.TAO_PASSWORD;
      else process.env.TAO_PASSWORD = before;
    }
  });

  it('hands the own peer its hotkey password only as given (file path or environment)', () => {
    const own = ownPlan('default', 'default');
    const base = { home: '/h', nodeUrl: 'http://127.0.0.1:9944', port: 9950, hotkeyAddress: '5Y' };
    const withFile = upPeerSpec(own, { ...base, passwordFile: '/secrets/pw' });
    expect(withFile.args!.join(' ')).toContain('--password-file /secrets/pw');
    const withEnv = upPeerSpec(own, { ...base, env: { TAO_PASSWORD: 'pw' } });
    expect(withEnv.env?.TAO_PASSWORD).toBe('pw');
    expect(withEnv.args).not.toContain('pw');
  });
});
