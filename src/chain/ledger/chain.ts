/**
 * tao's ledger behind the chain seam (src/chain/chain.ts): reads and writes over its JSON-RPC client
 * (src/client), amounts decoded to bigint rao; writes signed with tao's own transaction format. Loads undici
 * only, never @polkadot/api.
 */
import { NodeClient } from '../../client/node-client.js';
import type { Call, SubnetInfo, SystemInfo } from '../../client/types.js';
import { formatTao, parseRao } from '../../core/amount.js';
import { rejectedError } from '../../core/errors.js';
import type { Chain, ChainCall, ChainStake, ChainSubnet, TxSession } from '../chain.js';

/** Hyperparameters the ledger sends as rao strings. */
const AMOUNTS: ReadonlySet<string> = new Set(['burn', 'min_burn', 'max_burn', 'stake_threshold']);

const subnetOf = (s: SubnetInfo): ChainSubnet => ({
  netuid: s.netuid,
  owner: s.owner,
  ...(s.ownerHotkey !== undefined ? { ownerHotkey: s.ownerHotkey } : {}),
  n: s.n,
  maxUids: s.maxUids,
  tempo: s.tempo,
  burn: s.burn,
  lastEpoch: s.lastEpoch,
  pendingEmission: s.pendingEmission,
  ...(s.createdAt !== undefined ? { registeredAt: s.createdAt } : {}),
  ...(s.pool ? { pool: s.pool } : {}),
});

/** The ledger's call on the wire for a neutral call; `transfer_all` sends the free balance less the fee. */
function wireCall(call: ChainCall, free: bigint, fee: bigint): Call {
  switch (call.type) {
    case 'transfer':
      return { type: 'transfer', dest: call.dest, amount: call.amount.toString() };
    case 'transfer_all': {
      const amount = free - fee;
      if (amount <= 0n)
        throw rejectedError(
          'E_INSUFFICIENT_BALANCE',
          `nothing to transfer: free balance ${formatTao(free)} τ does not cover the fee ${formatTao(fee)} τ`,
        );
      return { type: 'transfer', dest: call.dest, amount: amount.toString() };
    }
    case 'set_delegate_take':
      return { type: 'set_delegate_take', hotkey: call.hotkey, take: call.take };
    case 'start_call':
      return { type: 'start_call', netuid: call.netuid };
    case 'burned_register':
      return { type: 'burned_register', netuid: call.netuid, hotkey: call.hotkey };
    case 'create_subnet':
      return { type: 'create_subnet' };
    case 'set_weights':
      return {
        type: 'set_weights',
        netuid: call.netuid,
        uids: call.uids,
        weights: call.weights,
        ...(call.versionKey !== undefined ? { version_key: Number(call.versionKey) } : {}),
      };
    case 'serve_axon':
      return {
        type: 'serve_axon',
        netuid: call.netuid,
        ip: call.ip,
        port: call.port,
        protocol: call.protocol,
      };
    case 'faucet':
      return call.amount === undefined
        ? { type: 'faucet' }
        : { type: 'faucet', amount: call.amount.toString() };
    case 'add_stake':
    case 'remove_stake':
      return {
        type: call.type,
        hotkey: call.hotkey,
        netuid: call.netuid,
        amount: call.amount.toString(),
        ...(call.limit === undefined
          ? {}
          : { limit_price: call.limit.toString(), allow_partial: call.partial }),
      };
  }
}

const wireType = (call: ChainCall): string => (call.type === 'transfer_all' ? 'transfer' : call.type);

export function ledgerChain(url: string, client = new NodeClient(url)): Chain & { client: NodeClient } {
  let info: Promise<SystemInfo> | undefined;
  const systemInfo = () => {
    info ??= client.systemInfo();
    return info;
  };
  return {
    backend: 'ledger',
    url,
    client,
    capabilities: {
      rootStakeTable: true,
      stakeIndex: true,
      existentialDeposit: false,
      faucet: true,
      subnetOwnerHotkey: false,
    },
    async balance(address) {
      const account = await client.accountInfo(address);
      return { address: account.address, free: account.free, staked: account.staked };
    },
    async stakes(query) {
      const [root, alpha] = await Promise.all([client.stakeList(query), client.alphaStakes(query)]);
      const rows: ChainStake[] = root.map((s) => ({
        coldkey: s.coldkey,
        hotkey: s.hotkey,
        netuid: 0,
        amount: s.amount,
        price: 1_000_000_000n,
        value: s.amount,
        take: s.take,
      }));
      for (const s of alpha)
        rows.push({
          coldkey: s.coldkey,
          hotkey: s.hotkey,
          netuid: s.netuid,
          amount: s.alpha,
          value: s.value,
          take: s.take,
        });
      return rows;
    },
    async subnets() {
      return (await client.subnetList()).map(subnetOf);
    },
    async metagraph(netuid) {
      return client.metagraph(netuid);
    },
    async hyperparameters(netuid) {
      const values: Record<string, bigint | number | boolean | string | null | object> = {};
      for (const [k, v] of Object.entries(await client.hyperparameters(netuid)))
        values[k] = AMOUNTS.has(k) && typeof v === 'string' ? parseRao(v) : (v as object);
      return { values, amounts: AMOUNTS };
    },
    async tradePool(netuid) {
      const { ledgerPoolState, poolOf } = await import('../../client/ledger-pool.js');
      const pool = await poolOf(client, netuid);
      return { price: pool.price, state: ledgerPoolState(netuid, pool) };
    },
    async alphaStake(coldkey, hotkey, netuid) {
      const { alphaHeld } = await import('../../client/ledger-pool.js');
      return alphaHeld(client, coldkey, hotkey, netuid);
    },
    async kind() {
      const i = await systemInfo();
      return { dev: i.dev, chain: i.chain, ...(i.faucet ? { faucetAmount: i.faucet.amount } : {}) };
    },
    async session(signer, { expiryBlocks }): Promise<TxSession> {
      const [i, account, head] = await Promise.all([systemInfo(), client.accountInfo(signer), client.head()]);
      const expiry = head.number + expiryBlocks;
      const { feeOf, signCall } = await import('../../client/send.js');
      return {
        free: account.free,
        existentialDeposit: 0n,
        previewLines: [
          ['nonce', String(account.nonce + account.pending)],
          ['valid until', `block ${expiry} (head ${head.number})`],
          ['chain', `${i.chain} ${i.genesisHash.slice(0, 18)}…`],
        ],
        async quote(call) {
          if (call.type === 'faucet' && !i.dev)
            throw rejectedError(
              'E_NOT_DEV_CHAIN',
              `the faucet exists only on a dev ledger; the node at ${url} runs chain '${i.chain}'`,
              'start a dev ledger with `tao node start --dev`',
            );
          return feeOf(client, wireType(call));
        },
        async submit(call, pair, { timeoutMs, wait, onSent }) {
          const fee = await feeOf(client, wireType(call));
          const tx = signCall(pair, wireCall(call, account.free, fee), { info: i, account, expiry });
          const hash = await client.submitTx(tx);
          onSent(hash);
          if (!wait) return { txHash: hash, block: null, status: 'pending', events: [] };
          const outcome = await client.waitForTx(hash, { timeoutMs, expiry });
          if (outcome.status === 'rejected')
            throw rejectedError(
              outcome.error.code,
              `${outcome.error.message} (transaction ${hash}${outcome.block !== undefined ? `, block ${outcome.block}` : ''})`,
            );
          return { txHash: hash, block: outcome.block, status: 'included', events: [] };
        },
      };
    },
    async close() {},
  };
}
