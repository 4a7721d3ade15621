// The yardstick for bench/subtensor.bench.mjs: the same work as tao's command done with bare @polkadot/api
// (no probe, no metadata cache, no tao): `balance URL ADDRESS` or `transfer URL DEST` (signed by //Alice).
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const [what, url, address] = process.argv.slice(2);
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
if (what === 'balance') {
  const account = await api.query.system.account(address);
  const stakes = await api.call.stakeInfoRuntimeApi.getStakeInfoForColdkey(address);
  process.stdout.write(`${account.data.free.toString()} ${stakes.length}\n`);
} else {
  await cryptoWaitReady();
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const tx = api.tx.balances.transferKeepAlive(address, 1_000_000_000n);
  await new Promise((resolve, reject) => {
    tx.signAndSend(alice, (r) => {
      if (r.status.isInBlock) resolve();
      if (r.isError) reject(new Error(r.status.type));
    }).catch(reject);
  });
}
await api.disconnect();
