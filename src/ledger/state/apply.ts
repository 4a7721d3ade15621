/**
 * The transaction state transition: `applyTx` checks expiry and nonce, charges the flat fee (burned), runs the
 * call and bumps the signer's nonce, all or nothing: on any rejection every write since the start of the tx
 * is rolled back and the LedgerError is rethrown. Pure and deterministic (no clock, no I/O).
 */
import { formatTao } from '../../core/amount.js';
import { addFree, burn, debit } from './balances.js';
import { type Call, feeOf } from './calls.js';
import { reject } from './errors.js';
import { registerNeuron } from './neurons.js';
import { defaultHyperparameters } from './params.js';
import type { LedgerState } from './state.js';
import { neuronKey } from './state.js';
import { setWeights } from './weights.js';
import { applyStakeCall, type Swap } from './stake-calls.js';
import { newPool } from '../../dtao/subnet.js';
import { bigMin } from '../../dtao/fixed.js';
import { dtaoParams } from './dtao-view.js';

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

/** Applies `tx`; returns the pool swaps its call made (the `swap` events), none for other calls. */
export function applyTx(state: LedgerState, tx: CheckedTx, ctx: TxContext): Swap[] {
  const mark = state.journal.mark();
  try {
    checkExpiryAndNonce(state, tx, ctx.block, ctx.skipNonce);
    const fee = feeOf(tx.call.type, state.chain.tx_fee);
    if (fee > 0n) {
      debit(state, tx.signer, fee, 'the transaction fee');
      burn(state, fee);
    }
    const swaps = dispatch(state, tx.signer, tx.call, ctx.block) ?? [];
    const acct = state.account(tx.signer);
    state.setAccount(tx.signer, { ...acct, nonce: acct.nonce + 1 });
    return swaps;
  } catch (e) {
    state.journal.rollback(mark);
    throw e;
  }
}

function dispatch(state: LedgerState, signer: string, call: Call, block: number): Swap[] | undefined {
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
      createSubnet(state, netuid, signer, block, lockSubnetCost(state, signer));
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
    case 'add_stake':
    case 'remove_stake':
    case 'move_stake':
    case 'transfer_stake':
    case 'swap_stake':
    case 'unstake_all':
    case 'start_call':
      return applyStakeCall(state, signer, call, block);
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

/**
 * What creating a subnet costs and what seeds its pool. Non-dev chains take `subnet_lock_cost` from the
 * creator: `pool_seed` of it (all of it when smaller) enters the pool with as much α, the rest stays locked.
 * Dev chains take nothing and mint the seed (issuance grows by it), so a dev market is free to create.
 */
export function lockSubnetCost(state: LedgerState, signer: string): { lock: bigint; seed: bigint } {
  const chain = state.chain;
  if (chain.dev) {
    const t = state.totalsRecord();
    state.setTotals({ ...t, issuance: t.issuance + chain.pool_seed });
    return { lock: 0n, seed: chain.pool_seed };
  }
  const lock = chain.subnet_lock_cost;
  const seed = bigMin(lock, chain.pool_seed);
  debit(state, signer, lock, 'the subnet lock cost');
  const t = state.totalsRecord();
  state.setTotals({ ...t, locked: t.locked + lock - seed });
  return { lock, seed };
}

/** A new subnet (not started) and its pool seeded with `seed` τ and as much α (price 1). */
export function createSubnet(
  state: LedgerState,
  netuid: number,
  owner: string,
  block: number,
  cost: { lock: bigint; seed: bigint },
): void {
  const chain = state.chain;
  state.subnets.set(String(netuid), {
    netuid,
    owner,
    owner_hotkey: null,
    created_at: block,
    n: 0,
    params: defaultHyperparameters(chain.default_tempo, chain.dev),
    locked: cost.lock,
    last_epoch: 0,
  });
  state.pools.set(String(netuid), {
    ...newPool(netuid, dtaoParams(chain, state.totalsRecord().issuance), block),
    taoReserve: cost.seed,
    alphaReserve: cost.seed,
  });
}
