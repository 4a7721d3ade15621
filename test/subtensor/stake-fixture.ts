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

export async function openFixture(url: string): Promise<Fixture> {
  await cryptoWaitReady();
  const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  return { api, keyring, alice: keyring.addFromUri('//Alice'), close: () => api.disconnect() };
}

/**
 * Signs, submits, waits for the block; a dispatch error (or a failed sudo) throws with its name. Every 15th
 * block on spec 300 is full of session work and Chopsticks drops a tx that does not fit it, sometimes with
 * no status at all: such a tx is sent again (up to twice).
 */
export async function send(
  api: ApiPromise,
  signer: KeyringPair,
  tx: SubmittableExtrinsic<'promise'>,
): Promise<{ section: string; method: string; data: unknown[] }[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      const fresh =
        attempt === 0 ? tx : (api.tx(tx.method as unknown as CallType) as SubmittableExtrinsic<'promise'>);
      return await sendOnce(api, signer, fresh);
    } catch (error) {
      if (attempt >= 2 || !/tx (Invalid|Dropped)|ExhaustsResources|1010/.test(String(error))) throw error;
    }
  }
}

async function sendOnce(
  api: ApiPromise,
  signer: KeyringPair,
  tx: SubmittableExtrinsic<'promise'>,
): Promise<{ section: string; method: string; data: unknown[] }[]> {
  const nonce = await api.rpc.system.accountNextIndex(signer.address);
  const submittedAt = (await api.rpc.chain.getHeader()).number.toNumber();
  let settled = false;
  let unwatch: (() => void) | undefined;
  return new Promise<{ section: string; method: string; data: unknown[] }[]>((resolve, reject) => {
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      unwatch?.();
      fn();
    };
    // A silent drop: a later head came, the tx is not in the pool and the nonce did not move.
    void api.rpc.chain
      .subscribeNewHeads((header) => {
        if (header.number.toNumber() <= submittedAt || settled) return;
        setTimeout(() => {
          if (settled) return;
          void (async () => {
            const pending = await api.rpc.author.pendingExtrinsics();
            if (pending.some((p) => p.hash.toHex() === tx.hash.toHex())) return;
            const next = await api.rpc.system.accountNextIndex(signer.address);
            if (next.toNumber() > nonce.toNumber()) return;
            settle(() => reject(new Error('tx Dropped (silently, by a full block)')));
          })().catch(() => undefined);
        }, 1500);
      })
      .then((unsub) => {
        if (settled) unsub();
        else unwatch = unsub;
      });
    tx.signAndSend(signer, { nonce }, (result) => {
      if (result.status.isInvalid || result.status.isDropped) {
        settle(() => reject(new Error(`tx ${result.status.type}`)));
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
