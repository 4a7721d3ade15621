/** `tao peer run` flags → PeerConfig, the model each flavour serves, and the weights schedule. */
import { describe, expect, it } from 'vitest';
import { TaoError } from '../../src/core/errors.js';
import {
  announcedIp,
  nameSeed,
  type PeerFlags,
  parsePeerFlags,
  peerRunArgs,
  servedSpec,
} from '../../src/peer/runtime/config.js';
import { rulesOf } from '../../src/peer/runtime/metagraph-cache.js';
import { nextWeightsDue } from '../../src/peer/runtime/weight-setter.js';

function usage(fn: () => unknown): TaoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TaoError);
    expect((e as TaoError).exitCode).toBe(2);
    return e as TaoError;
  }
  throw new Error('expected a usage error');
}

/** Turns `--flag value` args back into commander-style camelCase flags. */
function flagsOf(args: string[]): PeerFlags {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2)
    out[args[i]!.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = args[i + 1]!;
  return out as PeerFlags;
}

describe('parsePeerFlags', () => {
  it('fills the documented defaults (validator, port 8091, 127.0.0.1, auto device, B = 256, k = 64)', () => {
    expect(parsePeerFlags({ netuid: '1' })).toEqual({
      name: 'default',
      flavour: 'validator',
      netuid: 1,
      host: '127.0.0.1',
      port: 8091,
      block: 0,
      tau: 1,
      copyOf: null,
      model: null,
      device: 'auto',
      batch: 256,
      roundMs: 2000,
      maxNeighbours: 64,
    });
  });

  it('round-trips through the args the supervisor runs', () => {
    const c = parsePeerFlags({
      netuid: '3',
      flavour: 'copycat',
      copyOf: 'good0',
      port: '9000',
      name: 'cc',
      device: 'cpu',
      batch: '64',
      roundMs: '500',
      maxNeighbours: '16',
    });
    expect(c.maxNeighbours).toBe(16);
    expect(parsePeerFlags(flagsOf(peerRunArgs(c)))).toEqual(c);
  });

  it('names the bad flag with exit 2', () => {
    expect(usage(() => parsePeerFlags({})).message).toMatch(/--netuid is required/);
    expect(usage(() => parsePeerFlags({ netuid: '1', flavour: 'greedy' })).message).toMatch(
      /unknown flavour/,
    );
    expect(usage(() => parsePeerFlags({ netuid: '1', port: '70000' })).message).toMatch(/--port/);
    expect(usage(() => parsePeerFlags({ netuid: '1', block: '4' })).message).toMatch(/--block/);
    expect(usage(() => parsePeerFlags({ netuid: '1', maxNeighbours: '0' })).message).toMatch(
      /--max-neighbours must be an integer in 1\.\.65535/,
    );
    expect(usage(() => parsePeerFlags({ netuid: '1', tau: '-1' })).message).toMatch(/--tau/);
    expect(usage(() => parsePeerFlags({ netuid: '1', device: 'tpu' })).message).toMatch(/--device/);
    expect(usage(() => parsePeerFlags({ netuid: '1', flavour: 'copycat' })).message).toMatch(/--copy-of/);
    expect(usage(() => parsePeerFlags({ netuid: '1', copyOf: 'x' })).message).toMatch(/only applies/);
    expect(usage(() => parsePeerFlags({ netuid: '1', name: '../etc' })).message).toMatch(/not valid/);
  });
});

describe('servedSpec', () => {
  it('maps each flavour to its generated model (validators serve good, copycats relay)', () => {
    const spec = (flags: PeerFlags) => servedSpec(parsePeerFlags({ netuid: '1', ...flags }));
    expect(spec({ flavour: 'good', block: '2' })).toEqual({ kind: 'good', block: 2 });
    expect(spec({ flavour: 'validator', block: '3' })).toEqual({ kind: 'good', block: 3 });
    expect(spec({ flavour: 'own' })).toEqual({ kind: 'good', block: 0 });
    expect(spec({ flavour: 'noisy', block: '1', tau: '4', name: 'n' })).toEqual({
      kind: 'noisy',
      block: 1,
      tau: 4,
      seed: nameSeed('n'),
    });
    expect(spec({ flavour: 'adversarial', block: '1' })).toEqual({ kind: 'adversarial', block: 1 });
    expect(spec({ flavour: 'lazy' })).toEqual({ kind: 'lazy' });
    expect(spec({ flavour: 'random', name: 'r' })).toEqual({ kind: 'random', seed: nameSeed('r') });
    expect(spec({ flavour: 'copycat', copyOf: 'good0' })).toBeNull();
    expect(nameSeed('a')).not.toBe(nameSeed('b'));
  });

  it('announces a wildcard bind as loopback', () => {
    expect(announcedIp('0.0.0.0')).toBe('127.0.0.1');
    expect(announcedIp('10.0.0.5')).toBe('10.0.0.5');
  });
});

describe('nextWeightsDue', () => {
  const rules = rulesOf({
    tempo: 10,
    weights_rate_limit: 5,
    max_weight_limit: 65535,
    min_allowed_weights: 1,
  });

  it('is due at once for a fresh neuron outside the rate limit', () => {
    expect(nextWeightsDue(rules, null, 0, null)).toBe(0);
  });

  it('waits out the rate limit from the ledger last_update (registration sets it too)', () => {
    expect(nextWeightsDue(rules, null, 100, null)).toBe(105);
  });

  it('sets at most once per tempo after its own last set', () => {
    expect(nextWeightsDue(rules, 120, 120, null)).toBe(130);
    const slow = rulesOf({ tempo: 10, weights_rate_limit: 25 });
    expect(nextWeightsDue(slow, 120, 120, null)).toBe(145);
  });

  it('backs off after a rejection', () => {
    expect(nextWeightsDue(rules, null, 0, 140)).toBe(140);
  });
});
