/**
 * Property: τ's supply is conserved by every staking call, every rejection and every block's emission and
 * epoch. 10,000 random calls (stake, unstake with and without limits, moves, transfers, swaps, unstake_all,
 * transfers of free τ) run through the ledger's block builder on a dev chain with two started subnets; after
 * every block Σ free + Σ root stake + Σ pools' τ (reserve + held fees) + burned + locked == issuance, and no
 * reserve, stake or balance is negative. The txs are built as checked txs (their signatures are not what is
 * under test here; test/ledger/transactions.test.ts signs every one).
 */
import { describe, expect, it } from 'vitest';
import { alphaHeld } from '../../src/dtao/shares.js';
import type { CheckedTx } from '../../src/ledger/state/apply.js';
import { parseCall } from '../../src/ledger/state/calls.js';
import { toSharePool } from '../../src/ledger/state/dtao-view.js';
import { Chain, type Key, key, rng, TAO } from './helpers.js';

const STEPS = 10_000;
const PER_BLOCK = 25;

describe('dynamic TAO supply (property)', () => {
  it(`conserves τ through ${STEPS} random staking calls and their blocks`, () => {
    const c = Chain.dev();
    // one tx per coldkey per block, so a rejected tx never leaves a later one of its signer a nonce gap
    const coldkeys = Array.from({ length: PER_BLOCK }, (_, i) => key(`//supply-cold-${i}`));
    const hotkeys = Array.from({ length: 4 }, (_, i) => key(`//supply-hot-${i}`));
    c.block(
      coldkeys.map((ck) =>
        c.tx(c.alice, { type: 'transfer', dest: ck.address, amount: String(10_000n * TAO) }),
      ),
    );
    // subnet 2, registered hotkeys on both subnets, subnet 2 started
    c.run(c.alice, { type: 'create_subnet' });
    c.block(
      hotkeys.flatMap((h, i) => [
        c.tx(coldkeys[i]!, { type: 'burned_register', netuid: 1, hotkey: h.address }),
        c.tx(coldkeys[i]!, { type: 'burned_register', netuid: 2, hotkey: h.address }),
      ]),
    );
    c.mine(10);
    expect(c.run(c.alice, { type: 'start_call', netuid: 2 }).status).toBe('included');

    const r = rng(20261203);
    const pick = <T>(xs: readonly T[]) => xs[r(xs.length)]!;
    const held = (h: Key, ck: Key, netuid: number) =>
      alphaHeld(toSharePool(c.state.alpha.get(`${h.address}/${netuid}`)), ck.address);
    const amountTao = () => BigInt(1 + r(50)) * (TAO / BigInt(1 + r(1000))) + BigInt(r(5_000_000));
    const part = (x: bigint) => (x === 0n ? BigInt(1 + r(10_000_000)) : (x * BigInt(1 + r(100))) / 100n);

    const nonces = new Map<string, number>();
    let txCount = 0;
    const checked = (signer: Key, call: Record<string, unknown>): CheckedTx => {
      const nonce = nonces.get(signer.address) ?? c.state.account(signer.address).nonce;
      nonces.set(signer.address, nonce + 1);
      txCount++;
      return {
        hash: `0x${txCount.toString(16).padStart(64, '0')}`,
        signer: signer.address,
        nonce,
        expiry: c.head.number + 100,
        call: parseCall(call),
        raw: { call },
      };
    };
    const randomCall = (ck: Key): Record<string, unknown> => {
      const h = pick(hotkeys);
      const netuid = 1 + r(2);
      switch (r(9)) {
        case 0:
        case 1:
          return { type: 'add_stake', hotkey: h.address, netuid, amount: String(amountTao()) };
        case 2: {
          const price = c.state.pool(netuid)!;
          const spot = price.alphaReserve === 0n ? TAO : (price.taoReserve * TAO) / price.alphaReserve;
          return {
            type: 'add_stake',
            hotkey: h.address,
            netuid,
            amount: String(amountTao()),
            limit_price: String((spot * BigInt(95 + r(15))) / 100n),
            allow_partial: r(2) === 0,
          };
        }
        case 3:
          return {
            type: 'remove_stake',
            hotkey: h.address,
            netuid,
            amount: String(part(held(h, ck, netuid))),
          };
        case 4:
          return {
            type: 'move_stake',
            origin_hotkey: h.address,
            dest_hotkey: pick(hotkeys).address,
            origin_netuid: netuid,
            dest_netuid: 1 + r(2),
            amount: String(part(held(h, ck, netuid))),
          };
        case 5:
          return {
            type: 'transfer_stake',
            dest_coldkey: pick(coldkeys).address,
            hotkey: h.address,
            origin_netuid: netuid,
            dest_netuid: 1 + r(2),
            amount: String(part(held(h, ck, netuid))),
          };
        case 6: {
          const swapCall = {
            type: 'swap_stake',
            hotkey: h.address,
            origin_netuid: netuid,
            dest_netuid: 3 - netuid,
            amount: String(part(held(h, ck, netuid))),
          };
          if (r(2) === 0) return swapCall;
          // price-protected: a floor on origin / destination price around the current ratio
          const [from, to] = [c.state.pool(netuid)!, c.state.pool(3 - netuid)!];
          const ratio = (from.taoReserve * to.alphaReserve * TAO) / (from.alphaReserve * to.taoReserve || 1n);
          return {
            ...swapCall,
            limit_price: String((ratio * BigInt(90 + r(15))) / 100n || 1n),
            allow_partial: r(2) === 0,
          };
        }
        case 7:
          return r(4) === 0
            ? { type: 'unstake_all', hotkey: h.address }
            : { type: 'add_stake', hotkey: h.address, amount: String(amountTao()) };
        default:
          return { type: 'transfer', dest: pick(coldkeys).address, amount: String(amountTao()) };
      }
    };

    const outcomes = new Map<string, number>();
    for (let step = 0; step < STEPS; step += PER_BLOCK) {
      const txs: CheckedTx[] = [];
      for (const signer of coldkeys) txs.push(checked(signer, randomCall(signer)));
      const block = c.block(txs);
      nonces.clear();
      for (const t of block.txs) {
        const k = t.status === 'included' ? 'included' : t.error!.code;
        outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
      }
      expect(c.state.accountedSupply()).toBe(c.state.totalsRecord().issuance);
      for (const [, p] of c.state.pools.entries()) {
        expect(p.taoReserve >= 0n && p.alphaReserve >= 0n && p.alphaOutstanding >= 0n).toBe(true);
        expect(p.feesTao >= 0n && p.feesAlpha >= 0n).toBe(true);
      }
      for (const [, a] of c.state.accounts.entries()) expect(a.free >= 0n).toBe(true);
    }
    // the sequence exercised the calls, not only their rejections
    expect(outcomes.get('included')!).toBeGreaterThan(STEPS / 2);
    for (const code of ['E_PRICE_LIMIT', 'E_AMOUNT_TOO_LOW'])
      expect(outcomes.get(code) ?? 0).toBeGreaterThan(0);
    const epochsRan = c.state.subnet(2)!.last_epoch;
    expect(epochsRan).toBeGreaterThan(0);
  });
});
