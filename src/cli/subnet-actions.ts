/**
 * The transactions of `tao subnet create | register | start | serve`: each checks its flags, then signs and
 * submits on tao's ledger (./tx-flow.ts) or hands over to the Subtensor path (./subtensor/subnet-tx.ts).
 */
import { formatTao } from '../core/amount.js';
import type { GlobalOptions } from './context.js';
import { onSubtensor, subtensorUrl } from './subnet-backend.js';
import { type PoolFields, poolFields } from './subnet-rows.js';
import { parseIp, parsePort, parseProtocol, requireNetuid } from './subnet-flags.js';
import {
  checkAddress,
  connect,
  requireValue,
  runTx,
  type TxFlags,
  type TxReport,
  walletAddress,
} from './tx-flow.js';

export interface RegisterFlags extends TxFlags {
  netuid?: string;
  hotkeyAddress?: string;
  tolerance?: string;
}

export interface ServeFlags extends TxFlags {
  netuid?: string;
  ip?: string;
  port?: string;
  protocol?: string;
}

export async function handleSubnetCreate(
  globals: GlobalOptions,
  opts: TxFlags,
): Promise<TxReport & { netuid: number | null; pool?: PoolFields }> {
  const url = await subtensorUrl(globals);
  if (url) {
    const hotkey = await walletAddress(globals, 'hotkey');
    const { subtensorSubnetCreate } = await import('./subtensor/subnet-tx.js');
    return onSubtensor(url, (chain) => subtensorSubnetCreate(globals, chain, { ...opts, hotkey }));
  }
  const client = await connect(globals);
  const before = new Set((await client.subnetList()).map((s) => s.netuid));
  let owner = '';
  const report = await runTx(globals, {
    role: 'coldkey',
    flags: opts,
    client,
    build: ({ signer, info }) => {
      owner = signer.address;
      return {
        title: 'Create a subnet',
        call: { type: 'create_subnet' },
        details: [
          ['owner', signer.address],
          ['lock', info.dev ? 'none (dev ledger)' : 'subnet_lock_cost'],
        ],
        freeDelta: 0n,
      };
    },
  });
  if (report.status !== 'included') return { netuid: null, ...report };
  const after = await client.subnetList();
  const created = after.filter((s) => s.owner === owner && !before.has(s.netuid));
  const subnet = created.sort((a, b) => b.netuid - a.netuid)[0];
  if (!subnet) return { netuid: null, ...report };
  const total = after.reduce((sum, s) => sum + (s.pool?.taoEmission ?? 0n), 0n);
  return {
    netuid: subnet.netuid,
    ...report,
    ...(subnet.pool ? { pool: poolFields(subnet.pool, total) } : {}),
  };
}

export async function handleSubnetRegister(
  globals: GlobalOptions,
  opts: RegisterFlags,
): Promise<TxReport & { netuid: number; uid: number | null }> {
  const netuid = await requireNetuid(globals, opts.netuid);
  const hotkey =
    opts.hotkeyAddress !== undefined
      ? await checkAddress(opts.hotkeyAddress, '--hotkey-address')
      : await walletAddress(globals, 'hotkey');
  const url = await subtensorUrl(globals);
  if (url) {
    const { subtensorSubnetRegister } = await import('./subtensor/subnet-tx.js');
    return onSubtensor(url, (chain) => subtensorSubnetRegister(globals, chain, { ...opts, netuid, hotkey }));
  }
  const client = await connect(globals);
  const report = await runTx(globals, {
    role: 'coldkey',
    flags: opts,
    client,
    build: async ({ client: c }) => {
      const subnet = (await c.subnetList()).find((s) => s.netuid === netuid);
      const burn = subnet?.burn ?? 0n;
      return {
        title: `Register on subnet ${netuid}`,
        call: { type: 'burned_register', netuid, hotkey },
        details: [
          ['hotkey', hotkey],
          [
            'netuid',
            `${netuid}${subnet ? ` (${subnet.n}/${subnet.maxUids} neurons)` : ' (unknown subnet: the ledger will reject it)'}`,
          ],
          ['burn', `${formatTao(burn)} τ`],
        ],
        freeDelta: -burn,
      };
    },
  });
  let uid: number | null = null;
  if (report.status === 'included') {
    const neuron = (await client.metagraph(netuid)).neurons.find((n) => n.hotkey === hotkey);
    uid = neuron?.uid ?? null;
  }
  return { netuid, uid, ...report };
}

/** `start_call`: the subnet's owner starts its emission, on tao's ledger or on Subtensor. */
export async function handleSubnetStart(
  globals: GlobalOptions,
  opts: TxFlags & { netuid?: string },
): Promise<TxReport & { netuid: number; first_emission_block: number | null }> {
  const netuid = await requireNetuid(globals, opts.netuid);
  const url = await subtensorUrl(globals);
  if (url) {
    const { subtensorSubnetStart } = await import('./subtensor/subnet-tx.js');
    return onSubtensor(url, (chain) => subtensorSubnetStart(globals, chain, { ...opts, netuid }));
  }
  const client = await connect(globals);
  const report = await runTx(globals, {
    role: 'coldkey',
    flags: opts,
    client,
    build: () => ({
      title: `Start subnet ${netuid}`,
      call: { type: 'start_call', netuid },
      details: [
        ['netuid', String(netuid)],
        ['effect', 'emission into the pool starts with the next block'],
      ],
      freeDelta: 0n,
    }),
  });
  const after = (await client.subnetList()).find((s) => s.netuid === netuid);
  return { netuid, ...report, first_emission_block: after?.pool?.firstEmissionBlock ?? null };
}

/** `serve_axon`, signed by the wallet hotkey: tells the subnet where this neuron's axon listens. */
export async function handleSubnetServe(
  globals: GlobalOptions,
  opts: ServeFlags,
): Promise<
  TxReport & { netuid: number; hotkey: string; axon: { ip: string; port: number; protocol: number } }
> {
  const netuid = await requireNetuid(globals, opts.netuid);
  const ip = await parseIp(await requireValue(globals, opts.ip, '--ip', 'Axon IP address'));
  const port = parsePort(await requireValue(globals, opts.port, '--port', 'Axon port'));
  const protocol = parseProtocol(opts.protocol);
  const url = await subtensorUrl(globals);
  if (url) {
    const { subtensorServe } = await import('./subtensor/subnet-tx.js');
    return onSubtensor(url, (chain) =>
      subtensorServe(globals, chain, { ...opts, netuid, ip, port, protocol }),
    );
  }
  let hotkey = '';
  const report = await runTx(globals, {
    role: 'hotkey',
    flags: opts,
    build: ({ signer }) => {
      hotkey = signer.address;
      return {
        title: `Serve an axon on subnet ${netuid}`,
        call: { type: 'serve_axon', netuid, ip, port, protocol },
        details: [
          ['netuid', String(netuid)],
          ['axon', `${ip.includes(':') ? `[${ip}]` : ip}:${port} (protocol ${protocol})`],
        ],
        freeDelta: 0n,
      };
    },
  });
  return { netuid, hotkey, axon: { ip, port, protocol }, ...report };
}
