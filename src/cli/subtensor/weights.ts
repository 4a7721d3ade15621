/**
 * `tao weights set` on a Subtensor chain: set_weights with the u16 row tao's ledger would store, signed by the
 * hotkey. Where the subnet has commit-reveal on, plain weights are refused before signing: timelocked
 * commit-reveal needs drand beacons, which tao does not fake.
 */
import type { SubtensorApi } from '../../chain/subtensor/api.js';
import { extrinsic, storage } from '../../chain/subtensor/access.js';
import { big } from '../../chain/subtensor/codec.js';
import { rejectedError } from '../../core/errors.js';
import type { GlobalOptions } from '../context.js';
import type { TxFlags } from '../tx-flow.js';
import { unknownSubnet } from './subnet.js';
import { runSubtensorTx, type SubtensorTxReport } from './tx.js';

export async function subtensorWeightsSet(
  globals: GlobalOptions,
  chain: SubtensorApi,
  opts: TxFlags & { netuid: number; uids: number[]; weights: number[]; versionKey?: number },
): Promise<
  SubtensorTxReport & { netuid: number; uids: number[]; weights_u16: number[]; version_key: string }
> {
  const { netuid, uids, weights } = opts;
  const { commitRevealEnabled, subnetSummary, uidOf } = await import('../../chain/subtensor/subnets.js');
  if (!(await subnetSummary(chain.api, netuid))) throw unknownSubnet(netuid);
  if (await commitRevealEnabled(chain.api, netuid))
    throw rejectedError(
      'E_COMMIT_REVEAL',
      `subnet ${netuid} has commit_reveal_weights_enabled = true: the chain takes only committed weights, revealed through drand's timelock, which tao does not implement (and cannot fake offline); nothing was sent`,
      'use a subnet with commit_reveal_weights_enabled = false (on a localnet: tao localnet sudo dev-params --netuid N)',
    );
  const versionKey =
    opts.versionKey !== undefined
      ? BigInt(opts.versionKey)
      : big(await storage(chain.api, 'subtensorModule', 'weightsVersionKey')(netuid));
  const { report } = await runSubtensorTx(globals, chain, {
    role: 'hotkey',
    flags: opts,
    build: async ({ signer }) => {
      if ((await uidOf(chain.api, netuid, signer.address)) === undefined)
        throw rejectedError(
          'E_NOT_REGISTERED',
          `hotkey ${signer.address} is not registered on subnet ${netuid}: nothing was sent`,
          `tao subnet register --netuid ${netuid}`,
        );
      return {
        title: `Set weights on subnet ${netuid}`,
        extrinsic: () =>
          extrinsic(chain.api, 'subtensorModule', 'setWeights')(netuid, uids, weights, versionKey.toString()),
        details: [
          ['netuid', String(netuid)],
          ['weights', `${uids.map((u, i) => `${u}:${weights[i]}`).join(' ')}  (uid:u16, max = 65535)`],
          ['version key', versionKey.toString()],
        ],
        freeDelta: 0n,
      };
    },
  });
  return { ...report, netuid, uids, weights_u16: weights, version_key: versionKey.toString() };
}
