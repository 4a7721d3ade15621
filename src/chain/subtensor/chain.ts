import { rejectedError, usageError } from '../../core/errors.js';
import { type Chain, type ChainCall, type ChainStake, type TxSession, unsupported } from '../chain.js';
import { extrinsic } from './access.js';
import type { SubtensorApi } from './api.js';
import { ipToChain, unreachableAxonIp } from './axon.js';
import type { Extrinsic } from './submit.js';

const RAO = 1_000_000_000n;

export const unknownSubnet = (netuid: number) =>
  rejectedError('E_UNKNOWN_SUBNET', `subnet ${netuid} does not exist on this chain`, 'tao subnet list');

/** Stakes of one coldkey per (hotkey, netuid), valued at each pool's spot price, sorted by netuid then hotkey. */
async function stakesOf(chain: SubtensorApi, coldkey: string, hotkey?: string): Promise<ChainStake[]> {
  const { alphaPrice, stakesOfColdkey } = await import('./reads.js');
  const stakes = (await stakesOfColdkey(chain.api, coldkey)).filter((s) => !hotkey || s.hotkey === hotkey);
  stakes.sort((a, b) => a.netuid - b.netuid || a.hotkey.localeCompare(b.hotkey));
  const prices = new Map<number, bigint>();
  for (const netuid of new Set(stakes.map((s) => s.netuid)))
    prices.set(netuid, await alphaPrice(chain.api, netuid));
  return stakes.map((s) => {
    const price = prices.get(s.netuid) ?? 0n;
    return {
      coldkey: s.coldkey,
      hotkey: s.hotkey,
      netuid: s.netuid,
      amount: s.alpha,
      price,
      value: (s.alpha * price) / RAO,
    };
  });
}

/** The extrinsic of a neutral call; what this runtime has no call for is E_UNSUPPORTED. */
function extrinsicOf(chain: SubtensorApi, call: ChainCall): Extrinsic {
  const { api } = chain;
  switch (call.type) {
    case 'transfer':
      return extrinsic(
        api,
        'balances',
        call.keepAlive ? 'transferKeepAlive' : 'transferAllowDeath',
      )(call.dest, call.amount);
    case 'transfer_all':
      return extrinsic(api, 'balances', 'transferAll')(call.dest, call.keepAlive);
    case 'start_call':
      return extrinsic(api, 'subtensorModule', 'startCall')(call.netuid);
    case 'burned_register':
      return extrinsic(api, 'subtensorModule', 'burnedRegister')(call.netuid, call.hotkey);
    case 'create_subnet':
      return extrinsic(api, 'subtensorModule', 'registerNetwork')(call.hotkey ?? '');
    case 'set_weights':
      return extrinsic(api, 'subtensorModule', 'setWeights')(
        call.netuid,
        call.uids,
        call.weights,
        (call.versionKey ?? 0n).toString(),
      );
    case 'serve_axon': {
      const { value, ipType } = ipToChain(call.ip);
      return extrinsic(api, 'subtensorModule', 'serveAxon')(
        call.netuid,
        0,
        value.toString(),
        call.port,
        ipType,
        call.protocol,
        0,
        0,
      );
    }
    case 'add_stake':
    case 'remove_stake': {
      const { hotkey, netuid, amount, limit } = call;
      if (call.type === 'remove_stake' && call.all)
        return extrinsic(api, 'subtensorModule', 'removeStakeFullLimit')(hotkey, netuid, limit ?? null);
      const method = call.type === 'add_stake' ? 'addStake' : 'removeStake';
      return limit === undefined
        ? extrinsic(api, 'subtensorModule', method)(hotkey, netuid, amount)
        : extrinsic(api, 'subtensorModule', `${method}Limit`)(hotkey, netuid, amount, limit, call.partial);
    }
    case 'set_delegate_take':
      throw unsupported(
        'subtensor',
        'tao stake take',
        "Subtensor changes a delegate's take with increase_take / decrease_take, not yet in tao",
      );
    case 'faucet':
      throw unsupported('subtensor', 'the faucet');
  }
}

/** start_call before the runtime allows it is refused before signing, naming the block it can run from. */
async function checkStart(chain: SubtensorApi, netuid: number): Promise<void> {
  const { startCallDelay, subnetSummary } = await import('./subnets.js');
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
}

async function requireRegistered(chain: SubtensorApi, netuid: number, hotkey: string): Promise<void> {
  const { uidOf } = await import('./subnets.js');
  if ((await uidOf(chain.api, netuid, hotkey)) === undefined)
    throw rejectedError(
      'E_NOT_REGISTERED',
      `hotkey ${hotkey} is not registered on subnet ${netuid}: nothing was sent`,
      `tao subnet register --netuid ${netuid}`,
    );
}

/** Weights: the subnet must exist, take plain weights (commit-reveal off) and have the hotkey registered. */
async function checkWeights(chain: SubtensorApi, netuid: number, hotkey: string): Promise<void> {
  const { commitRevealEnabled, subnetSummary } = await import('./subnets.js');
  if (!(await subnetSummary(chain.api, netuid))) throw unknownSubnet(netuid);
  if (await commitRevealEnabled(chain.api, netuid))
    throw rejectedError(
      'E_COMMIT_REVEAL',
      `subnet ${netuid} has commit_reveal_weights_enabled = true: the chain takes only committed weights, revealed through drand's timelock, which tao does not implement (and cannot fake offline); nothing was sent`,
      'use a subnet with commit_reveal_weights_enabled = false (on a localnet: tao localnet sudo dev-params --netuid N)',
    );
  await requireRegistered(chain, netuid, hotkey);
}

/** An axon address the runtime refuses (loopback, unspecified, broadcast) is refused before signing. */
function checkAxonIp(ip: string): void {
  const why = unreachableAxonIp(ip);
  if (why)
    throw usageError(
      'E_BAD_IP',
      `--ip ${ip} is ${why}: no peer could reach it (Subtensor itself refuses 127.0.0.1, ::1 and 0.0.0.0 with SubtensorModule.InvalidIpAddress); nothing was sent`,
      "give the axon's public address",
    );
}

/**
 * Subtensor checks stake calls before they enter a block (its transaction extension): a limit the price
 * has already passed is refused as `invalid {custom: 14}`, with no fee. Name it like a dispatch error.
 */
export async function namingPoolRefusals<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const { namePoolRefusal } = await import('./stake-quote.js');
    throw (
      namePoolRefusal(error, {
        seen: 'preview',
        retry: 'run it again to preview at the new price, or raise --tolerance',
      }) ?? error
    );
  }
}

async function session(chain: SubtensorApi, signer: string): Promise<TxSession> {
  const { accountBalance } = await import('./reads.js');
  const { estimateFee, signAndSubmit } = await import('./submit.js');
  const account = await accountBalance(chain.api, signer);
  return {
    free: account.free,
    existentialDeposit: BigInt(chain.api.consts.balances?.existentialDeposit?.toString() ?? '0'),
    previewLines: [['chain', `${chain.specName} spec ${chain.specVersion} at ${chain.url}`]],
    async quote(call) {
      if (call.type === 'serve_axon') checkAxonIp(call.ip);
      const tx = extrinsicOf(chain, call);
      if (call.type === 'start_call') await checkStart(chain, call.netuid);
      if (call.type === 'set_weights') await checkWeights(chain, call.netuid, signer);
      if (call.type === 'serve_axon') await requireRegistered(chain, call.netuid, signer);
      return estimateFee(tx, signer);
    },
    async submit(call, pair, { timeoutMs, onSent }) {
      onSent();
      const send = () =>
        signAndSubmit(chain.api, () => extrinsicOf(chain, call), pair, signer, { timeoutMs });
      const trade = call.type === 'add_stake' || call.type === 'remove_stake';
      const inclusion = trade ? await namingPoolRefusals(send) : await send();
      const { stakeEvents } = await import('./stake.js');
      return {
        txHash: inclusion.txHash,
        block: inclusion.block,
        status: 'included',
        fee: inclusion.fee,
        events: inclusion.events,
        stakeEvents: stakeEvents(inclusion),
      };
    },
  };
}

export function subtensorChain(url: string): Chain & { connection(): Promise<SubtensorApi> } {
  let connecting: Promise<SubtensorApi> | undefined;
  const connection = () => {
    connecting ??= import('./api.js').then(({ connectSubtensor }) => connectSubtensor(url));
    return connecting;
  };
  return {
    backend: 'subtensor',
    url,
    capabilities: {
      rootStakeTable: false,
      stakeIndex: false,
      existentialDeposit: true,
      faucet: false,
      subnetOwnerHotkey: true,
    },
    connection,
    async balance(address) {
      const chain = await connection();
      const { accountBalance } = await import('./reads.js');
      const [account, stakes] = await Promise.all([
        accountBalance(chain.api, address),
        stakesOf(chain, address),
      ]);
      const staked = stakes.reduce((sum, s) => sum + s.value, 0n);
      return { address, free: account.free, reserved: account.reserved, staked };
    },
    async stakes(query) {
      if (query.coldkey === undefined)
        throw unsupported(
          'subtensor',
          'listing stakes without a coldkey',
          'the chain has no index of every stake; give --coldkey',
        );
      return stakesOf(await connection(), query.coldkey, query.hotkey);
    },
    async subnets() {
      const chain = await connection();
      const { subnetSummaries } = await import('./subnets.js');
      return (await subnetSummaries(chain.api)).map((s) => ({
        netuid: s.netuid,
        name: s.name,
        symbol: s.symbol,
        owner: s.ownerColdkey,
        ownerHotkey: s.ownerHotkey,
        n: s.n,
        maxUids: s.maxUids,
        tempo: s.tempo,
        burn: s.burn,
        lastEpoch: s.lastStep,
        registeredAt: s.registeredAt,
        pool: {
          price: s.price,
          taoIn: s.taoIn,
          alphaIn: s.alphaIn,
          alphaOut: s.alphaOut,
          taoEmission: s.taoInEmission,
          started: s.firstEmissionBlock !== null,
          firstEmissionBlock: s.firstEmissionBlock,
        },
      }));
    },
    async metagraph(netuid) {
      const chain = await connection();
      const { subtensorMetagraph } = await import('./metagraph.js');
      const m = await subtensorMetagraph(chain.api, netuid);
      if (!m) throw unknownSubnet(netuid);
      return {
        netuid: m.netuid,
        block: m.block,
        neurons: m.neurons.map(({ totalStake, ...n }) => ({ ...n, stake: totalStake })),
      };
    },
    async hyperparameters(netuid) {
      const chain = await connection();
      const { AMOUNT_FIELDS, subnetHyperparameters } = await import('./subnets.js');
      const values = await subnetHyperparameters(chain.api, netuid);
      if (!values) throw unknownSubnet(netuid);
      return { values, amounts: AMOUNT_FIELDS };
    },
    async subnetLockCost() {
      const { networkRegistrationCost } = await import('./reads.js');
      return networkRegistrationCost((await connection()).api);
    },
    async weightsVersionKey(netuid) {
      const { storage } = await import('./access.js');
      const { big } = await import('./codec.js');
      return big(await storage((await connection()).api, 'subtensorModule', 'weightsVersionKey')(netuid));
    },
    async hotkeyOwner(address) {
      const { hotkeyOwner } = await import('./reads.js');
      return hotkeyOwner((await connection()).api, address);
    },
    async tradePool(netuid) {
      const { api } = await connection();
      const { alphaPrice, subnetExists } = await import('./reads.js');
      if (!(await subnetExists(api, netuid))) throw unknownSubnet(netuid);
      const { readPoolState } = await import('./swap-estimate.js');
      const [price, state] = await Promise.all([alphaPrice(api, netuid), readPoolState(api, netuid)]);
      return { price, state };
    },
    async alphaStake(coldkey, hotkey, netuid) {
      const { stakeOf } = await import('./stake.js');
      return stakeOf((await connection()).api, hotkey, coldkey, netuid);
    },
    async kind() {
      const chain = await connection();
      const [name, type] = await Promise.all([
        chain.api.rpc.system.chain(),
        chain.api.rpc.system.chainType().catch(() => undefined),
      ]);
      const kind = type?.toString() ?? '';
      return { dev: kind === 'Development' || kind === 'Local', chain: name.toString() };
    },
    async session(signer) {
      return session(await connection(), signer);
    },
    async close() {
      if (connecting) await (await connecting.catch(() => undefined))?.close();
    },
  };
}
