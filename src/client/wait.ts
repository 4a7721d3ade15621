/**
 * Waiting for a transaction's outcome: listen on the event stream and, as a safety net, poll tx_status
 * (fast while the stream is down, slow while it is up). Ends at the first final answer or the deadline.
 */
import { ExitCode, TaoError } from '../core/errors.js';
import type { NodeClient } from './node-client.js';
import type { TxOutcome, TxStatus } from './types.js';

export interface WaitOptions {
  /** Give up after this long (default 120 s): E_TX_TIMEOUT, exit 4. */
  timeoutMs?: number;
  /** The tx's expiry block: once the head passes it and the node does not know the tx, it is expired. */
  expiry?: number;
  /** Poll interval while the event stream is down (default 250 ms); 8× that while it is up. */
  pollMs?: number;
  signal?: AbortSignal;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function outcomeOf(txHash: string, s: TxStatus): TxOutcome | null {
  if (s.status === 'included' && s.block !== undefined) return { txHash, status: 'included', block: s.block };
  if (s.status === 'rejected') {
    return {
      txHash,
      status: 'rejected',
      ...(s.block !== undefined ? { block: s.block } : {}),
      error: s.error ?? { code: 'E_REJECTED', message: 'rejected by the ledger' },
    };
  }
  return null;
}

export function waitForTx(client: NodeClient, txHash: string, options: WaitOptions = {}): Promise<TxOutcome> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const pollMs = options.pollMs ?? 250;
  const stop = new AbortController();
  let streamUp = false;
  let wake: (() => void) | undefined;

  return new Promise<TxOutcome>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
      stop.abort();
      wake?.();
      fn();
    };
    const onAbort = () => finish(() => reject(options.signal?.reason));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = setTimeout(
      () =>
        finish(() =>
          reject(
            new TaoError(
              'E_TX_TIMEOUT',
              `transaction ${txHash} was not included within ${Math.round(timeoutMs / 1000)} s; it may still be`,
              ExitCode.unreachable,
              `check later with the node's tx_status for ${txHash}; is the node producing blocks?`,
            ),
          ),
        ),
      timeoutMs,
    );

    const check = async (): Promise<void> => {
      const status = await client.txStatus(txHash, { signal: stop.signal });
      const outcome = outcomeOf(txHash, status);
      if (outcome) return finish(() => resolve(outcome));
      if (status.status === 'unknown' && options.expiry !== undefined) {
        const head = await client.head({ signal: stop.signal });
        if (head.number > options.expiry) {
          finish(() =>
            resolve({
              txHash,
              status: 'rejected',
              error: {
                code: 'E_EXPIRED',
                message: `not included by its expiry block ${options.expiry} (head is ${head.number})`,
              },
            }),
          );
        }
      }
    };

    // The event stream: a tx event for our hash settles it; (re)connecting triggers a status check so
    // an outcome that happened before we subscribed is not missed.
    void (async () => {
      try {
        for await (const event of client.events(stop.signal, {
          onConnection: (state) => {
            streamUp = state === 'open';
            wake?.();
          },
        })) {
          if (event.type === 'tx' && same(event.txHash, txHash)) {
            const outcome = outcomeOf(txHash, event);
            if (outcome) return finish(() => resolve(outcome));
          } else if (event.type === 'head') {
            wake?.();
          }
        }
      } catch {
        // the poller carries on
      }
    })();

    // The poller.
    void (async () => {
      while (!done) {
        try {
          await check();
        } catch (error) {
          if (done) return;
          return finish(() => reject(error));
        }
        if (done) return;
        await new Promise<void>((r) => {
          const timer = setTimeout(r, streamUp ? pollMs * 8 : pollMs);
          wake = () => {
            clearTimeout(timer);
            r();
          };
        });
      }
    })();
  });
}
