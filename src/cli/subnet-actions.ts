/**
 * The transactions of `tao subnet create | register | start | serve`: each checks its flags, then signs and
 * submits through the chain seam (src/chain/chain.ts, ./chain-tx.ts) on tao's ledger or Subtensor; what a
 * backend refuses before signing (a start too early, an axon address its runtime refuses) is its own check.
 */
import type { ChainSubnet } from '../chain/chain.js';
import { withChain } from '../chain/chain.js';
import { formatTao } from '../core/amount.js';
import { rejectedError, usageError } from '../core/errors.js';
import { poolJson } from './chain-json.js';
import { type ChainTxReport, runChainTx } from './chain-tx.js';
import type { GlobalOptions } from './context.js';
import { parseIp, parsePort, parseProtocol, requireNetuid } from './subnet-flags.js';
import { checkAddress, requireValue, type TxFlags, walletAddress } from './tx-flow.js';

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

const unknownSubnet = (netuid: number) =>
  rejectedError('E_UNKNOWN_SUBNET', `subnet ${netuid} does not exist on this chain`, 'tao subnet list');

export async function handleSubnetCreate(
  globals: GlobalOptions,
  opts: TxFlags,
): Promise<
  ChainTxReport & {
    netuid: number | null;
    hotkey?: string;
    lock_cost?: string;
    pool?: ReturnType<typeof poolJson>;
  }
> {
  return withChain(globals, async (chain) => {
    const hotkey = chain.capabilities.subnetOwnerHotkey ? await walletAddress(globals, 'hotkey') : undefined;
    const before = new Set((await chain.subnets()).map((s) => s.netuid));
    let owner = '';
    let lock: bigint | undefined;
    const { report } = await runChainTx(globals, chain, {
      role: 'coldkey',
      flags: opts,
      build: async ({ signer }) => {
        owner = signer.address;
        lock = await chain.subnetLockCost?.();
        const kind = lock === undefined ? await chain.kind() : undefined;
        return {
          title: 'Create a subnet',
          call: hotkey === undefined ? { type: 'create_subnet' } : { type: 'create_subnet', hotkey },
          details: [
            ['owner', signer.address],
            ...(hotkey === undefined ? [] : [['owner hotkey', hotkey] as [string, string]]),
            [
              'lock',
              lock !== undefined
                ? `${formatTao(lock)} τ (locked from the coldkey; the new pool starts from it)`
                : kind?.dev
                  ? 'none (dev ledger)'
                  : 'subnet_lock_cost',
            ],
          ],
          freeDelta: -(lock ?? 0n),
        };
      },
    });
    const base = {
      ...report,
      ...(hotkey === undefined ? {} : { hotkey }),
      ...(lock !== undefined ? { lock_cost: formatTao(lock) } : {}),
    };
    if (report.status !== 'included') return { netuid: null, ...base };
    const after = await chain.subnets();
    const created = after
      .filter((s) => s.owner === owner && !before.has(s.netuid))
      .sort((a, b) => b.netuid - a.netuid)[0];
    if (!created) return { netuid: null, ...base };
    const total = after.reduce((sum, s) => sum + (s.pool?.taoEmission ?? 0n), 0n);
    return {
      netuid: created.netuid,
      ...base,
      ...(created.pool ? { pool: poolJson(created.pool, total) } : {}),
    };
  });
}

/** `--tolerance 0.005` → parts per billion (exit 2 unless a decimal in [0, 1]). */
function toleranceBillionths(text: string | undefined): bigint {
  const value = (text ?? '0.005').trim();
  const m = /^(0|1)(?:\.(\d{1,9}))?$/.exec(value);
  if (!m || (m[1] === '1' && /[1-9]/.test(m[2] ?? '')))
    throw usageError('E_BAD_TOLERANCE', `--tolerance must be a decimal in 0..1 such as 0.005, got '${text}'`);
  return BigInt(m[1] ?? '0') * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** burned_register with the burn shown and re-checked against --tolerance right before signing. */
export async function handleSubnetRegister(
  globals: GlobalOptions,
  opts: RegisterFlags,
): Promise<ChainTxReport & { netuid: number; uid: number | null; hotkey: string; burn: string }> {
  const netuid = await requireNetuid(globals, opts.netuid);
  const tolerance = toleranceBillionths(opts.tolerance);
  const hotkey =
    opts.hotkeyAddress !== undefined
      ? await checkAddress(opts.hotkeyAddress, '--hotkey-address')
      : await walletAddress(globals, 'hotkey');
  return withChain(globals, async (chain) => {
    const subnetOf = async (): Promise<ChainSubnet> => {
      const subnet = (await chain.subnets()).find((s) => s.netuid === netuid);
      if (!subnet) throw unknownSubnet(netuid);
      return subnet;
    };
    let shown = 0n;
    const { report } = await runChainTx(globals, chain, {
      role: 'coldkey',
      flags: opts,
      build: async () => {
        const subnet = await subnetOf();
        shown = subnet.burn;
        const limit = shown + (shown * tolerance) / 1_000_000_000n;
        return {
          title: `Register on subnet ${netuid}`,
          call: { type: 'burned_register', netuid, hotkey },
          details: [
            ['hotkey', hotkey],
            ['netuid', `${netuid} (${subnet.n}/${subnet.maxUids} neurons)`],
            [
              'burn',
              `${formatTao(shown)} τ (refused if it rises above ${formatTao(limit)} τ before signing)`,
            ],
          ],
          freeDelta: -shown,
          beforeSubmit: async () => {
            const now = (await subnetOf()).burn;
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
    let uid: number | null = null;
    if (report.status === 'included')
      uid = (await chain.metagraph(netuid)).neurons.find((n) => n.hotkey === hotkey)?.uid ?? null;
    return { netuid, uid, hotkey, ...report, burn: formatTao(shown) };
  });
}

/** `start_call`: the subnet's owner starts its emission, on tao's ledger or on Subtensor. */
export async function handleSubnetStart(
  globals: GlobalOptions,
  opts: TxFlags & { netuid?: string },
): Promise<ChainTxReport & { netuid: number; first_emission_block: number | null }> {
  const netuid = await requireNetuid(globals, opts.netuid);
  return withChain(globals, async (chain) => {
    const { report } = await runChainTx(globals, chain, {
      role: 'coldkey',
      flags: opts,
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
    const after = (await chain.subnets()).find((s) => s.netuid === netuid);
    return { netuid, ...report, first_emission_block: after?.pool?.firstEmissionBlock ?? null };
  });
}

/** `serve_axon`, signed by the wallet hotkey: tells the subnet where this neuron's axon listens. */
export async function handleSubnetServe(
  globals: GlobalOptions,
  opts: ServeFlags,
): Promise<
  ChainTxReport & { netuid: number; hotkey: string; axon: { ip: string; port: number; protocol: number } }
> {
  const netuid = await requireNetuid(globals, opts.netuid);
  const ip = await parseIp(await requireValue(globals, opts.ip, '--ip', 'Axon IP address'));
  const port = parsePort(await requireValue(globals, opts.port, '--port', 'Axon port'));
  const protocol = parseProtocol(opts.protocol);
  return withChain(globals, async (chain) => {
    let hotkey = '';
    const { report } = await runChainTx(globals, chain, {
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
  });
}
