import { describe, expect, it } from 'vitest';
import { Chain, key, TAO } from './helpers.js';
import { devGenesis } from '../../src/ledger/state/genesis.js';

const FEE = 100_000n;
const bob = key('//Bob', 'sr25519');
const carol = key('//carol');
const hot = key('//alice-hot');
const hot2 = key('//bob-hot');

describe('transfer', () => {
  it('moves the amount, burns the flat fee, bumps the nonce and keeps the supply accounted', () => {
    const c = Chain.dev();
    const before = c.free(c.alice);
    const r = c.run(c.alice, { type: 'transfer', dest: carol.address, amount: String(5n * TAO) });
    expect(r.status).toBe('included');
    expect(c.free(carol)).toBe(5n * TAO);
    expect(c.free(c.alice)).toBe(before - 5n * TAO - FEE);
    expect(c.state.account(c.alice.address).nonce).toBe(1);
    expect(c.state.totalsRecord().burned).toBe(FEE);
    expect(c.invariantHolds()).toBe(true);
  });

  it('rejects more than the free balance with E_INSUFFICIENT_BALANCE and changes nothing', () => {
    const c = Chain.dev();
    c.run(c.alice, { type: 'transfer', dest: carol.address, amount: String(TAO) });
    const r = c.run(carol, { type: 'transfer', dest: bob.address, amount: String(TAO) });
    expect(r.error?.code).toBe('E_INSUFFICIENT_BALANCE');
    // Amounts a person reads are τ with 9 decimals (the fee was taken first).
    expect(r.error?.message).toBe(
      'free balance 0.999900000 τ is less than 1.000000000 τ needed for the transfer',
    );
    expect(c.free(carol)).toBe(TAO);
    expect(c.state.account(carol.address).nonce).toBe(0);
    expect(c.invariantHolds()).toBe(true);
  });

  it('rejects an account with no balance for the fee', () => {
    const c = Chain.dev();
    expect(c.run(carol, { type: 'transfer', dest: bob.address, amount: '1' }).error?.code).toBe(
      'E_INSUFFICIENT_BALANCE',
    );
  });

  it('rejects a replayed (stale) nonce, a future nonce and an expired tx', () => {
    const c = Chain.dev();
    const tx = c.tx(c.alice, { type: 'transfer', dest: carol.address, amount: '1' });
    expect(c.block([tx]).txs[0]!.status).toBe('included');
    expect(c.block([tx]).txs[0]!.error?.code).toBe('E_STALE_NONCE');
    expect(
      c.run(c.alice, { type: 'transfer', dest: carol.address, amount: '1' }, { nonce: 5 }).error?.code,
    ).toBe('E_FUTURE_NONCE');
    expect(
      c.run(c.alice, { type: 'transfer', dest: carol.address, amount: '1' }, { expiry: 1 }).error?.code,
    ).toBe('E_EXPIRED');
    expect(c.free(carol)).toBe(1n);
  });

  it('includes a tx whose expiry is the block being built', () => {
    const c = Chain.dev();
    expect(c.run(c.alice, { type: 'transfer', dest: carol.address, amount: '1' }, { expiry: 1 }).status).toBe(
      'included',
    );
  });
});

describe('faucet', () => {
  it('mints into the signer on a dev chain, fee-free, counted in the issuance', () => {
    const c = Chain.dev();
    const issued = c.state.totalsRecord().issuance;
    expect(c.run(carol, { type: 'faucet' }).status).toBe('included');
    expect(c.free(carol)).toBe(100n * TAO);
    // block 1 emits no τ yet: subnet 1's moving price starts at 0, and τ goes to subnets by moving price
    expect(c.state.totalsRecord().issuance - issued).toBe(100n * TAO);
    expect(c.invariantHolds()).toBe(true);
  });

  it('refuses more than the cap, and refuses to run on a non-dev chain', () => {
    const c = Chain.dev();
    expect(c.run(carol, { type: 'faucet', amount: String(1001n * TAO) }).error?.code).toBe('E_FAUCET_LIMIT');
    const l = Chain.local();
    expect(l.run(carol, { type: 'faucet' }).error?.code).toBe('E_NOT_DEV_CHAIN');
  });

  it('refuses to mint past the supply cap, minting nothing, and mints up to it exactly', () => {
    const issued = Chain.dev().state.totalsRecord().issuance;
    const g = devGenesis(1_700_000_000_000, 10);
    const cap = issued + 100n * TAO;
    g.params = { ...g.params, max_supply: cap };
    const c = new Chain(g);
    const room = () => cap - c.state.totalsRecord().issuance;
    // A block applies its transactions first, then mints its (cap-scaled) emission.
    const refused = c.run(carol, { type: 'faucet', amount: String(room() + 1n) });
    expect(refused.error?.code).toBe('E_SUPPLY_CAP');
    expect(c.free(carol)).toBe(0n);
    const fill = room();
    expect(fill).toBeGreaterThan(99n * TAO);
    expect(c.run(carol, { type: 'faucet', amount: String(fill) }).status).toBe('included');
    expect(c.free(carol)).toBe(fill);
    expect(c.invariantHolds()).toBe(true);
  });
});

describe('create_subnet', () => {
  it('is free on a dev chain and takes the next netuid', () => {
    const c = Chain.dev();
    expect(c.run(bob, { type: 'create_subnet' }).status).toBe('included');
    expect(c.state.subnet(2)?.owner).toBe(bob.address);
    expect(c.state.subnet(2)?.locked).toBe(0n);
  });

  it('takes subnet_lock_cost on a non-dev chain into the new pool (with as much α), and refuses without the funds', () => {
    const c = Chain.dev();
    c.run(c.alice, { type: 'transfer', dest: carol.address, amount: String(200n * TAO) });
    const l = Chain.local();
    expect(l.run(carol, { type: 'create_subnet' }).error?.code).toBe('E_INSUFFICIENT_BALANCE');
    // fund carol on the local chain through a dev-less path: not possible, so check the lock on a dev state copy
    c.state.chain.dev = false;
    expect(c.run(carol, { type: 'create_subnet' }).status).toBe('included');
    expect(c.state.subnet(2)?.locked).toBe(100n * TAO);
    // the lock (100 τ) is under pool_seed (1,000 τ): all of it seeds the pool at price 1, nothing stays locked
    expect(c.state.totalsRecord().locked).toBe(0n);
    expect(c.state.pool(2)).toMatchObject({ taoReserve: 100n * TAO, alphaReserve: 100n * TAO });
    expect(c.state.pool(2)!.firstEmissionBlock).toBeNull();
    expect(c.invariantHolds()).toBe(true);
  });
});

describe('burned_register', () => {
  it('burns the registration cost and assigns the next uid; the hotkey becomes the signer’s', () => {
    const c = Chain.dev();
    const burned = c.state.totalsRecord().burned;
    expect(c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot.address }).status).toBe(
      'included',
    );
    expect(c.state.uidOf(1, hot.address)).toBe(0);
    expect(c.state.owners.get(hot.address)).toBe(c.alice.address);
    expect(c.state.totalsRecord().burned - burned).toBe(TAO / 10n + FEE);
    expect(c.state.subnet(1)?.owner_hotkey).toBe(hot.address);
    expect(c.invariantHolds()).toBe(true);
  });

  it('rejects an unknown subnet, a second registration, and another coldkey’s hotkey', () => {
    const c = Chain.dev();
    expect(c.run(c.alice, { type: 'burned_register', netuid: 9, hotkey: hot.address }).error?.code).toBe(
      'E_UNKNOWN_SUBNET',
    );
    c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot.address });
    expect(c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot.address }).error?.code).toBe(
      'E_ALREADY_REGISTERED',
    );
    c.run(bob, { type: 'create_subnet' });
    expect(c.run(bob, { type: 'burned_register', netuid: 2, hotkey: hot.address }).error?.code).toBe(
      'E_NOT_HOTKEY_OWNER',
    );
  });

  it('replaces the lowest-emission neuron outside immunity when the subnet is full', () => {
    const c = Chain.dev();
    const sn = c.state.subnet(1)!;
    c.state.subnets.set('1', { ...sn, params: { ...sn.params, max_uids: 2, immunity_period: 3 } });
    c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot.address });
    c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot2.address });
    const n0 = c.state.neuron(1, 0)!;
    c.state.neurons.set('1/0', { ...n0, emission: 5n });
    c.state.neurons.set('1/1', { ...c.state.neuron(1, 1)!, weights: [[0, 65535]] });
    c.mine(3);
    const newHot = key('//new-hot');
    expect(c.run(bob, { type: 'burned_register', netuid: 1, hotkey: newHot.address }).status).toBe(
      'included',
    );
    // uid 0 is the owner's hotkey (never chosen while another candidate exists) → uid 1 replaced
    expect(c.state.uidOf(1, newHot.address)).toBe(1);
    expect(c.state.uidOf(1, hot2.address)).toBeUndefined();
    expect(c.state.neuron(1, 1)!.weights).toEqual([]);
    expect(c.state.neuron(1, 1)!.registered_at).toBe(c.head.number);
    expect(c.state.subnet(1)!.n).toBe(2);
  });

  it('prunes by lowest emission among non-immune neurons and zeroes weights on the replaced uid', () => {
    const c = Chain.dev();
    c.run(bob, { type: 'create_subnet' });
    const sn = c.state.subnet(2)!;
    c.state.subnets.set('2', { ...sn, params: { ...sn.params, max_uids: 3, immunity_period: 2 } });
    const hs = [key('//h0'), key('//h1'), key('//h2')];
    for (const h of hs) c.run(c.alice, { type: 'burned_register', netuid: 2, hotkey: h.address });
    c.state.neurons.set('2/0', {
      ...c.state.neuron(2, 0)!,
      emission: 9n,
      weights: [
        [1, 100],
        [2, 200],
      ],
    });
    c.state.neurons.set('2/1', { ...c.state.neuron(2, 1)!, emission: 7n });
    c.state.neurons.set('2/2', { ...c.state.neuron(2, 2)!, emission: 3n });
    c.mine(2);
    c.run(c.alice, { type: 'burned_register', netuid: 2, hotkey: key('//h3').address });
    expect(c.state.uidOf(2, key('//h3').address)).toBe(2);
    expect(c.state.neuron(2, 0)!.weights).toEqual([
      [1, 100],
      [2, 0],
    ]);
  });
});

describe('stake', () => {
  it('add_stake moves free balance to stake on a registered hotkey; remove_stake moves it back', () => {
    const c = Chain.dev();
    c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot.address });
    expect(c.run(bob, { type: 'add_stake', hotkey: hot.address, amount: String(10n * TAO) }).status).toBe(
      'included',
    );
    expect(c.state.stakeOf(hot.address, bob.address)).toBe(10n * TAO);
    expect(c.state.totalStakeOfHotkey(hot.address)).toBe(10n * TAO);
    expect(c.run(bob, { type: 'remove_stake', hotkey: hot.address, amount: String(4n * TAO) }).status).toBe(
      'included',
    );
    expect(c.state.stakeOf(hot.address, bob.address)).toBe(6n * TAO);
    expect(c.invariantHolds()).toBe(true);
  });

  it('rejects an unknown hotkey, more than the free balance, and removing more than staked', () => {
    const c = Chain.dev();
    expect(c.run(bob, { type: 'add_stake', hotkey: hot.address, amount: '1' }).error?.code).toBe(
      'E_UNKNOWN_HOTKEY',
    );
    c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot.address });
    expect(c.run(carol, { type: 'add_stake', hotkey: hot.address, amount: '1' }).error?.code).toBe(
      'E_INSUFFICIENT_BALANCE',
    );
    expect(c.run(bob, { type: 'remove_stake', hotkey: hot.address, amount: '1' }).error).toEqual({
      code: 'E_INSUFFICIENT_STAKE',
      message: 'staked 0.000000000 τ on this hotkey, less than 0.000000001 τ',
    });
  });
});

describe('serve_axon and set_delegate_take', () => {
  it('serve_axon is hotkey-signed, fee-free, and needs a registration', () => {
    const c = Chain.dev();
    expect(c.run(hot, { type: 'serve_axon', netuid: 1, ip: '10.0.0.1', port: 8091 }).error?.code).toBe(
      'E_NOT_REGISTERED',
    );
    c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot.address });
    expect(c.run(hot, { type: 'serve_axon', netuid: 1, ip: '10.0.0.1', port: 8091 }).status).toBe('included');
    expect(c.state.neuron(1, 0)!.axon).toEqual({ ip: '10.0.0.1', port: 8091, protocol: 4 });
    expect(c.free(hot)).toBe(0n);
  });

  it('set_delegate_take: only the owning coldkey, at most the maximum take', () => {
    const c = Chain.dev();
    c.run(c.alice, { type: 'burned_register', netuid: 1, hotkey: hot.address });
    expect(c.run(bob, { type: 'set_delegate_take', hotkey: hot.address, take: 100 }).error?.code).toBe(
      'E_NOT_HOTKEY_OWNER',
    );
    expect(c.run(c.alice, { type: 'set_delegate_take', hotkey: hot.address, take: 20000 }).error?.code).toBe(
      'E_TAKE_TOO_HIGH',
    );
    expect(c.run(c.alice, { type: 'set_delegate_take', hotkey: hot.address, take: 655 }).status).toBe(
      'included',
    );
    expect(c.state.takeOf(hot.address)).toBe(655);
  });
});
