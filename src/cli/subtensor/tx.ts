/**
 * The sign-and-submit flow on a Subtensor chain, the same steps as tao's ledger (tx-flow.ts): show exactly
 * what will be signed with the chain's own fee estimate → confirm once (default No) → unlock → sign (mortal
 * era, nonce from the chain) → submit → wait for the block → report the actual fee. Dispatch errors are the
 * pallet's own name and text, exit 5.
 */
import type { TxPlanPreview } from '../chain-tx.js';
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import type { Extrinsic, Inclusion } from '../../chain/subtensor/submit.js';
import { formatTao } from '../../core/amount.js';
import { cancelledError, rejectedError, usageError } from '../../core/errors.js';
import type { GlobalOptions } from '../context.js';
import { printError } from '../handle-error.js';
import { keyValues } from '../output.js';
import { confirmPreview, resolveSigner, type Signer, type SignerRole, type TxFlags } from '../tx-flow.js';

export interface SubtensorTxPlan extends TxPlanPreview {
  /** Builds the extrinsic (called again for a resubmission). */
  extrinsic: () => Extrinsic;
}

export interface SubtensorTxContext {
  chain: SubtensorApi;
  signer: Signer;
  free: bigint;
}

export interface SubtensorTxReport {
  tx_hash: string;
  block: number;
  status: 'included';
  fee: string;
  fee_estimate: string;
}

export interface SubtensorTxResult {
  report: SubtensorTxReport;
  inclusion: Inclusion;
}

export async function isDevChain(chain: SubtensorApi): Promise<{ dev: boolean; chain: string }> {
  const [name, type] = await Promise.all([
    chain.api.rpc.system.chain(),
    chain.api.rpc.system.chainType().catch(() => undefined),
  ]);
  const kind = type?.toString() ?? '';
  return { dev: kind === 'Development' || kind === 'Local', chain: name.toString() };
}

function preview(ctx: SubtensorTxContext, plan: SubtensorTxPlan, fee: bigint): string {
  const after = ctx.free + plan.freeDelta - fee;
  return [
    `${plan.title} — this is what will be signed:`,
    keyValues([
      ['from', `${ctx.signer.address} (${ctx.signer.label})`],
      ...plan.details,
      ['fee (chain estimate)', `${formatTao(fee)} τ`],
      ['free balance', `${formatTao(ctx.free)} τ`],
      [
        'balance after',
        `${formatTao(after)} τ${after < 0n ? '  (insufficient: the chain will reject it)' : ''}`,
      ],
      ['chain', `${ctx.chain.specName} spec ${ctx.chain.specVersion} at ${ctx.chain.url}`],
    ]),
    ...(plan.notes ?? []).map((n) => `warning: ${n}`),
  ].join('\n');
}

export async function runSubtensorTx(
  globals: GlobalOptions,
  chain: SubtensorApi,
  options: {
    role: SignerRole;
    flags: TxFlags;
    build: (ctx: SubtensorTxContext) => SubtensorTxPlan | Promise<SubtensorTxPlan>;
  },
): Promise<SubtensorTxResult> {
  const waitSeconds = Number(options.flags.waitTimeout ?? '120');
  if (!Number.isSafeInteger(waitSeconds) || waitSeconds < 1)
    throw usageError(
      'E_USAGE',
      `--wait-timeout must be a positive integer, got '${options.flags.waitTimeout}'`,
    );
  const info = options.flags.signerUri !== undefined ? await isDevChain(chain) : { dev: false, chain: '' };
  const signer = await resolveSigner(globals, options.role, info, options.flags.signerUri);
  const { accountBalance } = await import('../../chain/subtensor/reads.js');
  const account = await accountBalance(chain.api, signer.address);
  const ctx: SubtensorTxContext = { chain, signer, free: account.free };
  const plan = await options.build(ctx);
  const { estimateFee, signAndSubmit } = await import('../../chain/subtensor/submit.js');
  const fee = await estimateFee(plan.extrinsic(), signer.address);
  if (plan.spendsAll) plan.freeDelta = fee - ctx.free;
  if (ctx.free + plan.freeDelta - fee < 0n)
    throw rejectedError(
      'E_INSUFFICIENT_BALANCE',
      `${signer.address} has ${formatTao(ctx.free)} τ free; this needs ${formatTao(fee - plan.freeDelta)} τ (fee ${formatTao(fee)} τ): nothing was sent`,
    );

  await confirmPreview(globals, () => preview(ctx, plan, fee));

  const pair = await signer.unlock();
  const { encodeAddress } = await import('../../crypto/ss58.js');
  if (encodeAddress(pair.publicKey) !== signer.address)
    throw usageError(
      'E_WALLET_MISMATCH',
      `the unlocked ${options.role} is ${encodeAddress(pair.publicKey)}, but its public file says ${signer.address}`,
    );
  await plan.beforeSubmit?.();
  let sent = false;
  const onSigint = () => {
    const message = sent
      ? 'cancelled while waiting; the transaction was already submitted and may still be included'
      : 'cancelled; nothing was signed or sent';
    process.exit(printError(cancelledError(message), globals.json));
  };
  process.on('SIGINT', onSigint);
  try {
    if (!globals.json) process.stderr.write('submitting; waiting for the block…\n');
    sent = true;
    const inclusion = await signAndSubmit(chain.api, plan.extrinsic, pair, signer.address, {
      timeoutMs: waitSeconds * 1000,
    });
    return {
      inclusion,
      report: {
        tx_hash: inclusion.txHash,
        block: inclusion.block,
        status: 'included',
        fee: formatTao(inclusion.fee),
        fee_estimate: formatTao(fee),
      },
    };
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Connects to the Subtensor endpoint of `--network`, runs `fn`, always disconnects. */
export async function withSubtensor<T>(url: string, fn: (chain: SubtensorApi) => Promise<T>): Promise<T> {
  const { connectSubtensor } = await import('../../chain/subtensor/api.js');
  const chain = await connectSubtensor(url);
  try {
    return await fn(chain);
  } finally {
    await chain.close().catch(() => undefined);
  }
}
