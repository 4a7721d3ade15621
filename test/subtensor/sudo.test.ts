/**
 * `tao localnet sudo call` on the real Subtensor runtime through the binary: a Root call by name lands (read
 * back from storage), a failing sudo call is the decoded pallet error (exit 5), a wrong argument count is
 * exit 2 before anything is signed, and tao's ledger is not a sudo target (exit 2).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { describeLocalnet, endpoint, resetChain } from './harness.js';
import { type Chain, clearOfSessionBlock, openChain } from './subnet-fixture.js';

describeLocalnet('localnet sudo on Subtensor', () => {
  const { home, cleanup } = tempHome('tao-st-sudo-');
  const tao = async (args: string[], network = endpoint()) => {
    await clearOfSessionBlock();
    return runTao(['--network', network, ...args, '--yes', '--json'], { home, timeoutMs: 120_000 });
  };
  let chain: Chain;
  beforeAll(async () => {
    await resetChain();
    chain = await openChain(endpoint());
  });
  afterAll(async () => {
    await chain?.close();
    await resetChain();
    cleanup();
  });

  it('sudo call adminUtils.sudoSetTempo 1 7: the tempo the chain stores', async () => {
    const r = await tao(['localnet', 'sudo', 'call', 'adminUtils.sudoSetTempo', '1', '7']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<{ call: string; args: unknown[] }>(r)).toMatchObject({
      call: 'adminUtils.sudoSetTempo',
      args: ['1', '7'],
    });
    expect((await chain.query('subtensorModule', 'tempo')(1)).toString()).toBe('7');
  });

  it('a sudo call the runtime refuses is its decoded error, exit 5', async () => {
    const r = await tao(['localnet', 'sudo', 'call', 'admin_utils.sudo_set_tempo', '999', '7']);
    expect(r.code).toBe(5);
    const err = (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error;
    expect(err.code).toBe('E_CHAIN_REJECTED');
    expect(err.message).toMatch(/^sudo call failed: AdminUtils\.SubnetDoesNotExist/);
  });

  it('a wrong argument count is exit 2 naming the parameters; the ledger is no sudo target', async () => {
    const r = await tao(['localnet', 'sudo', 'call', 'adminUtils.sudoSetTempo', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('takes 2 argument(s) (netuid: u16, tempo: u16)');
    const ledger = await tao(['localnet', 'sudo', 'dev-params'], 'http://127.0.0.1:1');
    expect(ledger.code).toBe(2);
    expect(JSON.parse(ledger.stderr).error.code).toBe('E_UNSUPPORTED');
  });
});
