/**
 * The transaction state transition: `applyTx` checks expiry and nonce, charges the flat fee (burned), runs the
 * call and bumps the signer's nonce, all or nothing: on any rejection every write since the start of the tx
 * is rolled back and the LedgerError is rethrown. Pure and deterministic (no clock, no I/O).
 */
import { formatTao } from '../core/amount.js';
import { type Call, feeOf } from './calls.js';
import { reject } from './errors.js';
import { registerNeuron } from './neurons.js';
import { defaultHyperparameters } from './params.js';
import type { LedgerState } from './state.js';
import { neuronKey } from './state.js';
import { setWeights } from './weights.js';

const MAX_U64 = (1n << 64n) - 1n;

/** A transaction whose envelope and signature were already checked (see tx-check.ts). */
export interface CheckedTx {
  hash: string;
  signer: string;
  nonce: number;
  expiry: number;
  call: Call;
  raw: unknown; // the wire envelope, stored in the block
}

export interface TxContext {
  block: number; // the block being built
  /** Submit-time dry run of a tx queued behind the signer's pending txs: its nonce is checked later. */
  skipNonce?: boolean;
}

function credit(free: bigint, amount: bigint): bigint {
  const next = free + amount;
  if (next > MAX_U64) reject('E_OVERFLOW', 'the balance would exceed 2^64 − 1 rao');
  return next;
}

function debit(state: LedgerState, address: string, amount: bigint, what: string): void {
  const acct = state.account(address);
  if (acct.free < amount)
    reject(
      'E_INSUFFICIENT_BALANCE',
      `free balance ${formatTao(acct.free)} τ is less than ${formatTao(amount)} τ needed for ${what}`,
    );
  state.setAccount(address, { ...acct, free: acct.free - amount });
}

function addFree(state: LedgerState, address: string, amount: bigint): void {
  const acct = state.account(address);
  state.setAccount(address, { ...acct, free: credit(acct.free, amount) });
}

function burn(state: LedgerState, amount: bigint): void {
  if (amount === 0n) return;
  const t = state.totalsRecord();
  state.setTotals({ ...t, burned: t.burned + amount });
}

export function checkExpiryAndNonce(
  state: LedgerState,
  tx: CheckedTx,
  block: number,
  skipNonce = false,
): void {
  if (tx.expiry < block)
    reject('E_EXPIRED', `the transaction expired at block ${tx.expiry} (now building ${block})`);
  if (skipNonce) return;
  const next = state.account(tx.signer).nonce;
  if (tx.nonce < next) reject('E_STALE_NONCE', `nonce ${tx.nonce} was already used (next is ${next})`);
  if (tx.nonce > next) reject('E_FUTURE_NONCE', `nonce ${tx.nonce} is ahead of the next nonce ${next}`);
}

export function applyTx(state: LedgerState, tx: CheckedTx, ctx: TxContext): void {
  const mark = state.journal.mark();
  try {
    checkExpiryAndNonce(state, tx, ctx.block, ctx.skipNonce);
    const fee = feeOf(tx.call.type, state.chain.tx_fee);
    if (fee > 0n) {
      debit(state, tx.signer, fee, 'the transaction fee');
      burn(state, fee);
    }
    dispatch(state, tx.signer, tx.call, ctx.block);
    const acct = state.account(tx.signer);
    state.setAccount(tx.signer, { ...acct, nonce: acct.nonce + 1 });
  } catch (e) {
    state.journal.rollback(mark);
    throw e;
  }
}

function dispatch(state: LedgerState, signer: string, call: Call, block: number): void {
  const chain = state.chain;
  switch (call.type) {
    case 'transfer': {
      debit(state, signer, call.amount, 'the transfer');
      addFree(state, call.dest, call.amount);
      return;
    }
    case 'faucet': {
      if (!chain.dev) reject('E_NOT_DEV_CHAIN', 'the faucet exists only on dev chains');
      const amount = call.amount ?? chain.faucet_amount;
      if (amount > chain.faucet_cap)
        reject('E_FAUCET_LIMIT', `the faucet gives at most ${formatTao(chain.faucet_cap)} τ per call`);
      const t = state.totalsRecord();
      if (t.issuance + amount > chain.max_supply)
        reject('E_SUPPLY_CAP', 'the faucet would exceed the supply cap');
      state.setTotals({ ...t, issuance: t.issuance + amount });
      addFree(state, signer, amount);
      return;
    }
    case 'create_subnet': {
      const netuids = state.netuids();
      if (netuids.length >= chain.max_subnets)
        reject('E_TOO_MANY_SUBNETS', `at most ${chain.max_subnets} subnets`);
      let netuid = 1;
      while (state.subnet(netuid)) netuid++;
      const lock = chain.dev ? 0n : chain.subnet_lock_cost;
      if (lock > 0n) {
        debit(state, signer, lock, 'the subnet lock cost');
        const t = state.totalsRecord();
        state.setTotals({ ...t, locked: t.locked + lock });
      }
      createSubnet(state, netuid, signer, block, lock);
      return;
    }
    case 'burned_register': {
      const sn =
        state.subnet(call.netuid) ?? reject('E_UNKNOWN_SUBNET', `subnet ${call.netuid} does not exist`);
      debit(state, signer, sn.params.burn, 'the registration burn');
      burn(state, sn.params.burn);
      registerNeuron(state, call.netuid, call.hotkey, signer, block);
      return;
    }
    case 'add_stake': {
      if (!state.owners.has(call.hotkey))
        reject('E_UNKNOWN_HOTKEY', `hotkey ${call.hotkey} is not registered on any subnet`);
      debit(state, signer, call.amount, 'the stake');
      state.setStake(call.hotkey, signer, credit(state.stakeOf(call.hotkey, signer), call.amount));
      return;
    }
    case 'remove_stake': {
      const staked = state.stakeOf(call.hotkey, signer);
      if (staked < call.amount)
        reject(
          'E_INSUFFICIENT_STAKE',
          `staked ${formatTao(staked)} τ on this hotkey, less than ${formatTao(call.amount)} τ`,
        );
      state.setStake(call.hotkey, signer, staked - call.amount);
      addFree(state, signer, call.amount);
      return;
    }
    case 'set_weights':
      setWeights(state, block, signer, call.netuid, call.uids, call.weights, call.version_key);
      return;
    case 'serve_axon': {
      if (!state.subnet(call.netuid)) reject('E_UNKNOWN_SUBNET', `subnet ${call.netuid} does not exist`);
      const uid =
        state.uidOf(call.netuid, signer) ??
        reject('E_NOT_REGISTERED', `hotkey ${signer} is not registered on subnet ${call.netuid}`);
      const n = state.neuron(call.netuid, uid)!;
      state.neurons.set(neuronKey(call.netuid, uid), {
        ...n,
        axon: { ip: call.ip, port: call.port, protocol: call.protocol },
      });
      return;
    }
    case 'set_delegate_take': {
      const owner = state.owners.get(call.hotkey);
      if (owner === undefined)
        reject('E_UNKNOWN_HOTKEY', `hotkey ${call.hotkey} is not registered on any subnet`);
      if (owner !== signer) reject('E_NOT_HOTKEY_OWNER', `hotkey ${call.hotkey} belongs to another coldkey`);
      if (call.take > chain.max_take)
        reject(
          'E_TAKE_TOO_HIGH',
          `take ${call.take} exceeds the maximum ${chain.max_take} (${chain.max_take / 655.35}%)`,
        );
      state.takes.set(call.hotkey, call.take);
      return;
    }
  }
}

export function createSubnet(
  state: LedgerState,
  netuid: number,
  owner: string,
  block: number,
  locked: bigint,
): void {
  state.subnets.set(String(netuid), {
    netuid,
    owner,
    owner_hotkey: null,
    created_at: block,
    n: 0,
    params: defaultHyperparameters(state.chain.default_tempo, state.chain.dev),
    pending_emission: 0n,
    locked,
    last_epoch: 0,
  });
}
