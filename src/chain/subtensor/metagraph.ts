/**
 * A subnet's metagraph on a Subtensor chain: every neuron's keys, stake (alpha, root τ, and the epoch's stake
 * weight), the epoch's u16 ranking outputs, emission, permits, axon and the owning coldkey's chain identity
 * name (IdentitiesV2, set with set_identity). One runtime call (subnetInfoRuntimeApi.getMetagraph) plus the
 * ValidatorTrust vector it leaves out.
 */
import type { ApiPromise } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import { runtimeCall, storage } from './access.js';
import { big, bytesText, field, num } from './codec.js';
import { ipText } from './subnets.js';

export interface SubtensorNeuron {
  uid: number;
  hotkey: string;
  coldkey: string;
  /** Alpha staked on the hotkey on this subnet (10^-9 α). */
  alphaStake: bigint;
  /** Root τ stake of the hotkey, rao. */
  taoStake: bigint;
  /** The epoch's stake weight (alpha + root τ × tao weight), 10^-9 units. */
  totalStake: bigint;
  /** u16 ranking outputs of the last epoch. */
  rank: number;
  trust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  validatorTrust: number;
  /** Alpha emitted to the neuron in the last epoch (10^-9 α). */
  emission: bigint;
  validatorPermit: boolean;
  active: boolean;
  lastUpdate: number;
  registeredAt: number;
  axon: { ip: string; port: number; protocol: number } | null;
  /** The name of the coldkey's chain identity (IdentitiesV2), null when it has none or it is blank. */
  identity: string | null;
}

export interface SubtensorMetagraph {
  netuid: number;
  block: number;
  neurons: SubtensorNeuron[];
}

const list = (struct: unknown, name: string): Codec[] =>
  Array.from(field(struct, name) as unknown as Iterable<Codec>);

/** An Option<ChainIdentityV2>'s name, trimmed; null for none or a blank name. */
function identityName(codec: Codec | undefined): string | null {
  const opt = codec as unknown as { isSome?: boolean; unwrap(): Codec } | undefined;
  if (!opt?.isSome) return null;
  return bytesText(field(opt.unwrap(), 'name')).trim() || null;
}

/** undefined when the subnet does not exist. */
export async function subtensorMetagraph(
  api: ApiPromise,
  netuid: number,
): Promise<SubtensorMetagraph | undefined> {
  const [opt, vtrust] = await Promise.all([
    runtimeCall(api, 'subnetInfoRuntimeApi', 'getMetagraph')(netuid) as unknown as Promise<{
      isSome: boolean;
      unwrap(): Codec;
    }>,
    storage(api, 'subtensorModule', 'validatorTrust')(netuid),
  ]);
  if (!opt.isSome) return undefined;
  const m = opt.unwrap();
  const vt = Array.from(vtrust as unknown as Iterable<Codec>, num);
  const hotkeys = list(m, 'hotkeys').map(String);
  const col = (name: string) => list(m, name);
  const [coldkeys, axons, active, permits, lastUpdate, emission, dividends, incentives] = [
    'coldkeys',
    'axons',
    'active',
    'validatorPermit',
    'lastUpdate',
    'emission',
    'dividends',
    'incentives',
  ].map(col) as [Codec[], Codec[], Codec[], Codec[], Codec[], Codec[], Codec[], Codec[]];
  // Runtimes before identities in the metagraph have no such column: no names.
  const identities = (m as unknown as { get(name: string): unknown }).get('identities')
    ? col('identities')
    : [];
  const [consensus, trust, rank, registered, alpha, tao, total] = [
    'consensus',
    'trust',
    'rank',
    'blockAtRegistration',
    'alphaStake',
    'taoStake',
    'totalStake',
  ].map(col) as [Codec[], Codec[], Codec[], Codec[], Codec[], Codec[], Codec[]];
  const at = (c: Codec[], i: number): Codec | undefined => c[i];
  const n = (c: Codec[], i: number) => {
    const v = at(c, i);
    return v === undefined ? 0 : num(v);
  };
  const b = (c: Codec[], i: number) => {
    const v = at(c, i);
    return v === undefined ? 0n : big(v);
  };
  const flag = (c: Codec[], i: number) => at(c, i)?.toString() === 'true';
  return {
    netuid,
    block: num(field(m, 'block')),
    neurons: hotkeys.map((hotkey, uid) => {
      const axon = at(axons, uid);
      const ip = axon ? big(field(axon, 'ip')) : 0n;
      return {
        uid,
        hotkey,
        coldkey: at(coldkeys, uid)?.toString() ?? '',
        alphaStake: b(alpha, uid),
        taoStake: b(tao, uid),
        totalStake: b(total, uid),
        rank: n(rank, uid),
        trust: n(trust, uid),
        consensus: n(consensus, uid),
        incentive: n(incentives, uid),
        dividends: n(dividends, uid),
        validatorTrust: vt[uid] ?? 0,
        emission: b(emission, uid),
        validatorPermit: flag(permits, uid),
        active: flag(active, uid),
        lastUpdate: n(lastUpdate, uid),
        registeredAt: n(registered, uid),
        axon:
          axon && ip !== 0n
            ? {
                ip: ipText(ip, num(field(axon, 'ipType'))),
                port: num(field(axon, 'port')),
                protocol: num(field(axon, 'protocol')),
              }
            : null,
        identity: identityName(at(identities, uid)),
      };
    }),
  };
}
