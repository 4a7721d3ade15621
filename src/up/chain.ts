/**
 * Putting a peer on the dev chain, idempotently: fund its coldkey from the dev faucet only as far as it
 * lacks, `burned_register` its hotkey on the subnet unless it already holds a uid, top its root stake up to
 * the target and buy α on the subnet's pool for the τ of its α target (never staking twice). Each step
 * waits for inclusion; a rejection is a TaoError (exit 5).
 */
import type { CallObject, NodeClient, TxOutcome } from '../client/index.js';
import { sendTx } from '../client/index.js';
import { rejectedError } from '../core/errors.js';
import type { KeyPair } from '../crypto/keys.js';

export interface NeuronTarget {
  netuid: number;
  coldkey: string;
  hotkey: string;
  stakeRao: bigint;
  /**
   * τ to put into the subnet's pool as α on the hotkey (add_stake with the netuid, no price limit: on a
   * fresh market up is the pool's first buyer). Topped up only when the α held is worth under
   * ALPHA_TOPUP_BELOW of it at the spot price, so price moves after the buy never trigger a second one.
   */
  alphaRao: bigint;
  /** Free balance to keep after registering and staking. */
  spareRao: bigint;
}

export interface NeuronOutcome {
  uid: number;
  registered: boolean;
  staked: bigint;
  /** τ spent on α now, and the α held on the subnet afterwards (rao). */
  alphaBought: bigint;
  alpha: bigint;
  funded: bigint;
  stake: bigint;
}

/** A held α worth under 9/10 of the α target at the spot price is topped up to the target. */
const ALPHA_TOPUP_BELOW = { num: 9n, den: 10n };

async function alphaHeld(client: NodeClient, netuid: number, coldkey: string, hotkey: string) {
  const held = (await client.alphaStakes({ coldkey, hotkey })).find((a) => a.netuid === netuid);
  return { alpha: held?.alpha ?? 0n, value: held?.value ?? 0n };
}

export interface ChainFacts {
  burn: bigint;
  fee: bigint;
  faucetCap: bigint;
}

export async function chainFacts(client: NodeClient, netuid: number): Promise<ChainFacts> {
  const [info, subnets] = await Promise.all([client.systemInfo(), client.subnetList()]);
  const subnet = subnets.find((s) => s.netuid === netuid);
  if (!subnet)
    throw rejectedError('E_UNKNOWN_SUBNET', `subnet ${netuid} does not exist on the chain at ${client.url}`);
  if (!info.dev || !info.faucet)
    throw rejectedError(
      'E_NOT_DEV_CHAIN',
      `the node at ${client.url} is not a dev chain: tao up needs the dev faucet`,
      'stop it, or pick another --rpc-port',
    );
  return { burn: subnet.burn, fee: info.txFee, faucetCap: info.faucet.cap };
}

async function send(client: NodeClient, pair: KeyPair, call: CallObject, what: string): Promise<TxOutcome> {
  const outcome = await sendTx(client, pair, call, { timeoutMs: 60_000 });
  if (outcome.status === 'rejected')
    throw rejectedError(outcome.error.code, `${what} was rejected: ${outcome.error.message}`);
  return outcome;
}

async function uidOf(client: NodeClient, netuid: number, hotkey: string): Promise<number | null> {
  const mg = await client.metagraph(netuid);
  return mg.neurons.find((n) => n.hotkey === hotkey)?.uid ?? null;
}

/**
 * Funds, registers and stakes as far as needed for `target`; `signer` unlocks its coldkey, and is called
 * only when there is something to sign (a fully set-up neuron needs no password).
 */
export async function ensureNeuron(
  client: NodeClient,
  signer: () => Promise<KeyPair>,
  target: NeuronTarget,
  facts: ChainFacts,
): Promise<NeuronOutcome> {
  const { netuid, coldkey, hotkey } = target;
  let uid = await uidOf(client, netuid, hotkey);
  const stakes = await client.stakeList({ coldkey, hotkey });
  const stakeNow = stakes.reduce((sum, s) => sum + s.amount, 0n);
  const toStake = target.stakeRao > stakeNow ? target.stakeRao - stakeNow : 0n;
  const held = await alphaHeld(client, netuid, coldkey, hotkey);
  const toBuy =
    held.value * ALPHA_TOPUP_BELOW.den < target.alphaRao * ALPHA_TOPUP_BELOW.num
      ? target.alphaRao - held.value
      : 0n;
  const needFree =
    (uid === null ? facts.burn + facts.fee : 0n) +
    (toStake > 0n ? toStake + facts.fee : 0n) +
    (toBuy > 0n ? toBuy + facts.fee : 0n) +
    target.spareRao;
  let funded = 0n;
  let free = (await client.accountInfo(coldkey)).free;
  if (uid !== null && toStake === 0n && toBuy === 0n && free >= needFree)
    return {
      uid,
      registered: false,
      staked: 0n,
      alphaBought: 0n,
      alpha: held.alpha,
      funded,
      stake: stakeNow,
    };
  const pair = await signer();
  while (free < needFree) {
    const missing = needFree - free;
    const amount = missing > facts.faucetCap ? facts.faucetCap : missing;
    await send(client, pair, { type: 'faucet', amount: amount.toString() }, `the faucet for ${coldkey}`);
    funded += amount;
    free += amount;
  }
  let registered = false;
  if (uid === null) {
    const outcome = await sendTx(
      client,
      pair,
      { type: 'burned_register', netuid, hotkey },
      { timeoutMs: 60_000 },
    );
    if (outcome.status === 'rejected' && outcome.error.code !== 'E_ALREADY_REGISTERED')
      throw rejectedError(outcome.error.code, `registering ${hotkey} was rejected: ${outcome.error.message}`);
    registered = outcome.status === 'included';
    uid = await uidOf(client, netuid, hotkey);
    if (uid === null)
      throw rejectedError('E_NOT_REGISTERED', `${hotkey} is not on subnet ${netuid} after registering`);
  }
  if (toStake > 0n)
    await send(
      client,
      pair,
      { type: 'add_stake', hotkey, amount: toStake.toString() },
      `staking to ${hotkey}`,
    );
  let alpha = held.alpha;
  if (toBuy > 0n) {
    await send(
      client,
      pair,
      { type: 'add_stake', hotkey, netuid, amount: toBuy.toString() },
      `staking α on subnet ${netuid} to ${hotkey}`,
    );
    alpha = (await alphaHeld(client, netuid, coldkey, hotkey)).alpha;
  }
  return { uid, registered, staked: toStake, alphaBought: toBuy, alpha, funded, stake: stakeNow + toStake };
}
