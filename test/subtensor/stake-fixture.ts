/**
 * Staking tests' fixture on the shared localnet, done directly with @polkadot/api and dev keys (the CLI's
 * subnet commands are another slice): //Alice lifts the network rate limit (sudo), registers a subnet and
 * starts it 10 blocks later; tao wallets are funded from //Alice and their hotkeys burned-registered on it.
 */
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { Call as CallType } from '@polkadot/types/interfaces';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { rpc } from './harness.js';

export const RAO = 1_000_000_000n;

type Call = (...args: unknown[]) => SubmittableExtrinsic<'promise'>;
type RuntimeFn = (...args: unknown[]) => Promise<{ toString(): string }>;
/** api.tx.<pallet>.<call> without the optional chaining the generic types ask for. */
export const tx = (api: ApiPromise, pallet: string, call: string): Call =>
  (api.tx as unknown as Record<string, Record<string, Call>>)[pallet]![call]!;
const runtime = (api: ApiPromise, section: string, method: string): RuntimeFn =>
  (api.call as unknown as Record<string, Record<string, RuntimeFn>>)[section]![method]!;

export interface Fixture {
  api: ApiPromise;
  keyring: Keyring;
  alice: KeyringPair;
  close: () => Promise<void>;
}

/** The last raw author_extrinsicUpdate refusal per connection: @polkadot/api decodes away its reason. */
const refusals = new WeakMap<ApiPromise, { last: string }>();

/**
 * An @polkadot/api connection whose author_submitAndWatchExtrinsic refusals are kept for `send`'s errors:
 * every direct chain view (this fixture, subnet-fixture's openChain) connects through it.
 */
export async function connect(url: string): Promise<ApiPromise> {
  await cryptoWaitReady();
  const provider = new WsProvider(url);
  const refusal = { last: '' };
  const subscribe = provider.subscribe.bind(provider);
  provider.subscribe = (type, method, params, callback) =>
    subscribe(type, method, params, (error, result: unknown) => {
      if (method === 'author_submitAndWatchExtrinsic' && typeof result === 'object' && result !== null) {
        const [status] = Object.keys(result);
        if (status === 'invalid' || status === 'dropped') refusal.last = JSON.stringify(result);
      }
      callback(error, result);
    });
  const api = await ApiPromise.create({ provider, noInitWarn: true });
  refusals.set(api, refusal);
  return api;
}

export async function openFixture(url: string): Promise<Fixture> {
  const api = await connect(url);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  return { api, keyring, alice: keyring.addFromUri('//Alice'), close: () => api.disconnect() };
}

/**
 * Signs, submits, waits for the block; a dispatch error (or a failed sudo) throws with its name. Spec 300
 * fills some blocks (session rotation, era change) to the proof-size limit, and Chopsticks refuses a tx that
 * does not fit one (Invalid, ExhaustsResources): such a tx is sent again, up to twice, once that block has
 * landed. Chopsticks reports the refusal while it is still building the block: a resend signed and
 * submitted before it lands goes into the NEXT block, queued behind it, and the first head that comes is
 * the refusing block, without it (the silent-drop check below must not take that for a drop).
 */
export async function send(
  api: ApiPromise,
  signer: KeyringPair,
  tx: SubmittableExtrinsic<'promise'>,
): Promise<{ section: string; method: string; data: unknown[] }[]> {
  for (let attempt = 0; ; attempt++) {
    const fresh =
      attempt === 0 ? tx : (api.tx(tx.method as unknown as CallType) as SubmittableExtrinsic<'promise'>);
    const submittedAt = await headNumber();
    try {
      return await sendOnce(api, signer, fresh, submittedAt);
    } catch (error) {
      if (attempt >= 2 || !/tx (Invalid|Dropped)|ExhaustsResources|1010/.test(String(error))) throw error;
      if (process.env.DEBUG_SEND) console.error(`send: sent again after head ${submittedAt}: ${error}`);
      await blocksSettled(submittedAt);
    }
  }
}

/** Waits until no block Chopsticks queued before now is still being built: dev_newBlock queues behind them. */
async function blocksSettled(submittedAt: number): Promise<void> {
  if ((await headNumber()) <= submittedAt) await rpc('dev_newBlock', [{ count: 1 }]);
}

async function sendOnce(
  api: ApiPromise,
  signer: KeyringPair,
  tx: SubmittableExtrinsic<'promise'>,
  submittedAt: number,
): Promise<{ section: string; method: string; data: unknown[] }[]> {
  const nonce = await api.rpc.system.accountNextIndex(signer.address);
  const refusal = refusals.get(api) ?? { last: '' };
  refusal.last = '';
  let settled = false;
  let unwatch: (() => void) | undefined;
  return new Promise<{ section: string; method: string; data: unknown[] }[]>((resolve, reject) => {
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      unwatch?.();
      fn();
    };
    // A silent drop: a later head came, the tx is not in the pool and the nonce did not move. Chopsticks
    // takes a tx out of the pool when it QUEUES the block for it, seconds before that block lands on a
    // loaded box, so "not in the pool" may mean "in a block still being built": dev_newBlock waits for
    // every queued block (and adds one) before the nonce decides.
    const gone = async () => {
      const pending = await api.rpc.author.pendingExtrinsics();
      if (pending.some((p) => p.hash.toHex() === tx.hash.toHex())) return false;
      return (await api.rpc.system.accountNextIndex(signer.address)).toNumber() <= nonce.toNumber();
    };
    void api.rpc.chain
      .subscribeNewHeads((header) => {
        if (header.number.toNumber() <= submittedAt || settled) return;
        setTimeout(() => {
          if (settled) return;
          void (async () => {
            if (!(await gone()) || settled) return;
            await rpc('dev_newBlock', [{ count: 1 }]);
            if (settled || !(await gone())) {
              if (process.env.DEBUG_SEND) console.error(`send: not dropped, in a block still being built`);
              return;
            }
            settle(() => reject(new Error('tx Dropped (silently: not in the pool, nor in a block)')));
          })().catch(() => undefined);
        }, 1500);
      })
      .then((unsub) => {
        if (settled) unsub();
        else unwatch = unsub;
      });
    tx.signAndSend(signer, { nonce }, (result) => {
      if (result.status.isInvalid || result.status.isDropped) {
        settle(() => reject(new Error(`tx ${result.status.type} ${refusal.last}`.trim())));
      }
      // Under load @polkadot/api can deliver Finalized without the InBlock before it (the newer status
      // replaces one whose events are still being read): either one means the block holds it.
      if (!result.status.isInBlock && !result.status.isFinalized) return;
      const failed = result.dispatchError ?? findSudoError(result.events);
      if (failed) {
        const e = failed as unknown as { isModule: boolean; asModule: unknown; toString(): string };
        if (e.isModule) {
          const meta = api.registry.findMetaError(e.asModule as never);
          settle(() => reject(new Error(`${meta.section}.${meta.name}`)));
        } else settle(() => reject(new Error(e.toString())));
        return;
      }
      const events = result.events.map(({ event }) => ({
        section: event.section,
        method: event.method,
        data: event.data.toJSON() as unknown[],
      }));
      settle(() => resolve(events));
    }).catch((error: unknown) => settle(() => reject(error)));
  });
}

function findSudoError(events: { event: { section: string; method: string; data: unknown[] } }[]) {
  for (const { event } of events) {
    if (event.section === 'sudo' && event.method === 'Sudid') {
      const r = event.data[0] as { isErr: boolean; asErr: unknown };
      if (r.isErr) return r.asErr;
    }
  }
  return undefined;
}

/** Registers a subnet owned by //Alice (hotkey //Alice//owner) and starts it; returns its netuid. */
export async function createStartedSubnet(fx: Fixture): Promise<number> {
  const { api, alice } = fx;
  await send(api, alice, tx(api, 'sudo', 'sudo')(tx(api, 'adminUtils', 'sudoSetNetworkRateLimit')(0)));
  const ownerHotkey = fx.keyring.addFromUri('//Alice//owner').address;
  const events = await send(api, alice, tx(api, 'subtensorModule', 'registerNetwork')(ownerHotkey));
  const added = events.find((e) => e.method === 'NetworkAdded');
  if (!added) throw new Error('registerNetwork: no NetworkAdded event');
  const netuid = Number(added.data[0]);
  await rpc('dev_newBlock', [{ count: 10 }]);
  await send(api, alice, tx(api, 'subtensorModule', 'startCall')(netuid));
  return netuid;
}

export async function fund(fx: Fixture, address: string, tao: bigint): Promise<void> {
  await send(fx.api, fx.alice, tx(fx.api, 'balances', 'transferKeepAlive')(address, tao * RAO));
}

export async function burnedRegister(
  fx: Fixture,
  coldkey: KeyringPair,
  netuid: number,
  hotkey: string,
): Promise<void> {
  await send(fx.api, coldkey, tx(fx.api, 'subtensorModule', 'burnedRegister')(netuid, hotkey));
}

/** The (coldkey, hotkey, netuid) alpha stake as the runtime reports it. */
export async function alphaOf(fx: Fixture, hotkey: string, coldkey: string, netuid: number): Promise<bigint> {
  const info = (await runtime(fx.api, 'stakeInfoRuntimeApi', 'getStakeInfoForHotkeyColdkeyNetuid')(
    hotkey,
    coldkey,
    netuid,
  )) as unknown as { isSome: boolean; unwrap(): { stake: { toString(): string } } };
  return info.isSome ? BigInt(info.unwrap().stake.toString()) : 0n;
}

export async function freeOf(fx: Fixture, address: string): Promise<bigint> {
  const account = (await fx.api.query.system.account(address)) as unknown as {
    data: { free: { toString(): string } };
  };
  return BigInt(account.data.free.toString());
}

/** Spot price, rao per alpha. */
export async function priceOf(fx: Fixture, netuid: number): Promise<bigint> {
  return BigInt((await runtime(fx.api, 'swapRuntimeApi', 'currentAlphaPrice')(netuid)).toString());
}

export async function headNumber(): Promise<number> {
  return Number.parseInt((await rpc<{ number: string }>('chain_getHeader')).number, 16);
}

/** Events of the block at `hash`'s extrinsic `txHash` (by index), decoded. */
export async function blockEvents(
  fx: Fixture,
  block: number,
): Promise<{ section: string; method: string; data: unknown[] }[]> {
  const hash = await fx.api.rpc.chain.getBlockHash(block);
  const at = await fx.api.at(hash);
  const records = (await at.query.system.events()) as unknown as {
    event: { section: string; method: string; data: { toJSON(): unknown } };
  }[];
  return Array.from(records, ({ event }) => ({
    section: event.section,
    method: event.method,
    data: event.data.toJSON() as unknown[],
  }));
}
