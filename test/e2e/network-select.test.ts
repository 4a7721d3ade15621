/**
 * `--network` against what really answers, through the real binary: btcli's `local` (ws://127.0.0.1:PORT) pointed
 * at tao's own ledger is detected (E_NOT_SUBTENSOR, exit 2, with the --node hint), not guessed; http(s) URLs
 * still reach tao's ledger; unknown names are exit 2; a ledger-only command asked for Subtensor says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { freePort, kill, type NodeProc, startNode } from './node-helpers.js';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

describe('--network selection', () => {
  const { home, cleanup } = tempHome('tao-network-');
  let node: NodeProc;
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    node = await startNode(home, port);
  });
  afterAll(async () => {
    await kill(node);
    cleanup();
  });

  const errorOf = (stderr: string) =>
    (JSON.parse(stderr) as { error: { code: string; message: string; hint?: string } }).error;

  it("detects tao's own ledger behind a ws:// URL and refuses it as Subtensor (exit 2)", async () => {
    const r = await runTao(
      ['--network', `ws://127.0.0.1:${port}`, 'wallet', 'balance', '--address', ALICE, '--json'],
      {
        home,
      },
    );
    expect(r.code, r.stderr).toBe(2);
    const error = errorOf(r.stderr);
    expect(error.code).toBe('E_NOT_SUBTENSOR');
    expect(error.message).toContain("tao's own ledger");
    expect(error.hint).toContain(`--node http://127.0.0.1:${port}`);
  });

  it('node status --network on the ledger port says what answers instead of hanging', async () => {
    const r = await runTao(['--network', `ws://127.0.0.1:${port}`, 'node', 'status', '--json'], { home });
    expect(r.code, r.stderr).toBe(2);
    expect(errorOf(r.stderr).code).toBe('E_NOT_SUBTENSOR');
  });

  it('an http:// --network is tao ledger, as --node is', async () => {
    const r = await runTao(['--network', node.url, 'wallet', 'balance', '--address', ALICE, '--json'], {
      home,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson<{ balances: { address: string }[] }>(r).balances[0]?.address).toBe(ALICE);
  });

  it('TAO_NETWORK selects the network like the flag', async () => {
    const r = await runTao(['wallet', 'balance', '--address', ALICE, '--json'], {
      home,
      env: { TAO_NETWORK: `ws://127.0.0.1:${port}` },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(errorOf(r.stderr).code).toBe('E_NOT_SUBTENSOR');
  });

  it('an unknown network name is exit 2 naming the choices', async () => {
    const r = await runTao(['--network', 'mainnet', 'wallet', 'balance', '--address', ALICE, '--json'], {
      home,
    });
    expect(r.code, r.stderr).toBe(2);
    const error = errorOf(r.stderr);
    expect(error.code).toBe('E_BAD_NETWORK');
    expect(error.hint).toContain('finney');
  });

  it('--network localnet without a running localnet is exit 2 with how to start one', async () => {
    const r = await runTao(['--network', 'localnet', 'wallet', 'balance', '--address', ALICE, '--json'], {
      home,
    });
    expect(r.code, r.stderr).toBe(2);
    const error = errorOf(r.stderr);
    expect(error.code).toBe('E_NO_LOCALNET');
    expect(error.hint).toContain('tao localnet start');
  });

  it('a command with no Subtensor path says so (E_UNSUPPORTED) before any connection', async () => {
    const r = await runTao(['--network', 'ws://127.0.0.1:1', 'wallet', 'faucet', '--yes', '--json'], {
      home,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(errorOf(r.stderr).code).toBe('E_UNSUPPORTED');
  });
});
