/**
 * `tao subnet create | start | register | serve` on a Subtensor chain: register_network with the lock cost
 * in the preview, start_call (refused before the runtime allows it), burned_register with the burn shown and
 * re-checked against --tolerance right before signing, and serve_axon (addresses the runtime refuses are
 * refused before anything is signed).
 */
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import { extrinsic } from '../../chain/subtensor/access.js';
import type { Inclusion } from '../../chain/subtensor/submit.js';
import { formatTao } from '../../core/amount.js';
import { rejectedError, usageError } from '../../core/errors.js';
import { isIpv4 } from '../../core/ip.js';
import type { GlobalOptions } from '../context.js';
import type { TxFlags } from '../tx-flow.js';
import { unknownSubnet } from './subnet.js';
import { runSubtensorTx, type SubtensorTxReport } from './tx.js';

function eventData(inclusion: Inclusion, section: string, method: string): unknown[] | undefined {
  return inclusion.events.find((e) => e.section === section && e.method === method)?.data;
}

export async function subtensorSubnetCreate(
  globals: GlobalOptions,
  chain: SubtensorApi,
  opts: TxFlags & { hotkey: string },
): Promise<SubtensorTxReport & { netuid: number | null; lock_cost: string; hotkey: string }> {
  const { networkRegistrationCost } = await import('../../chain/subtensor/reads.js');
  let lock = 0n;
  const { report, inclusion } = await runSubtensorTx(globals, chain, {
    role: 'coldkey',
    flags: opts,
    build: async () => {
      lock = await networkRegistrationCost(chain.api);
      return {
        title: 'Create a subnet',
        extrinsic: () => extrinsic(chain.api, 'subtensorModule', 'registerNetwork')(opts.hotkey),
        details: [
          ['owner hotkey', opts.hotkey],
          ['lock cost', `${formatTao(lock)} τ (locked from the coldkey; the new pool starts from it)`],
        ],
        freeDelta: -lock,
      };
    },
  });
  const added = eventData(inclusion, 'subtensorModule', 'NetworkAdded');
  return {
    netuid: added ? Number(added[0]) : null,
    ...report,
    lock_cost: formatTao(lock),
    hotkey: opts.hotkey,
  };
}

export async function subtensorSubnetStart(
  globals: GlobalOptions,
  chain: SubtensorApi,
  opts: TxFlags & { netuid: number },
): Promise<SubtensorTxReport & { netuid: number; first_emission_block: number | null }> {
  const { netuid } = opts;
  const { startCallDelay, subnetSummary } = await import('../../chain/subtensor/subnets.js');
  const { report } = await runSubtensorTx(globals, chain, {
    role: 'coldkey',
    flags: opts,
    build: async () => {
      const subnet = await subnetSummary(chain.api, netuid);
      if (!subnet) throw unknownSubnet(netuid);
      const next = (await chain.api.rpc.chain.getHeader()).number.toNumber() + 1;
      const allowed = subnet.registeredAt + startCallDelay(chain.api);
      if (next < allowed)
        throw rejectedError(
          'E_START_TOO_EARLY',
          `subnet ${netuid} was created at block ${subnet.registeredAt}; the runtime allows start_call from block ${allowed} (the next block is ${next}: ${allowed - next} more block(s) to wait)`,
          'try again after those blocks (on a localnet: tao localnet mine N)',
        );
      return {
        title: `Start subnet ${netuid}`,
        extrinsic: () => extrinsic(chain.api, 'subtensorModule', 'startCall')(netuid),
        details: [
          ['netuid', String(netuid)],
          ['effect', 'emission into the pool starts with the next block'],
        ],
        freeDelta: 0n,
      };
    },
  });
  const { subnetSummary: again } = await import('../../chain/subtensor/subnets.js');
  const after = await again(chain.api, netuid);
  return { netuid, ...report, first_emission_block: after?.firstEmissionBlock ?? null };
}

/** `--tolerance 0.005` → parts per billion (exit 2 unless a decimal in [0, 1]). */
export function toleranceBillionths(text: string | undefined): bigint {
  const value = (text ?? '0.005').trim();
  const m = /^(0|1)(?:\.(\d{1,9}))?$/.exec(value);
  if (!m || (m[1] === '1' && /[1-9]/.test(m[2] ?? '')))
    throw usageError('E_BAD_TOLERANCE', `--tolerance must be a decimal in 0..1 such as 0.005, got '${text}'`);
  return BigInt(m[1] ?? '0') * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

export async function subtensorSubnetRegister(
  globals: GlobalOptions,
  chain: SubtensorApi,
  opts: TxFlags & { netuid: number; hotkey: string; tolerance?: string },
): Promise<SubtensorTxReport & { netuid: number; uid: number | null; hotkey: string; burn: string }> {
  const { netuid, hotkey } = opts;
  const tolerance = toleranceBillionths(opts.tolerance);
  const { subnetSummary } = await import('../../chain/subtensor/subnets.js');
  let shown = 0n;
  const { report, inclusion } = await runSubtensorTx(globals, chain, {
    role: 'coldkey',
    flags: opts,
    build: async () => {
      const subnet = await subnetSummary(chain.api, netuid);
      if (!subnet) throw unknownSubnet(netuid);
      shown = subnet.burn;
      const limit = shown + (shown * tolerance) / 1_000_000_000n;
      return {
        title: `Register on subnet ${netuid}`,
        extrinsic: () => extrinsic(chain.api, 'subtensorModule', 'burnedRegister')(netuid, hotkey),
        details: [
          ['hotkey', hotkey],
          ['netuid', `${netuid} (${subnet.n}/${subnet.maxUids} neurons)`],
          ['burn', `${formatTao(shown)} τ (refused if it rises above ${formatTao(limit)} τ before signing)`],
        ],
        freeDelta: -shown,
        beforeSubmit: async () => {
          const now = (await subnetSummary(chain.api, netuid))?.burn ?? shown;
          if (now > limit)
            throw rejectedError(
              'E_BURN_ROSE',
              `the registration burn on subnet ${netuid} rose to ${formatTao(now)} τ, above the ${formatTao(shown)} τ shown plus the tolerance (${formatTao(limit)} τ): nothing was sent`,
              'run it again to see the new burn, or raise --tolerance',
            );
        },
      };
    },
  });
  const registered = eventData(inclusion, 'subtensorModule', 'NeuronRegistered');
  return {
    netuid,
    uid: registered ? Number(registered[1]) : null,
    hotkey,
    ...report,
    burn: formatTao(shown),
  };
}

/** IPv4 or IPv6 text (already checked by isAxonIp) → the chain's u128 and ip_type. */
export function ipToChain(ip: string): { value: bigint; ipType: 4 | 6 } {
  if (isIpv4(ip)) return { value: ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), ipType: 4 };
  let text = ip;
  const tail = text.slice(text.lastIndexOf(':') + 1);
  if (tail.includes('.')) {
    const v4 = tail.split('.').map(Number);
    const hi = (((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16);
    const lo = (((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16);
    text = `${text.slice(0, text.lastIndexOf(':') + 1)}${hi}:${lo}`;
  }
  const [left = '', right] = text.split('::');
  const l = left === '' ? [] : left.split(':');
  const r = right === undefined || right === '' ? [] : right.split(':');
  const groups = right === undefined ? l : [...l, ...Array(8 - l.length - r.length).fill('0'), ...r];
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n), ipType: 6 };
}

/** Why the runtime (or any peer) would refuse to reach this axon address, or undefined when it is fine. */
export function unreachableAxonIp(ip: string): string | undefined {
  const { value, ipType } = ipToChain(ip);
  if (ipType === 4) {
    if (value >> 24n === 127n) return 'a loopback address (127.0.0.0/8)';
    if (value === 0n) return 'the unspecified address 0.0.0.0';
    if (value === 0xffffffffn) return 'the broadcast address 255.255.255.255';
    return undefined;
  }
  if (value === 1n) return 'the IPv6 loopback address ::1';
  if (value === 0n) return 'the unspecified IPv6 address ::';
  if (value === (1n << 128n) - 1n) return 'an all-ones IPv6 address';
  return undefined;
}

export async function subtensorServe(
  globals: GlobalOptions,
  chain: SubtensorApi,
  opts: TxFlags & { netuid: number; ip: string; port: number; protocol: number },
): Promise<
  SubtensorTxReport & {
    netuid: number;
    hotkey: string;
    axon: { ip: string; port: number; protocol: number };
  }
> {
  const { netuid, ip, port, protocol } = opts;
  const why = unreachableAxonIp(ip);
  if (why)
    throw usageError(
      'E_BAD_IP',
      `--ip ${ip} is ${why}: no peer could reach it (Subtensor itself refuses 127.0.0.1, ::1 and 0.0.0.0 with SubtensorModule.InvalidIpAddress); nothing was sent`,
      "give the axon's public address",
    );
  const { value, ipType } = ipToChain(ip);
  const { uidOf } = await import('../../chain/subtensor/subnets.js');
  let hotkey = '';
  const { report } = await runSubtensorTx(globals, chain, {
    role: 'hotkey',
    flags: opts,
    build: async ({ signer }) => {
      hotkey = signer.address;
      if ((await uidOf(chain.api, netuid, hotkey)) === undefined)
        throw rejectedError(
          'E_NOT_REGISTERED',
          `hotkey ${hotkey} is not registered on subnet ${netuid}: nothing was sent`,
          `tao subnet register --netuid ${netuid}`,
        );
      return {
        title: `Serve an axon on subnet ${netuid}`,
        extrinsic: () =>
          extrinsic(chain.api, 'subtensorModule', 'serveAxon')(
            netuid,
            0,
            value.toString(),
            port,
            ipType,
            protocol,
            0,
            0,
          ),
        details: [
          ['netuid', String(netuid)],
          ['axon', `${ipType === 6 ? `[${ip}]` : ip}:${port} (protocol ${protocol})`],
        ],
        freeDelta: 0n,
      };
    },
  });
  return { netuid, hotkey, axon: { ip, port, protocol }, ...report };
}
