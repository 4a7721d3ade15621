/** `tao wallet balance | transfer` on a Subtensor chain: balances with staked value in τ; keep-alive transfers. */
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import { extrinsic } from '../../chain/subtensor/access.js';
import { accountBalance, alphaPrice, hotkeyOwner, stakesOfColdkey } from '../../chain/subtensor/reads.js';
import { formatTao } from '../../core/amount.js';
import { rejectedError } from '../../core/errors.js';
import type { GlobalOptions } from '../context.js';
import type { TxFlags } from '../tx-flow.js';
import { runSubtensorTx, type SubtensorTxReport } from './tx.js';

export interface SubtensorBalanceRow {
  address: string;
  wallet?: string;
  free: string;
  reserved: string;
  staked: string;
  total: string;
}

/** τ value of alpha at the pool's spot price (what the stake is worth before slippage), rao, rounded down. */
export const alphaValue = (alpha: bigint, price: bigint): bigint => (alpha * price) / 1_000_000_000n;

export async function stakedValue(chain: SubtensorApi, coldkey: string): Promise<bigint> {
  const stakes = await stakesOfColdkey(chain.api, coldkey);
  const prices = new Map<number, bigint>();
  let total = 0n;
  for (const s of stakes) {
    if (!prices.has(s.netuid)) prices.set(s.netuid, await alphaPrice(chain.api, s.netuid));
    total += alphaValue(s.alpha, prices.get(s.netuid) ?? 0n);
  }
  return total;
}

export async function subtensorBalances(
  chain: SubtensorApi,
  targets: { address: string; wallet?: string }[],
): Promise<{ balances: SubtensorBalanceRow[] }> {
  const rows = await Promise.all(
    targets.map(async (t) => {
      const [account, staked] = await Promise.all([
        accountBalance(chain.api, t.address),
        stakedValue(chain, t.address),
      ]);
      return {
        address: t.address,
        ...(t.wallet ? { wallet: t.wallet } : {}),
        free: formatTao(account.free),
        reserved: formatTao(account.reserved),
        staked: formatTao(staked),
        total: formatTao(account.free + account.reserved + staked),
      };
    }),
  );
  return { balances: rows };
}

export async function subtensorTransfer(
  globals: GlobalOptions,
  chain: SubtensorApi,
  opts: TxFlags & { dest: string; amount?: bigint; allowDeath?: boolean },
): Promise<SubtensorTxReport> {
  const owner = await hotkeyOwner(chain.api, opts.dest);
  const notes = owner
    ? [
        `${opts.dest} is a hotkey (owned by coldkey ${owner}); funds sent to a hotkey are not its owner's balance`,
      ]
    : [];
  const { report } = await runSubtensorTx(globals, chain, {
    role: 'coldkey',
    flags: opts,
    build: ({ free }) => {
      const keepAlive = !opts.allowDeath;
      if (opts.amount === undefined) {
        if (free === 0n)
          throw rejectedError('E_INSUFFICIENT_BALANCE', 'nothing to transfer: free balance is 0.000000000 τ');
        return {
          title: 'Transfer all',
          extrinsic: () => extrinsic(chain.api, 'balances', 'transferAll')(opts.dest, keepAlive),
          details: [
            ['to', opts.dest],
            ['amount', `all transferable τ${keepAlive ? ' (keeping the account alive)' : ''}`],
          ],
          freeDelta: -free,
          spendsAll: true,
          notes,
        };
      }
      const amount = opts.amount;
      return {
        title: 'Transfer',
        extrinsic: () =>
          extrinsic(
            chain.api,
            'balances',
            keepAlive ? 'transferKeepAlive' : 'transferAllowDeath',
          )(opts.dest, amount),
        details: [
          ['to', opts.dest],
          ['amount', `${formatTao(amount)} τ${keepAlive ? '' : ' (may reap the sender)'}`],
        ],
        freeDelta: -amount,
        notes,
      };
    },
  });
  return report;
}
