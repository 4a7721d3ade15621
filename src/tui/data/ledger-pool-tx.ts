import type { NodeClient } from '../../client/index.js';
import { formatTao } from '../../core/amount.js';
import { ExitCode, rejectedError, TaoError } from '../../core/errors.js';
import {
  type ChainTxPlan,
  type ChainTxRequest,
  ledgerStakeCall,
  planChainTx,
} from '../dialogs/chain-plan.js';
import { ledgerPoolState } from '../../client/ledger-pool.js';
import type { ChainSigning, ChainTxOutcome } from './chain-tx.js';
import type { TxSigner } from './signer.js';
import type { PasswordSource } from './types.js';

export class LedgerPoolSigning implements ChainSigning {
  constructor(
    private readonly client: NodeClient,
    private readonly signer: TxSigner,
    private readonly coldkey: string | null,
    private readonly refusal: (() => Error) | null,
  ) {}

  private async alphaHeld(hotkey: string, netuid: number): Promise<bigint> {
    if (!this.coldkey) return 0n;
    const stakes = await this.client.alphaStakes({ coldkey: this.coldkey, hotkey });
    return stakes.find((s) => s.netuid === netuid && s.hotkey === hotkey)?.alpha ?? 0n;
  }

  async quoteTx(request: Omit<ChainTxRequest, 'from'>): Promise<{ plan: ChainTxPlan } | { problem: string }> {
    const from = this.coldkey;
    if (!from) return { problem: 'no coldkey in this wallet' };
    const netuid = request.netuid ?? 0;
    if (request.kind === 'transfer' || netuid < 1)
      return { problem: 'only stakes into a subnet pool (netuid 1 or more) are priced here' };
    const [subnets, account, info, held] = await Promise.all([
      this.client.subnetList(),
      this.client.accountInfo(from),
      this.client.systemInfo(),
      request.kind === 'stake-remove' ? this.alphaHeld(request.to, netuid) : undefined,
    ]);
    const subnet = subnets.find((s) => s.netuid === netuid);
    if (!subnet) return { problem: `subnet ${netuid} does not exist on this ledger` };
    if (!subnet.pool) return { problem: `subnet ${netuid} has no pool: this node predates dynamic TAO` };
    if (!subnet.pool.started)
      return {
        problem: `subnet ${netuid} has not been started: its owner runs tao subnet start --netuid ${netuid}`,
      };
    return planChainTx(
      { ...request, from },
      {
        free: account.free,
        fee: info.txFee,
        existentialDeposit: 0n,
        pool: ledgerPoolState(netuid, subnet.pool),
        price: subnet.pool.price,
        ...(held !== undefined ? { held } : {}),
        feeSource: "the ledger's fee",
      },
    );
  }

  async signPlan(plan: ChainTxPlan, auth: PasswordSource): Promise<ChainTxOutcome> {
    if (this.refusal) throw this.refusal();
    const call = ledgerStakeCall(plan.call);
    const netuid = plan.call.pallet === 'subtensorModule' ? plan.call.args[1] : 0;
    const [before, account] = await Promise.all([
      this.alphaHeld(plan.to, netuid),
      this.client.accountInfo(plan.from),
    ]);
    const { txHash } = await this.signer.submit(call, auth);
    const fate = await this.signer.waitForTx(txHash);
    if (fate.status === 'rejected') throw rejectedError(fate.code, fate.message);
    if (fate.status === 'unknown')
      throw new TaoError('E_TX_TIMEOUT', `${txHash}: fate unknown: ${fate.message}`, ExitCode.unreachable);
    const [after, accountAfter] = await Promise.all([
      this.alphaHeld(plan.to, netuid),
      this.client.accountInfo(plan.from),
    ]);
    // The free balance moved by the τ of the trade and the fee.
    const moved = accountAfter.free - account.free + plan.fee;
    const line: [string, string] =
      plan.kind === 'stake-add'
        ? ['staked', `${formatTao(after - before)} α for ${formatTao(-moved)} τ`]
        : ['unstaked', `${formatTao(before - after)} α for ${formatTao(moved)} τ`];
    return {
      txHash,
      block: fate.block,
      lines: [line, ['fee paid', `${formatTao(plan.fee)} τ`]],
    };
  }
}
