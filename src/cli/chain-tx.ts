/**
 * The one sign-and-submit flow of writes through the chain seam (src/chain/chain.ts), on either backend:
 * show exactly what will be signed with the chain's fee estimate → confirm once (default No; never with
 * --yes/--json) → unlock the key → sign → submit → wait for inclusion → report {tx_hash, block, status}
 * (+ fee and fee_estimate where the chain reports the fee paid). Ctrl-C at any point exits 130.
 */
import type { Chain, ChainCall, ChainReceipt } from '../chain/chain.js';
import { formatTao } from '../core/amount.js';
import { cancelledError, rejectedError, usageError } from '../core/errors.js';
import type { GlobalOptions } from './context.js';
import { printError } from './handle-error.js';
import { keyValues } from './output.js';
import {
  confirmPreview,
  positiveInt,
  resolveSigner,
  type Signer,
  type SignerRole,
  type TxFlags,
} from './tx-flow.js';

/** What a signing flow previews and checks, whatever it signs (a ChainCall here, an extrinsic in subtensor/tx.ts). */
export interface TxPlanPreview {
  title: string;
  /** The lines after "from" (to, amount, hotkey…), label and value. */
  details: [string, string][];
  /** Change of the signer's free balance apart from the fee. */
  freeDelta: bigint;
  /** The call moves whatever is left after the fee (transfer --all): freeDelta is then fee − free. */
  spendsAll?: boolean;
  /** Shown after the balance lines: warnings (price moved, destination is a hotkey…). */
  notes?: string[];
  /** Runs after the confirmation, right before signing: re-checks what the preview promised (burn). */
  beforeSubmit?: () => Promise<void>;
}

export interface ChainTxPlan extends TxPlanPreview {
  call: ChainCall;
}

export interface ChainTxContext {
  chain: Chain;
  signer: Signer;
  free: bigint;
  /** The least the account may keep (0 where nothing is reaped). */
  existentialDeposit: bigint;
  /** The chain's fee estimate for a call (what an "all but the fee" amount needs before the plan exists). */
  quote(call: ChainCall): Promise<bigint>;
}

export interface ChainTxReport {
  tx_hash: string;
  block: number | null;
  status: 'included' | 'pending';
  /** Where the chain reports the fee paid per transaction (Subtensor). */
  fee?: string;
  fee_estimate?: string;
}

export interface ChainTxResult {
  report: ChainTxReport;
  receipt: ChainReceipt;
  /** The fee estimate the preview showed. */
  fee: bigint;
}

function preview(
  ctx: ChainTxContext,
  plan: ChainTxPlan,
  fee: bigint,
  chainLines: [string, string][],
): string {
  const after = ctx.free + plan.freeDelta - fee;
  return [
    `${plan.title} — this is what will be signed:`,
    keyValues([
      ['from', `${ctx.signer.address} (${ctx.signer.label})`],
      ...plan.details,
      ['fee', `${formatTao(fee)} τ`],
      ['free balance', `${formatTao(ctx.free)} τ`],
      [
        'balance after',
        `${formatTao(after)} τ${after < 0n ? '  (insufficient: the chain will reject it)' : ''}`,
      ],
      ...chainLines,
    ]),
    ...(plan.notes ?? []).map((n) => `warning: ${n}`),
  ].join('\n');
}

/** Exit 130 on Ctrl-C, saying whether anything was already sent. */
function onInterrupt(json: boolean, sent: () => { hash?: string } | undefined): () => void {
  const handler = () => {
    const s = sent();
    const message = !s
      ? 'cancelled; nothing was signed or sent'
      : s.hash
        ? `cancelled while waiting; transaction ${s.hash} was already submitted and may still be included`
        : 'cancelled while waiting; the transaction was already submitted and may still be included';
    process.exit(printError(cancelledError(message), json));
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

export async function runChainTx(
  globals: GlobalOptions,
  chain: Chain,
  options: {
    role: SignerRole;
    flags: TxFlags;
    build: (ctx: ChainTxContext) => ChainTxPlan | Promise<ChainTxPlan>;
  },
): Promise<ChainTxResult> {
  const expiryBlocks = positiveInt(options.flags.expiryBlocks, '--expiry-blocks', 64);
  const waitSeconds = positiveInt(options.flags.waitTimeout, '--wait-timeout', 120);
  let sent: { hash?: string } | undefined;
  const release = onInterrupt(globals.json, () => sent);
  try {
    const kind = options.flags.signerUri !== undefined ? await chain.kind() : { dev: false, chain: '' };
    const signer = await resolveSigner(globals, options.role, kind, options.flags.signerUri);
    const session = await chain.session(signer.address, { expiryBlocks });
    const ctx: ChainTxContext = {
      chain,
      signer,
      free: session.free,
      existentialDeposit: session.existentialDeposit,
      quote: (call) => session.quote(call),
    };
    const plan = await options.build(ctx);
    const fee = await session.quote(plan.call);
    if (plan.spendsAll) {
      if (ctx.free <= fee)
        throw rejectedError(
          'E_INSUFFICIENT_BALANCE',
          `nothing to transfer: free balance ${formatTao(ctx.free)} τ does not cover the fee ${formatTao(fee)} τ`,
        );
      plan.freeDelta = fee - ctx.free;
    }
    if (ctx.free + plan.freeDelta - fee < 0n)
      throw rejectedError(
        'E_INSUFFICIENT_BALANCE',
        `${signer.address}: free balance ${formatTao(ctx.free)} τ does not cover the ${formatTao(fee - plan.freeDelta)} τ this needs (fee ${formatTao(fee)} τ): nothing was sent`,
      );

    await confirmPreview(globals, () => preview(ctx, plan, fee, session.previewLines));

    const pair = await signer.unlock();
    const { encodeAddress } = await import('../crypto/ss58.js');
    if (encodeAddress(pair.publicKey) !== signer.address)
      throw usageError(
        'E_WALLET_MISMATCH',
        `the unlocked ${options.role} is ${encodeAddress(pair.publicKey)}, but its public file says ${signer.address}`,
      );
    await plan.beforeSubmit?.();
    const receipt = await session.submit(plan.call, pair, {
      timeoutMs: waitSeconds * 1000,
      wait: options.flags.wait !== false,
      onSent: (hash) => {
        sent = hash === undefined ? {} : { hash };
        if (globals.json || options.flags.wait === false) return;
        process.stderr.write(
          hash ? `submitted ${hash}; waiting for inclusion…\n` : 'submitting; waiting for the block…\n',
        );
      },
    });
    return {
      receipt,
      fee,
      report: {
        tx_hash: receipt.txHash,
        block: receipt.block,
        status: receipt.status,
        ...(receipt.fee !== undefined ? { fee: formatTao(receipt.fee), fee_estimate: formatTao(fee) } : {}),
      },
    };
  } finally {
    release();
  }
}
