import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vecU16MaxUpscaleToU16 } from '../../src/consensus/math.js';
import { checkVecMaxLimited } from '../../src/ledger/state/weights.js';
import { Chain, key, TAO } from './helpers.js';

interface MathCase {
  function: string;
  inputs: { vector: number[] };
  expected: { result: number[] };
}
const math = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/yuma/shared/vectors/math.json'), 'utf8'),
) as MathCase[] | { cases: MathCase[] };
const cases = (Array.isArray(math) ? math : math.cases).filter(
  (c) => c.function === 'vec_u16_max_upscale_to_u16',
);

describe('vec_u16_max_upscale_to_u16', () => {
  it('matches every case of subtensor’s math tests', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(vecU16MaxUpscaleToU16(c.inputs.vector)).toEqual(c.expected.result);
  });
  it('maps the max to 65535 and rounds half away from zero', () => {
    expect(vecU16MaxUpscaleToU16([43690, 21845])).toEqual([65535, 32768]);
    expect(vecU16MaxUpscaleToU16([0, 0])).toEqual([0, 0]);
    expect(vecU16MaxUpscaleToU16([1, 2])).toEqual([32768, 65535]);
  });
  it('check_vec_max_limited compares the normalised max with limit/65535', () => {
    expect(checkVecMaxLimited([1, 1], 32768)).toBe(true);
    expect(checkVecMaxLimited([2, 1], 32768)).toBe(false);
    expect(checkVecMaxLimited([5], 65535)).toBe(true);
  });
});

/** Subnet 1 with three neurons: uid 0 Alice's (owner) hotkey, uid 1 a validator with a permit, uid 2 a miner. */
function setup() {
  const c = Chain.dev();
  const [v0, v1, m2] = [key('//w0'), key('//w1'), key('//w2')];
  for (const h of [v0, v1, m2]) c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: h.address });
  c.mine(6); // past the rate limit (tempo/2 = 5 blocks) and past the epoch at block 9 (it resets permits)
  c.state.neurons.set('1/1', { ...c.state.neuron(1, 1)!, validator_permit: true });
  return { c, v0, v1, m2 };
}

const sw = (uids: number[], weights: number[], extra: Record<string, unknown> = {}) => ({
  type: 'set_weights',
  netuid: 1,
  uids,
  weights,
  ...extra,
});

describe('set_weights', () => {
  it('stores the row max-upscaled in the caller’s order and sets last_update', () => {
    const { c, v1 } = setup();
    const r = c.run(v1, sw([2, 0], [21845, 43690]));
    expect(r.status).toBe('included');
    expect(c.state.neuron(1, 1)!.weights).toEqual([
      [2, 32768],
      [0, 65535],
    ]);
    expect(c.state.neuron(1, 1)!.last_update).toBe(c.head.number);
    expect(c.free(v1)).toBe(0n); // hotkey-signed, fee-free
  });

  it('checks in subtensor’s order: lengths, count ≤ n, registration, version, rate limit', () => {
    const { c, v1 } = setup();
    expect(c.run(v1, sw([2], [1, 2])).error?.code).toBe('E_WEIGHTS_LENGTH_MISMATCH');
    expect(c.run(v1, sw([0, 2, 3, 4], [1, 1, 1, 1])).error?.code).toBe('E_TOO_MANY_WEIGHTS');
    expect(c.run(key('//stranger'), sw([2], [1])).error?.code).toBe('E_NOT_REGISTERED');
    const sn = c.state.subnet(1)!;
    c.state.subnets.set('1', { ...sn, params: { ...sn.params, weights_version_key: 3 } });
    expect(c.run(v1, sw([2], [1], { version_key: 2 })).error?.code).toBe('E_INCORRECT_WEIGHT_VERSION');
    expect(c.run(v1, sw([2], [1], { version_key: 3 })).status).toBe('included');
    expect(c.run(v1, sw([2], [1], { version_key: 3 })).error?.code).toBe('E_WEIGHTS_RATE_LIMIT');
  });

  it('requires a validator permit for non-self weights (the subnet owner’s hotkey passes)', () => {
    const { c, v0, m2 } = setup();
    expect(c.run(m2, sw([1], [1])).error?.code).toBe('E_NO_VALIDATOR_PERMIT');
    expect(c.run(v0, sw([1, 2], [1, 1])).status).toBe('included');
  });

  it('rejects duplicate uids, unknown uids, self-weights and too few weights', () => {
    const { c, v1 } = setup();
    expect(c.run(v1, sw([2, 2], [1, 1])).error?.code).toBe('E_DUPLICATE_UIDS');
    expect(c.run(v1, sw([7], [1])).error?.code).toBe('E_UNKNOWN_UID');
    expect(c.run(v1, sw([1, 2], [1, 1])).error?.code).toBe('E_SELF_WEIGHT');
    expect(c.run(v1, sw([1], [1])).error?.code).toBe('E_SELF_WEIGHT');
    const sn = c.state.subnet(1)!;
    c.state.subnets.set('1', { ...sn, params: { ...sn.params, min_allowed_weights: 2 } });
    expect(c.run(v1, sw([2], [1])).error?.code).toBe('E_TOO_FEW_WEIGHTS');
  });

  it('enforces max_weight_limit on the normalised row', () => {
    const { c, v1 } = setup();
    const sn = c.state.subnet(1)!;
    c.state.subnets.set('1', { ...sn, params: { ...sn.params, max_weight_limit: 40000 } });
    expect(c.run(v1, sw([0, 2], [3, 1])).error?.code).toBe('E_MAX_WEIGHT_EXCEEDED');
    expect(c.run(v1, sw([0, 2], [1, 1])).status).toBe('included');
  });

  it('rejects a stake below the stake threshold', () => {
    const { c, v1 } = setup();
    const sn = c.state.subnet(1)!;
    c.state.subnets.set('1', { ...sn, params: { ...sn.params, stake_threshold: TAO } });
    expect(c.run(v1, sw([2], [1])).error?.code).toBe('E_NOT_ENOUGH_STAKE_TO_SET_WEIGHTS');
  });

  it('rejects an unknown subnet', () => {
    const { c, v1 } = setup();
    expect(c.run(v1, { ...sw([2], [1]), netuid: 5 }).error?.code).toBe('E_UNKNOWN_SUBNET');
  });
});
