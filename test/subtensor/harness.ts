/**
 * The harness every test/subtensor file uses: the ONE localnet that global-setup.ts started (real runtime,
 * instant blocks), its endpoints and TAO_HOME, raw JSON-RPC, mining, and resetChain() back to the state the
 * suite started from. Wrap each file's tests in describeLocalnet(): when the runtime is missing it skips
 * (or, under CI=1, fails with how to supply it).
 */
import { describe, inject, it } from 'vitest';
import type { SubtensorContext } from './global-setup.js';

export type { SubtensorContext };

export const context = (): SubtensorContext => inject('subtensor');

/** ws://127.0.0.1:<port>: what `--network` takes and @polkadot/api's WsProvider connects to. */
export const endpoint = (): string => context().endpoint;
/** http://127.0.0.1:<port>: the same node's HTTP JSON-RPC. */
export const httpEndpoint = (): string => context().httpEndpoint;
/** The TAO_HOME the localnet runs in (its pid file and log are under localnet/). */
export const taoHome = (): string => context().home;
/** The head block number when the suite started; resetChain() returns to it. */
export const baseBlock = (): number => context().baseBlock;

let nextId = 1;

/** One JSON-RPC call over HTTP; an error answer throws with the node's message. */
export async function rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(httpEndpoint(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string; data?: unknown } };
  if (body.error)
    throw new Error(
      `${method}: ${body.error.message}${body.error.data ? ` ${JSON.stringify(body.error.data)}` : ''}`,
    );
  return body.result as T;
}

/** The best block's number. */
export async function head(): Promise<number> {
  return Number.parseInt((await rpc<{ number: string }>('chain_getHeader')).number, 16);
}

/** Produces n blocks now (dev_newBlock) and returns the new head. */
export async function mine(n = 1): Promise<number> {
  await rpc('dev_newBlock', [{ count: n }]);
  return head();
}

/** Back to the state the suite started from (Chopsticks dev_setHead to the base block). */
export async function resetChain(): Promise<void> {
  await rpc('dev_setHead', [baseBlock()]);
}

/**
 * describe() for tests on the localnet. Runtime or Chopsticks missing: skipped (the reason is printed once
 * by the global setup); under CI=1 one failing test says how to supply it.
 */
export function describeLocalnet(name: string, fn: () => void): void {
  const { skip } = context();
  if (!skip) {
    describe(name, fn);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs the Subtensor runtime (CI=1 must not skip it)', () => {
        throw new Error(skip);
      });
    });
    return;
  }
  describe.skip(name, fn);
}
