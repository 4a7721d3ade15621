/**
 * `tao localnet` on the real Subtensor runtime, through the real binary: status, mine, a second start,
 * stop/start of a second instance, the missing-runtime message, fetch-runtime, and the harness's resetChain.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import {
  baseBlock,
  context,
  describeLocalnet,
  endpoint,
  head,
  httpEndpoint,
  mine,
  resetChain,
  rpc,
  taoHome,
} from './harness.js';

interface Status {
  running: boolean;
  endpoint: string;
  spec_name?: string;
  spec_version?: number;
  head?: number;
  pid?: number;
}

const onShared = (args: string[], env: Record<string, string | undefined> = {}) =>
  runTao(args, { home: taoHome(), env, timeoutMs: 120_000 });

function freePort(): Promise<number> {
  return new Promise((res) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => res(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

describeLocalnet('tao localnet (real runtime)', () => {
  it('status reports the running runtime and head', async () => {
    const r = await onShared(['localnet', 'status', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = parseJson<Status>(r);
    expect(s).toMatchObject({
      running: true,
      endpoint: endpoint(),
      spec_name: 'node-subtensor',
      spec_version: 300,
    });
    expect(s.pid).toBe(context().pid);
    expect(s.head).toBe(await head());
  });

  it('mine N adds N blocks and prints the new head', async () => {
    const before = await head();
    const r = await onShared(['localnet', 'mine', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const m = parseJson<{ mined: number; head: number; head_hash: string }>(r);
    expect(m.mined).toBe(2);
    expect(m.head).toBe(before + 2);
    expect(m.head_hash).toBe(await rpc<string>('chain_getBlockHash', [m.head]));
    expect(await mine(1)).toBe(before + 3);
  });

  it('a second start answers with the running one; another port is refused', async () => {
    const again = await onShared(['localnet', 'start', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(parseJson(again)).toMatchObject({
      running: true,
      already_running: true,
      pid: context().pid,
      endpoint: endpoint(),
    });
    const other = await onShared(['localnet', 'start', '--port', String(context().port + 1), '--json']);
    expect(other.code).toBe(2);
    expect(JSON.parse(other.stderr).error.code).toBe('E_LOCALNET_RUNNING');
  });

  it('resetChain() undoes a transfer (fee as measured on spec 300)', async () => {
    const { ApiPromise, WsProvider } = await import('@polkadot/api');
    const { Keyring } = await import('@polkadot/keyring');
    const { cryptoWaitReady } = await import('@polkadot/util-crypto');
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const alice = keyring.addFromUri('//Alice');
    const bob = keyring.addFromUri('//Bob');
    const api = await ApiPromise.create({ provider: new WsProvider(endpoint()), noInitWarn: true });
    try {
      const free = async (addr: string) =>
        (
          (await api.query.system.account(addr)) as unknown as { data: { free: { toBigInt(): bigint } } }
        ).data.free.toBigInt();
      const [a0, b0] = [await free(alice.address), await free(bob.address)];
      const fee = await new Promise<bigint>((res, rej) => {
        api.tx.balances
          .transferKeepAlive(bob.address, 10n * 10n ** 9n)
          .signAndSend(alice, ({ status, events, dispatchError }) => {
            if (dispatchError) rej(new Error(dispatchError.toString()));
            if (!status.isInBlock) return;
            const paid = events.find(
              (e) => e.event.section === 'transactionPayment' && e.event.method === 'TransactionFeePaid',
            );
            res(BigInt(paid?.event.data[1]?.toString() ?? '-1'));
          })
          .catch(rej);
      });
      expect(fee).toBe(137_052n);
      expect(await free(bob.address)).toBe(b0 + 10n * 10n ** 9n);
      expect(await free(alice.address)).toBe(a0 - 10n * 10n ** 9n - fee);
      await resetChain();
      expect(await head()).toBe(baseBlock());
      expect(await free(alice.address)).toBe(a0);
      expect(await free(bob.address)).toBe(b0);
    } finally {
      await api.disconnect();
    }
  });

  it('fetch-runtime --from the localnet saves a wasm equal to its :code', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'tao-xdg-'));
    try {
      const r = await onShared(['localnet', 'fetch-runtime', '--from', httpEndpoint(), '--json'], {
        XDG_CACHE_HOME: cache,
      });
      expect(r.code, r.stderr).toBe(0);
      const saved = parseJson<{ path: string; spec_name: string; spec_version: number; bytes: number }>(r);
      expect(saved.path).toBe(join(cache, 'tao', 'subtensor', 'node-subtensor-300.wasm'));
      const code = await rpc<string>('state_getStorage', ['0x3a636f6465']);
      const bytes = readFileSync(saved.path);
      expect(`0x${bytes.toString('hex')}`).toBe(code);
      expect(bytes.equals(readFileSync(context().runtime))).toBe(true);
      expect(saved.bytes).toBe(bytes.length);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('says exactly how to get a runtime when there is none', async () => {
    const { home, cleanup } = tempHome();
    const cache = mkdtempSync(join(tmpdir(), 'tao-xdg-'));
    try {
      const missingFile = await runTao(['localnet', 'start', '--port', '1'], {
        home,
        env: { TAO_SUBTENSOR_RUNTIME: join(cache, 'nope.wasm') },
      });
      expect(missingFile.code).toBe(2);
      expect(missingFile.stderr).toContain(`TAO_SUBTENSOR_RUNTIME ${join(cache, 'nope.wasm')} is not a file`);
      expect(missingFile.stderr).toContain('tao localnet fetch-runtime --from wss://');
      const emptyCache = await runTao(['localnet', 'start', '--json'], {
        home,
        env: { XDG_CACHE_HOME: cache, TAO_SUBTENSOR_RUNTIME: undefined },
      });
      expect(emptyCache.code).toBe(2);
      const err = JSON.parse(emptyCache.stderr).error as { code: string; message: string; hint: string };
      expect(err.code).toBe('E_RUNTIME_MISSING');
      expect(err.message).toContain(join(cache, 'tao', 'subtensor'));
      expect(err.hint).toContain('tao localnet fetch-runtime --from wss://');
      expect(err.hint).toContain('TAO_SUBTENSOR_RUNTIME');
    } finally {
      cleanup();
      rmSync(cache, { recursive: true, force: true });
    }
  });

  describe('a second instance in its own home (the shared one idles meanwhile)', () => {
    const { home, cleanup } = tempHome();
    let port = 0;
    const run = (args: string[]) => runTao(args, { home, timeoutMs: 180_000 });
    beforeAll(async () => {
      port = await freePort();
    });
    afterAll(async () => {
      await run(['localnet', 'stop']);
      cleanup();
    });

    it('start (manual blocks), status, stop, status', async () => {
      const started = await run(['localnet', 'start', '--port', String(port), '--manual', '--json']);
      expect(started.code, started.stderr).toBe(0);
      const s = parseJson<{ pid: number; endpoint: string; block_mode: string; head: number }>(started);
      expect(s).toMatchObject({ endpoint: `ws://127.0.0.1:${port}`, block_mode: 'manual' });
      expect(existsSync(join(home, 'localnet', 'localnet.pid'))).toBe(true);
      const status = parseJson<Status>(await run(['localnet', 'status', '--json']));
      expect(status).toMatchObject({ running: true, pid: s.pid, head: s.head });
      const stopped = await run(['localnet', 'stop', '--json']);
      expect(parseJson(stopped)).toMatchObject({ stopped: true, pid: s.pid, killed: false });
      expect(() => process.kill(s.pid, 0)).toThrow();
      expect(existsSync(join(home, 'localnet', 'localnet.pid'))).toBe(false);
      expect(
        parseJson<Status>(await run(['localnet', 'status', '--port', String(port), '--json'])).running,
      ).toBe(false);
      expect(parseJson(await run(['localnet', 'stop', '--json']))).toEqual({ stopped: false });
    });
  });
});
