/**
 * `tao subnet list | create | register | serve | metagraph | hyperparameters`: subnets, their neurons and
 * where a neuron's axon serves.
 */
import type { Command } from 'commander';
import type { Metagraph, SubnetInfo } from '../client/types.js';
import type { SubtensorNeuronRow, SubtensorSubnetRow } from './subtensor/subnet.js';
import { formatTao, parseRao } from '../core/amount.js';
import { usageError } from '../core/errors.js';
import { isAxonIp } from '../core/ip.js';
import { type GlobalOptions, globalsOf } from './context.js';
import { networkOf } from './network.js';
import { emit, keyValues, table } from './output.js';
import { withExamples } from './program.js';
import {
  addTxOptions,
  checkAddress,
  connect,
  renderTxReport,
  requireValue,
  runTx,
  type TxFlags,
  type TxReport,
  walletAddress,
} from './tx-flow.js';

export function parseNetuid(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) > 65535)
    throw usageError('E_BAD_NETUID', `malformed --netuid '${text}': expected an integer 0..65535`);
  return Number(text);
}

export interface SubnetRow {
  netuid: number;
  owner: string;
  n: number;
  max_uids: number;
  tempo: number;
  burn: string;
  pending_emission: string;
  last_epoch: number;
}

const subnetRow = (s: SubnetInfo): SubnetRow => ({
  netuid: s.netuid,
  owner: s.owner,
  n: s.n,
  max_uids: s.maxUids,
  tempo: s.tempo,
  burn: formatTao(s.burn),
  pending_emission: formatTao(s.pendingEmission),
  last_epoch: s.lastEpoch,
});

/** The Subtensor endpoint of --network, or undefined on tao's ledger. */
async function subtensorUrl(globals: GlobalOptions): Promise<string | undefined> {
  const network = await networkOf(globals);
  return network.backend === 'subtensor' ? network.url : undefined;
}

async function onSubtensor<T>(
  url: string,
  fn: (chain: import('../chain/subtensor/api.js').SubtensorApi) => Promise<T>,
): Promise<T> {
  const { withSubtensor } = await import('./subtensor/tx.js');
  return withSubtensor(url, fn);
}

export async function handleSubnetList(
  globals: GlobalOptions,
): Promise<{ subnets: (SubnetRow | SubtensorSubnetRow)[] }> {
  const url = await subtensorUrl(globals);
  if (url) {
    const { subtensorSubnetList } = await import('./subtensor/subnet.js');
    return onSubtensor(url, subtensorSubnetList);
  }
  const client = await connect(globals);
  return { subnets: (await client.subnetList()).map(subnetRow) };
}

function renderSubtensorSubnets(subnets: SubtensorSubnetRow[]): string {
  return table(
    ['netuid', 'name', 'price', 'τ in pool', 'α in pool', 'emission', 'tempo', 'neurons', 'burn'],
    subnets.map((s) => [
      String(s.netuid),
      `${s.name}${s.symbol ? ` ${s.symbol}` : ''}`,
      `${s.price} τ/α`,
      `${s.tao_in} τ`,
      `${s.alpha_in} α`,
      `${(s.emission_share * 100).toFixed(2)}%${s.started ? '' : ' (not started)'}`,
      String(s.tempo),
      `${s.n}/${s.max_uids}`,
      `${s.burn} τ`,
    ]),
  );
}

function renderSubnets(data: { subnets: (SubnetRow | SubtensorSubnetRow)[] }): string {
  if (data.subnets.length === 0) return 'no subnets (create one with `tao subnet create`)';
  if (data.subnets.some((s) => 'price' in s))
    return renderSubtensorSubnets(data.subnets as SubtensorSubnetRow[]);
  const ledgerRows = data.subnets as SubnetRow[];
  return table(
    ['netuid', 'neurons', 'tempo', 'burn', 'pending emission', 'last epoch', 'owner'],
    ledgerRows.map((s) => [
      String(s.netuid),
      `${s.n}/${s.max_uids}`,
      String(s.tempo),
      `${s.burn} τ`,
      `${s.pending_emission} τ`,
      String(s.last_epoch),
      s.owner,
    ]),
  );
}

export async function handleSubnetCreate(
  globals: GlobalOptions,
  opts: TxFlags,
): Promise<TxReport & { netuid: number | null }> {
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
  const created = (await client.subnetList()).filter((s) => s.owner === owner && !before.has(s.netuid));
  return { netuid: created.length > 0 ? Math.max(...created.map((s) => s.netuid)) : null, ...report };
}

export async function handleSubnetRegister(
  globals: GlobalOptions,
  opts: TxFlags & { netuid?: string; hotkeyAddress?: string; tolerance?: string },
): Promise<TxReport & { netuid: number; uid: number | null }> {
  const netuid = parseNetuid(await requireValue(globals, opts.netuid, '--netuid', 'Subnet netuid'));
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

/** `start_call` on Subtensor (tao's ledger has no such step: its subnets emit from creation). */
export async function handleSubnetStart(globals: GlobalOptions, opts: TxFlags & { netuid?: string }) {
  const netuid = parseNetuid(await requireValue(globals, opts.netuid, '--netuid', 'Subnet netuid'));
  const url = await subtensorUrl(globals);
  if (!url)
    throw usageError(
      'E_UNSUPPORTED',
      "tao subnet start is a Subtensor step (start_call); subnets on tao's ledger emit from creation",
      'give --network with a Subtensor endpoint',
    );
  const { subtensorSubnetStart } = await import('./subtensor/subnet-tx.js');
  return onSubtensor(url, (chain) => subtensorSubnetStart(globals, chain, { ...opts, netuid }));
}

/** `--port` → 1..65535 (exit 2 otherwise). */
export function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) < 1 || Number(text) > 65535)
    throw usageError('E_BAD_PORT', `--port must be an integer 1..65535, got '${text}'`);
  return Number(text);
}

/** `--ip` → an IPv4 or IPv6 address as given (exit 2 otherwise): the ledger's own rule (src/core/ip.ts). */
export async function parseIp(text: string): Promise<string> {
  const ip = text.trim();
  if (!isAxonIp(ip)) throw usageError('E_BAD_IP', `--ip must be an IPv4 or IPv6 address, got '${text}'`);
  return ip;
}

/** `--protocol` → 0..255 (default 4, as the ledger). */
function parseProtocol(text: string | undefined): number {
  if (text === undefined) return 4;
  if (!/^\d{1,3}$/.test(text.trim()) || Number(text) > 255)
    throw usageError('E_BAD_PROTOCOL', `--protocol must be an integer 0..255, got '${text}'`);
  return Number(text);
}

export interface ServeFlags extends TxFlags {
  netuid?: string;
  ip?: string;
  port?: string;
  protocol?: string;
}

/** `serve_axon`, signed by the wallet hotkey: tells the subnet where this neuron's axon listens. */
export async function handleSubnetServe(
  globals: GlobalOptions,
  opts: ServeFlags,
): Promise<
  TxReport & { netuid: number; hotkey: string; axon: { ip: string; port: number; protocol: number } }
> {
  const netuid = parseNetuid(await requireValue(globals, opts.netuid, '--netuid', 'Subnet netuid'));
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

const ratio = (u16: number) => u16 / 65535;

export interface NeuronRow {
  uid: number;
  hotkey: string;
  coldkey: string;
  stake: string;
  rank: number;
  trust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  emission: string;
  validator_trust: number;
  validator_permit: boolean;
  active: boolean;
  last_update: number;
  registered_at: number;
  axon: { ip: string; port: number; protocol?: number | string } | null;
}

/**
 * The metagraph as docs/cli.md's JSON: ranking fields as floats (u16 / 65535), stake/emission as TAO strings.
 */
export function metagraphJson(m: Metagraph): { netuid: number; block: number; neurons: NeuronRow[] } {
  return {
    netuid: m.netuid,
    block: m.block,
    neurons: m.neurons.map((n) => ({
      uid: n.uid,
      hotkey: n.hotkey,
      coldkey: n.coldkey,
      stake: formatTao(n.stake),
      rank: ratio(n.rank),
      trust: ratio(n.trust),
      consensus: ratio(n.consensus),
      incentive: ratio(n.incentive),
      dividends: ratio(n.dividends),
      emission: formatTao(n.emission),
      validator_trust: ratio(n.validatorTrust),
      validator_permit: n.validatorPermit,
      active: n.active,
      last_update: n.lastUpdate,
      registered_at: n.registeredAt,
      axon: n.axon,
    })),
  };
}

export async function handleMetagraph(globals: GlobalOptions, netuidText: string | undefined) {
  const netuid = parseNetuid(await requireValue(globals, netuidText, '--netuid', 'Subnet netuid'));
  const url = await subtensorUrl(globals);
  if (url) {
    const { subtensorMetagraphJson } = await import('./subtensor/subnet.js');
    return onSubtensor(url, (chain) => subtensorMetagraphJson(chain, netuid));
  }
  const client = await connect(globals);
  return metagraphJson(await client.metagraph(netuid));
}

const short = (ss58: string) => `${ss58.slice(0, 6)}…${ss58.slice(-4)}`;
const f4 = (x: number) => x.toFixed(4);

function renderMetagraph(data: {
  netuid: number;
  block: number;
  neurons: (NeuronRow | SubtensorNeuronRow)[];
}): string {
  const head = `subnet ${data.netuid} at block ${data.block}: ${data.neurons.length} neurons`;
  if (data.neurons.length === 0) return head;
  return `${head}\n${table(
    [
      'uid',
      'hotkey',
      'stake',
      'rank',
      'trust',
      'consensus',
      'incentive',
      'dividends',
      'emission',
      'vtrust',
      'vpermit',
      'active',
      'axon',
    ],
    data.neurons.map((n) => [
      String(n.uid),
      short(n.hotkey),
      `${n.stake} τ`,
      f4(n.rank),
      f4(n.trust),
      f4(n.consensus),
      f4(n.incentive),
      f4(n.dividends),
      `${n.emission} τ`,
      f4(n.validator_trust),
      n.validator_permit ? 'yes' : 'no',
      n.active ? 'yes' : 'no',
      n.axon ? `${n.axon.ip.includes(':') ? `[${n.axon.ip}]` : n.axon.ip}:${n.axon.port}` : '-',
    ]),
  )}`;
}

export async function handleHyperparameters(globals: GlobalOptions, netuidText: string | undefined) {
  const netuid = parseNetuid(await requireValue(globals, netuidText, '--netuid', 'Subnet netuid'));
  const url = await subtensorUrl(globals);
  if (url) {
    const { subtensorHyperparameters } = await import('./subtensor/subnet.js');
    return onSubtensor(url, (chain) => subtensorHyperparameters(chain, netuid));
  }
  const client = await connect(globals);
  const params = await client.hyperparameters(netuid);
  // The RPC carries amounts as rao strings; people and scripts read τ strings (docs/cli.md), as on Subtensor.
  const out: Record<string, unknown> = { netuid };
  for (const [k, v] of Object.entries(params))
    out[k] = HYPER_AMOUNTS.has(k) && typeof v === 'string' ? formatTao(parseRao(v)) : v;
  return out;
}

/** Hyperparameters that are amounts (the ledger has burn and stake_threshold; Subtensor adds min/max burn). */
const HYPER_AMOUNTS = new Set(['burn', 'min_burn', 'max_burn', 'stake_threshold']);

function renderHyperparameters(data: Record<string, unknown>): string {
  return keyValues(
    Object.entries(data).map(
      ([k, v]) =>
        [k, HYPER_AMOUNTS.has(k) ? `${v} τ` : typeof v === 'string' ? v : JSON.stringify(v)] as [
          string,
          string,
        ],
    ),
  );
}

export function registerSubnet(program: Command): void {
  const subnet = program
    .command('subnet')
    .description('subnets: list, create, start, register, serve, metagraph, hyperparameters');
  withExamples(
    subnet
      .command('list')
      .description('every subnet on the ledger')
      .action(async (_opts: unknown, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(globals.json, await handleSubnetList(globals), renderSubnets);
      }),
    'tao subnet list --json',
  );
  withExamples(
    addTxOptions(subnet.command('create').description('create a subnet owned by the wallet coldkey')).action(
      async (opts: TxFlags, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(
          globals.json,
          await handleSubnetCreate(globals, opts),
          (r) => `${renderTxReport('create subnet', r)}${r.netuid !== null ? `\nnetuid ${r.netuid}` : ''}`,
        );
      },
    ),
    'tao subnet create --yes',
  );
  withExamples(
    addTxOptions(
      subnet
        .command('register')
        .description(
          "register a hotkey (default: the wallet's own) on a subnet by burning the registration cost",
        )
        .option('--netuid <n>', 'the subnet')
        .option('--hotkey-address <ss58>', "the hotkey to register (default: the wallet's hotkey)")
        .option(
          '--tolerance <fraction>',
          'Subtensor: refuse if the burn rose by more than this fraction over the one shown (default 0.005)',
        ),
    ).action(
      async (
        opts: TxFlags & { netuid?: string; hotkeyAddress?: string; tolerance?: string },
        cmd: Command,
      ) => {
        const globals = globalsOf(cmd);
        emit(
          globals.json,
          await handleSubnetRegister(globals, opts),
          (r) =>
            `${renderTxReport(`register on subnet ${r.netuid}`, r)}${r.uid !== null ? `\nuid ${r.uid}` : ''}`,
        );
      },
    ),
    'tao subnet register --netuid 1',
    'tao subnet register --netuid 2 --tolerance 0.01 --network localnet --yes --json',
  );
  withExamples(
    addTxOptions(
      subnet
        .command('start')
        .description(
          'Subtensor: start a subnet you own (start_call; emission begins; allowed 10 blocks after creation)',
        )
        .option('--netuid <n>', 'the subnet'),
    ).action(async (opts: TxFlags & { netuid?: string }, cmd: Command) => {
      const globals = globalsOf(cmd);
      emit(
        globals.json,
        await handleSubnetStart(globals, opts),
        (r) =>
          `${renderTxReport(`start subnet ${r.netuid}`, r)}${r.first_emission_block !== null ? `\nemits from block ${r.first_emission_block}` : ''}`,
      );
    }),
    'tao subnet start --netuid 2 --network localnet --yes',
  );
  withExamples(
    addTxOptions(
      subnet
        .command('serve')
        .description(
          "announce where the wallet hotkey's axon listens on a subnet (signed by the hotkey, no fee)",
        )
        .option('--netuid <n>', 'the subnet (the hotkey must be registered on it)')
        .option('--ip <address>', 'IPv4 or IPv6 address of the axon')
        .option('--port <port>', 'TCP port of the axon, 1..65535')
        .option('--protocol <n>', 'protocol number 0..255 (default 4)'),
    ).action(async (opts: ServeFlags, cmd: Command) => {
      const globals = globalsOf(cmd);
      emit(
        globals.json,
        await handleSubnetServe(globals, opts),
        (r) =>
          `${renderTxReport(`serve on subnet ${r.netuid}`, r)}\naxon ${r.axon.ip}:${r.axon.port} for ${r.hotkey}`,
      );
    }),
    'tao subnet serve --netuid 1 --ip 203.0.113.7 --port 8091',
    'tao subnet serve --netuid 1 --ip 2001:db8::7 --port 8091 --yes --json',
  );
  withExamples(
    subnet
      .command('metagraph')
      .description("a subnet's neurons with their stake, ranking and emission")
      .option('--netuid <n>', 'the subnet')
      .action(async (opts: { netuid?: string }, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(globals.json, await handleMetagraph(globals, opts.netuid), renderMetagraph);
      }),
    'tao subnet metagraph --netuid 1',
  );
  withExamples(
    subnet
      .command('hyperparameters')
      .description("a subnet's hyperparameters")
      .option('--netuid <n>', 'the subnet')
      .action(async (opts: { netuid?: string }, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(globals.json, await handleHyperparameters(globals, opts.netuid), renderHyperparameters);
      }),
    'tao subnet hyperparameters --netuid 1 --json',
  );
}
