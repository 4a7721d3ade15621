/**
 * Sign, submit and follow one extrinsic to inclusion: the chain's own fee estimate before, the actual fee
 * (TransactionFeePaid) after, dispatch errors decoded to `Pallet.Error: docs` (exit 5), and one resubmission
 * when a block refuses the transaction for resources (Subtensor fills every 15th block with session work).
 */
import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { DispatchError, EventRecord } from '@polkadot/types/interfaces';
import { formatTao } from '../../core/amount.js';
import { rejectedError, TaoError, ExitCode } from '../../core/errors.js';
import type { KeyPair } from '../../crypto/keys.js';
import { keyPairSigner } from './signer.js';

export type Extrinsic = SubmittableExtrinsic<'promise'>;

export interface Inclusion {
  txHash: string;
  blockHash: string;
  block: number;
  /** The actual fee paid (TransactionFeePaid), rao. */
  fee: bigint;
  events: { section: string; method: string; data: unknown[] }[];
}

export interface SubmitOptions {
  /** Mortal era length in blocks (default 64). */
  eraBlocks?: number;
  timeoutMs?: number;
}

export async function estimateFee(tx: Extrinsic, address: string): Promise<bigint> {
  const info = await tx.paymentInfo(address);
  return BigInt(info.partialFee.toString());
}

/** `SubtensorModule.NotEnoughStakeToWithdraw: the caller requests …` from a runtime DispatchError. */
export function describeDispatchError(
  api: ApiPromise,
  error: DispatchError,
): { code: string; message: string } {
  if (error.isModule) {
    const meta = api.registry.findMetaError(error.asModule);
    const docs = meta.docs.join(' ').replace(/\s+/g, ' ').trim();
    const name = `${meta.section.charAt(0).toUpperCase()}${meta.section.slice(1)}.${meta.name}`;
    return { code: meta.name, message: docs ? `${name}: ${docs}` : name };
  }
  const inner = (error as unknown as Record<string, unknown>)[`as${error.type}`] as
    | { type?: string }
    | undefined;
  const name = inner?.type ? `${error.type}.${inner.type}` : error.type;
  const text = DISPATCH_TEXT[name];
  return { code: error.type, message: text ? `${name}: ${text}` : name };
}

/** Words for the runtime's own (non-pallet) dispatch errors an operator meets. */
const DISPATCH_TEXT: Record<string, string> = {
  BadOrigin: 'the signer is not allowed to make this call',
  'Token.FundsUnavailable': 'the account does not have enough free funds',
  'Token.OnlyProvider': 'the account would be reaped (below the existential deposit) but must stay alive',
  'Token.BelowMinimum': 'the amount is below the existential deposit',
  'Token.Frozen': 'the funds are frozen',
  'Token.NotExpendable': 'the sender would fall below the existential deposit (a keep-alive transfer)',
  'Arithmetic.Underflow': 'the amount is more than there is',
  'Arithmetic.Overflow': 'the amount is too large',
};

const EXHAUSTS_RESOURCES = /exhaust|ExhaustsResources/i;

function isResourceRefusal(error: unknown): boolean {
  const text =
    error instanceof Error
      ? `${error.message} ${String((error as { data?: unknown }).data ?? '')}`
      : String(error);
  return EXHAUSTS_RESOURCES.test(text);
}

async function submitOnce(
  api: ApiPromise,
  tx: Extrinsic,
  pair: KeyPair,
  address: string,
  options: SubmitOptions,
): Promise<Inclusion> {
  const nonce = await api.rpc.system.accountNextIndex(address);
  await tx.signAsync(address, { signer: keyPairSigner(api, pair), nonce, era: options.eraBlocks ?? 64 });
  const txHash = tx.hash.toHex();
  const submittedAt = (await api.rpc.chain.getHeader()).number.toNumber();
  return new Promise<Inclusion>((resolve, reject) => {
    let unsubscribe: (() => void) | undefined;
    const timer = setTimeout(() => {
      unsubscribe?.();
      reject(
        new TaoError(
          'E_TX_TIMEOUT',
          `transaction ${txHash} was submitted but not included within ${Math.round((options.timeoutMs ?? 120_000) / 1000)} s`,
          ExitCode.unreachable,
          'it may still be included: check your balance before sending it again',
        ),
      );
    }, options.timeoutMs ?? 120_000);
    let done = false;
    let stopWatch: (() => void) | undefined;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe?.();
      stopWatch?.();
      fn();
    };
    const included = (blockHash: string, records: EventRecord[]) =>
      finish(() => {
        void inclusionOf(api, txHash, blockHash, records).then(resolve, reject);
      });
    // Chopsticks (and a node under load) can drop a transaction that does not fit a block without any
    // status: a transaction neither in the pool nor in the chain after two new heads was dropped. The
    // same watch finds a transaction whose status never reached us in the block that holds it.
    void watchForSilentDrop(api, tx, address, nonce.toNumber(), submittedAt, () => done, {
      dropped: () =>
        finish(() => reject(new DroppedError(`transaction ${txHash} left the pool without being included`))),
      included,
    }).then((stop) => {
      if (done) stop();
      else stopWatch = stop;
    });
    tx.send((result) => {
      const { status } = result;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        finish(() =>
          reject(new DroppedError(`transaction ${txHash} was ${status.type.toLowerCase()} by the pool`)),
        );
        return;
      }
      // A subscription that starts late keeps only the last status (the WebSocket provider buffers one per
      // subscription id): Finalized can arrive without InBlock before it.
      if (status.isInBlock) included(status.asInBlock.toHex(), result.events);
      else if (status.isFinalized) included(status.asFinalized.toHex(), result.events);
    })
      .then((unsub) => {
        unsubscribe = unsub;
      })
      .catch((error: unknown) => finish(() => reject(error)));
  });
}

class DroppedError extends Error {}

const DROP_GRACE_MS = 1500;

async function watchForSilentDrop(
  api: ApiPromise,
  tx: Extrinsic,
  address: string,
  nonce: number,
  submittedAt: number,
  finished: () => boolean,
  on: { dropped: () => void; included: (blockHash: string, records: EventRecord[]) => void },
): Promise<() => void> {
  const txHex = tx.toHex();
  // The first head after which the transaction was neither pending nor in the chain. Chopsticks takes a
  // transaction out of the pool when it queues the block for it, behind a block still being built (one
  // that refused the first submission, say): the next head is that older block, without it, and the one
  // holding it lands seconds later on a loaded machine. Only a later head without it proves the drop.
  let missingAfter: number | undefined;
  const unsub = await api.rpc.chain.subscribeNewHeads((header) => {
    const number = header.number.toNumber();
    if (number <= submittedAt || finished()) return;
    const blockHash = header.hash.toHex();
    setTimeout(() => {
      if (finished()) return;
      void (async () => {
        // Order matters: pool first, then the nonce. A transaction that leaves the pool for a block between
        // the two reads shows in the nonce, so a resubmission can never send the same transfer twice.
        const pending = await api.rpc.author.pendingExtrinsics();
        if (pending.some((p) => p.toHex() === txHex)) return;
        const account = await api.query.system?.account?.at(blockHash, address);
        const best = await api.rpc.system.accountNextIndex(address);
        const chainNonce = Number(
          (account as unknown as { nonce?: { toString(): string } })?.nonce?.toString() ?? best.toString(),
        );
        if (chainNonce > nonce || best.toNumber() > nonce) {
          // Included (or replaced): when this block holds it and no status came, report it from here.
          const records = await recordsOf(api, txHex, blockHash);
          if (records && !finished()) on.included(blockHash, records);
          return;
        }
        if (missingAfter === undefined || number <= missingAfter) {
          missingAfter ??= number;
          return;
        }
        if (!finished()) on.dropped();
      })().catch(() => undefined);
    }, DROP_GRACE_MS);
  });
  return unsub;
}

/** The events of the extrinsic `txHex` in the block `blockHash`, or undefined when that block lacks it. */
async function recordsOf(
  api: ApiPromise,
  txHex: string,
  blockHash: string,
): Promise<EventRecord[] | undefined> {
  const { block } = await api.rpc.chain.getBlock(blockHash);
  const index = block.extrinsics.findIndex((x) => x.toHex() === txHex);
  if (index < 0) return undefined;
  const at = await api.at(blockHash);
  const records = (await at.query.system?.events?.()) as unknown as EventRecord[] | undefined;
  return Array.from(records ?? []).filter(
    ({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === index,
  );
}

async function inclusionOf(
  api: ApiPromise,
  txHash: string,
  blockHash: string,
  records: EventRecord[],
): Promise<Inclusion> {
  const header = await api.rpc.chain.getHeader(blockHash);
  let fee = 0n;
  const events = records.map(({ event }) => ({
    section: event.section,
    method: event.method,
    data: event.data.toJSON() as unknown[],
  }));
  for (const { event } of records) {
    if (event.section === 'transactionPayment' && event.method === 'TransactionFeePaid')
      fee = BigInt(String(event.data[1]?.toString() ?? '0'));
  }
  const where = `transaction ${txHash}, block ${header.number.toNumber()}; fee charged ${formatTao(fee)} τ`;
  for (const { event } of records) {
    if (event.section === 'system' && event.method === 'ExtrinsicFailed') {
      const { message } = describeDispatchError(api, event.data[0] as DispatchError);
      throw rejectedError('E_CHAIN_REJECTED', `${message} (${where})`);
    }
    if (event.section === 'sudo' && event.method === 'Sudid') {
      const result = event.data[0] as unknown as { isErr: boolean; asErr: DispatchError };
      if (result.isErr) {
        const { message } = describeDispatchError(api, result.asErr);
        throw rejectedError('E_CHAIN_REJECTED', `sudo call failed: ${message} (${where})`);
      }
    }
  }
  return { txHash, blockHash, block: header.number.toNumber(), fee, events };
}

/** Signs with a fresh nonce and follows the extrinsic into a block; resubmits once after a resource refusal. */
export async function signAndSubmit(
  api: ApiPromise,
  build: () => Extrinsic,
  pair: KeyPair,
  address: string,
  options: SubmitOptions = {},
): Promise<Inclusion> {
  try {
    return await submitOnce(api, build(), pair, address, options);
  } catch (error) {
    if (!(error instanceof DroppedError) && !isResourceRefusal(error)) throw mapSubmitError(error);
    try {
      return await submitOnce(api, build(), pair, address, options);
    } catch (again) {
      throw mapSubmitError(again);
    }
  }
}

function mapSubmitError(error: unknown): unknown {
  if (error instanceof TaoError) return error;
  if (error instanceof DroppedError)
    return rejectedError('E_TX_DROPPED', `${error.message} twice; nothing was included`);
  const text = error instanceof Error ? error.message : String(error);
  // Pool validity errors come back as RPC error 1010 "Invalid Transaction: …".
  if (/1010|Invalid Transaction|1014|Priority is too low/i.test(text))
    return rejectedError('E_TX_INVALID', `the chain refused the transaction: ${text}`);
  return error;
}
