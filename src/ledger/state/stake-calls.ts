/**
 * The staking calls under dynamic TAO (docs/dtao.md). Netuid 0 is root: τ staked on a hotkey, price 1, no
 * pool (the `stake` table, as before). A subnet's stake is α bought through its pool by the model in
 * src/dtao, run on the ledger state through dtao-view.ts: add/remove with an optional limit price (and
 * partial fill), move/transfer/swap between stakes, unstake_all, and start_call which starts a subnet's
 * emission. Root stake cannot be moved between stakes here: remove it and add it again.
 */
import { formatTao } from '../../core/amount.js';
import { type MoveOutcome, transition } from '../../dtao/move.js';
import { addStake, addStakeLimit, removeStake, removeStakeLimit, unstakeAll } from '../../dtao/stake.js';
import { startCall } from '../../dtao/subnet.js';
import { addFree, credit, debit } from './balances.js';
import type { Call } from './calls.js';
import { withDtao } from './dtao-view.js';
import { isLedgerError, reject } from './errors.js';
import type { LedgerState } from './state.js';

type StakeCall = Extract<
  Call,
  {
    type:
      | 'add_stake'
      | 'remove_stake'
      | 'move_stake'
      | 'transfer_stake'
      | 'swap_stake'
      | 'unstake_all'
      | 'start_call';
  }
>;

const RAO = 1_000_000_000n;

/** One swap through a subnet pool (or a root stake move at price 1): what the `swap` event reports. */
export interface Swap {
  netuid: number;
  hotkey: string;
  coldkey: string;
  /** buy: τ in, α out (stake); sell: α in, τ out (unstake). */
  side: 'buy' | 'sell';
  tao: bigint;
  alpha: bigint;
  /** The pool's fee, in the input's unit. */
  fee: bigint;
}

function refuseRoot(origin: number, dest: number): void {
  if (origin === 0 || dest === 0)
    reject(
      'E_BAD_CALL',
      'root stake (netuid 0) has no pool to move through on this ledger: remove it, then add it where you want it',
    );
}

function addRoot(state: LedgerState, signer: string, hotkey: string, amount: bigint, limit?: bigint): void {
  if (!state.owners.has(hotkey))
    reject('E_UNKNOWN_HOTKEY', `hotkey ${hotkey} is not registered on any subnet`);
  if (limit !== undefined && limit < RAO)
    reject('E_PRICE_LIMIT', `root's price is 1 τ per τ, above the limit of ${formatTao(limit)} τ`);
  debit(state, signer, amount, 'the stake');
  state.setStake(hotkey, signer, credit(state.stakeOf(hotkey, signer), amount));
}

function removeRoot(
  state: LedgerState,
  signer: string,
  hotkey: string,
  amount: bigint,
  limit?: bigint,
): void {
  if (limit !== undefined && limit > RAO)
    reject('E_PRICE_LIMIT', `root's price is 1 τ per τ, below the limit of ${formatTao(limit)} τ`);
  const staked = state.stakeOf(hotkey, signer);
  if (staked < amount)
    reject(
      'E_INSUFFICIENT_STAKE',
      `staked ${formatTao(staked)} τ on this hotkey, less than ${formatTao(amount)} τ`,
    );
  state.setStake(hotkey, signer, staked - amount);
  addFree(state, signer, amount);
}

/** Applies a staking call; returns the pool swaps it made (none for root stakes and moves within a subnet). */
export function applyStakeCall(state: LedgerState, signer: string, call: StakeCall, block: number): Swap[] {
  const at = (netuid: number, hotkey: string, coldkey = signer): Place => ({ netuid, hotkey, coldkey });
  switch (call.type) {
    case 'add_stake': {
      if (call.netuid === 0) {
        addRoot(state, signer, call.hotkey, call.amount, call.limit_price);
        return [];
      }
      const limit = call.limit_price;
      const o = withDtao(state, block, (s) =>
        limit === undefined
          ? addStake(s, signer, call.hotkey, call.netuid, call.amount)
          : addStakeLimit(s, signer, call.hotkey, call.netuid, call.amount, limit, call.allow_partial),
      );
      return [{ ...at(call.netuid, call.hotkey), side: 'buy', tao: o.tao, alpha: o.alpha, fee: o.fee }];
    }
    case 'remove_stake': {
      if (call.netuid === 0) {
        removeRoot(state, signer, call.hotkey, call.amount, call.limit_price);
        return [];
      }
      const limit = call.limit_price;
      const o = withDtao(state, block, (s) =>
        limit === undefined
          ? removeStake(s, signer, call.hotkey, call.netuid, call.amount)
          : removeStakeLimit(s, signer, call.hotkey, call.netuid, call.amount, limit, call.allow_partial),
      );
      return [{ ...at(call.netuid, call.hotkey), side: 'sell', tao: o.tao, alpha: o.alpha, fee: o.fee }];
    }
    case 'move_stake':
    case 'transfer_stake':
    case 'swap_stake': {
      const [from, to] = placesOf(call, signer);
      refuseRoot(from.netuid, to.netuid);
      const o = withDtao(state, block, (s) =>
        transition(s, {
          originColdkey: from.coldkey,
          destColdkey: to.coldkey,
          originHotkey: from.hotkey,
          destHotkey: to.hotkey,
          originNetuid: from.netuid,
          destNetuid: to.netuid,
          alpha: call.amount,
          limitPrice: call.limit_price,
          allowPartial: call.allow_partial,
        }),
      );
      return crossing(o, from, to);
    }
    case 'unstake_all':
      return unstakeEverything(state, signer, call.hotkey, block);
    case 'start_call':
      withDtao(state, block, (s) => startCall(s, signer, call.netuid));
      return [];
  }
}

type Place = { netuid: number; hotkey: string; coldkey: string };

type MoveCall = Extract<StakeCall, { type: 'move_stake' | 'transfer_stake' | 'swap_stake' }>;

/** Where a move takes α from and to: move_stake changes hotkey, transfer_stake coldkey, swap_stake neither. */
function placesOf(call: MoveCall, signer: string): [Place, Place] {
  switch (call.type) {
    case 'move_stake':
      return [
        { netuid: call.origin_netuid, hotkey: call.origin_hotkey, coldkey: signer },
        { netuid: call.dest_netuid, hotkey: call.dest_hotkey, coldkey: signer },
      ];
    case 'transfer_stake':
      return [
        { netuid: call.origin_netuid, hotkey: call.hotkey, coldkey: signer },
        { netuid: call.dest_netuid, hotkey: call.hotkey, coldkey: call.dest_coldkey },
      ];
    case 'swap_stake':
      return [
        { netuid: call.origin_netuid, hotkey: call.hotkey, coldkey: signer },
        { netuid: call.dest_netuid, hotkey: call.hotkey, coldkey: signer },
      ];
  }
}

/** A move across subnets is a fee-free sale on the origin pool and a purchase on the destination's. */
function crossing(o: MoveOutcome, from: Place, to: Place): Swap[] {
  if (from.netuid === to.netuid) return [];
  const swaps: Swap[] = [{ ...from, side: 'sell', tao: o.tao, alpha: o.alpha, fee: 0n }];
  if (o.alphaIn > 0n) swaps.push({ ...to, side: 'buy', tao: o.tao, alpha: o.alphaIn, fee: 0n });
  return swaps;
}

/** unstake_all: the root stake and every subnet's α on the hotkey; refused only when there was nothing. */
function unstakeEverything(state: LedgerState, signer: string, hotkey: string, block: number): Swap[] {
  if (!state.owners.has(hotkey)) reject('E_UNKNOWN_HOTKEY', `hotkey ${hotkey} is not registered`);
  const root = state.stakeOf(hotkey, signer);
  if (root > 0n) removeRoot(state, signer, hotkey, root);
  try {
    const sold = withDtao(state, block, (s) => unstakeAll(s, signer, hotkey));
    return [...sold].map(([netuid, o]) => ({
      netuid,
      hotkey,
      coldkey: signer,
      side: 'sell' as const,
      tao: o.tao,
      alpha: o.alpha,
      fee: o.fee,
    }));
  } catch (e) {
    if (root > 0n && isLedgerError(e) && e.code === 'E_INSUFFICIENT_STAKE') return [];
    throw e;
  }
}
