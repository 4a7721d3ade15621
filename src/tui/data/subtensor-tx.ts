/**
 * The console's transactions on a Subtensor chain: read what a dialog's plan needs (free balance, the
 * existential deposit, the pool and its price, the alpha held), price the exact call with the chain's own
 * fee estimate, and sign a reviewed plan with submit.ts (mortal era, nonce from the chain, one resubmission
 * when a block drops it), reporting the actual fee (TransactionFeePaid) and the StakeAdded/StakeRemoved
 * amounts. A stake the pool refuses because its price passed the limit is named like a dispatch error.
 */
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import { formatTao } from '../../core/amount.js';
import type { KeyPair } from '../../crypto/keys.js';
import { type ChainCall, type ChainTxPlan, type ChainTxRequest, planChainTx } from '../dialogs/chain-plan.js';
import type { ChainTxOutcome } from './chain-tx.js';

async function build(chain: SubtensorApi, call: ChainCall) {
  const { extrinsic } = await import('../../chain/subtensor/access.js');
  const make = extrinsic(chain.api, call.pallet, call.call);
  return () => make(...call.args);
}

/** Reads the chain's facts for `request` and plans it (twice: the fee estimate needs the call). */
export async function quoteSubtensorTx(
  chain: SubtensorApi,
  request: ChainTxRequest,
): Promise<{ plan: ChainTxPlan } | { problem: string }> {
  const [reads, stake, swap, { estimateFee }] = await Promise.all([
    import('../../chain/subtensor/reads.js'),
    import('../../chain/subtensor/stake.js'),
    import('../../chain/subtensor/swap-estimate.js'),
    import('../../chain/subtensor/submit.js'),
  ]);
  const { api } = chain;
  const staking = request.kind !== 'transfer';
  const netuid = request.netuid ?? 0;
  if (staking && !(await reads.subnetExists(api, netuid)))
    return { problem: `subnet ${netuid} does not exist on this chain` };
  const [account, pool, price, held, hotkeyOwner] = await Promise.all([
    reads.accountBalance(api, request.from),
    staking ? swap.readPoolState(api, netuid) : undefined,
    staking ? reads.alphaPrice(api, netuid) : undefined,
    request.kind === 'stake-remove' ? stake.stakeOf(api, request.to, request.from, netuid) : undefined,
    request.kind === 'transfer' ? reads.hotkeyOwner(api, request.to) : undefined,
  ]);
  const facts = {
    free: account.free,
    fee: 0n,
    existentialDeposit: BigInt(api.consts.balances?.existentialDeposit?.toString() ?? '0'),
    ...(pool ? { pool } : {}),
    ...(price !== undefined ? { price } : {}),
    ...(held !== undefined ? { held } : {}),
    ...(hotkeyOwner !== undefined ? { hotkeyOwner } : {}),
  };
  const draft = planChainTx(request, facts);
  if ('problem' in draft) return draft;
  const fee = await estimateFee((await build(chain, draft.plan.call))(), request.from);
  return planChainTx(request, { ...facts, fee });
}

/** Signs and submits a reviewed plan with `pair`, waits for its block, and says what the chain did. */
export async function signSubtensorPlan(
  chain: SubtensorApi,
  pair: KeyPair,
  plan: ChainTxPlan,
): Promise<ChainTxOutcome> {
  const [{ signAndSubmit }, { stakeEvents }, { namePoolRefusal }] = await Promise.all([
    import('../../chain/subtensor/submit.js'),
    import('../../chain/subtensor/stake.js'),
    import('../../chain/subtensor/stake-quote.js'),
  ]);
  let inclusion: Awaited<ReturnType<typeof signAndSubmit>>;
  try {
    inclusion = await signAndSubmit(chain.api, await build(chain, plan.call), pair, plan.from);
  } catch (error) {
    throw namePoolRefusal(error) ?? error;
  }
  const lines: [string, string][] = [
    ['fee paid', `${formatTao(inclusion.fee)} τ (estimate ${formatTao(plan.fee)} τ)`],
  ];
  if (plan.kind !== 'transfer') {
    const kind = plan.kind === 'stake-add' ? 'StakeAdded' : 'StakeRemoved';
    const ev = stakeEvents(inclusion).find((e) => e.kind === kind);
    lines.unshift([
      plan.kind === 'stake-add' ? 'staked' : 'unstaked',
      ev ? `${formatTao(ev.alpha)} α for ${formatTao(ev.tao)} τ (${kind})` : `no ${kind} event in the block`,
    ]);
  }
  return { txHash: inclusion.txHash, block: inclusion.block, lines };
}
