/**
 * The ledger commands end to end: a real `tao node start --dev --instant` process, real wallets made by
 * `tao wallet create --no-password`, and the real binary for every command. Balances are checked to the rao.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClient } from '../../src/client/node-client.js';
import { parseJson, runTao, TAO_BIN, type TaoResult, tempHome } from '../helpers/tao.js';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface RunningNode {
  url: string;
  proc: ChildProcess;
  client: NodeClient;
  stop: () => Promise<void>;
}

async function startNode(home: string, extra: string[]): Promise<RunningNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(
    process.execPath,
    [TAO_BIN, '--home', home, 'node', 'start', '--rpc-port', String(port), ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  let log = '';
  proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const client = new NodeClient(url, { retries: 0, timeoutMs: 1000 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`node exited during startup (${proc.exitCode}):\n${log}`);
    try {
      await client.systemInfo();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`node did not answer within 30 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { url, proc, client: new NodeClient(url), stop };
}

const { home, cleanup } = tempHome('tao-ledger-cli-');
let dev: RunningNode;
let fee: bigint;
const addr: Record<string, { coldkey: string; hotkey: string }> = {};

/** The real binary against the dev node. */
const tao = (args: string[], input?: string): Promise<TaoResult> =>
  runTao(['--node', dev.url, ...args], { home, ...(input !== undefined ? { input } : {}) });

const rao = (tao: string): bigint => {
  const [w, f = ''] = tao.split('.');
  return BigInt(w!) * 1_000_000_000n + BigInt(f.padEnd(9, '0'));
};

async function balance(address: string): Promise<{ free: bigint; staked: bigint; total: bigint }> {
  const r = await tao(['--json', 'wallet', 'balance', '--address', address]);
  expect(r.code, r.stderr).toBe(0);
  const b = parseJson<{ balances: { address: string; free: string; staked: string; total: string }[] }>(r)
    .balances[0]!;
  expect(b.address).toBe(address);
  return { free: rao(b.free), staked: rao(b.staked), total: rao(b.total) };
}

function expectTxOk(r: TaoResult): { tx_hash: string; block: number; status: string } {
  expect(r.code, r.stderr).toBe(0);
  const out = parseJson<{ tx_hash: string; block: number; status: string }>(r);
  expect(out.tx_hash).toMatch(/^0x[0-9a-f]{64}$/);
  expect(Number.isInteger(out.block)).toBe(true);
  expect(out.status).toBe('included');
  return out;
}

function expectJsonError(r: TaoResult, exit: number, code: string): string {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(exit);
  expect(r.stdout).toBe('');
  const err = JSON.parse(r.stderr) as { error: { code: string; message: string } };
  expect(err.error.code).toBe(code);
  return err.error.message;
}

beforeAll(async () => {
  dev = await startNode(home, ['--dev', '--instant']);
  fee = (await dev.client.systemInfo()).txFee;
  for (const w of ['main', 'second', 'third']) {
    const r = await runTao(['--json', '--wallet', w, 'wallet', 'create', '--no-password'], { home });
    expect(r.code, r.stderr).toBe(0);
    const out = parseJson<{ coldkey: { ss58: string }; hotkey: { ss58: string } }>(r);
    addr[w] = { coldkey: out.coldkey.ss58, hotkey: out.hotkey.ss58 };
  }
}, 90_000);

afterAll(async () => {
  await dev?.stop();
  cleanup();
});

describe('funds', () => {
  it('faucets the exact amount into a new wallet (the faucet charges no fee)', async () => {
    const r = await tao(['--json', '--wallet', 'main', 'wallet', 'faucet', '--amount', '100']);
    expectTxOk(r);
    expect(await balance(addr.main!.coldkey)).toEqual({
      free: 100_000_000_000n,
      staked: 0n,
      total: 100_000_000_000n,
    });
  });

  it('transfers from a dev account with --signer-uri, paying amount + fee exactly', async () => {
    const before = await balance(ALICE);
    const r = await tao([
      '--json',
      'wallet',
      'transfer',
      '--signer-uri',
      '//Alice',
      '--dest',
      addr.second!.coldkey,
      '--amount',
      '25.5',
    ]);
    expectTxOk(r);
    expect((await balance(ALICE)).free).toBe(before.free - 25_500_000_000n - fee);
    expect((await balance(addr.second!.coldkey)).free).toBe(25_500_000_000n);
  });

  it('transfers between wallets to the rao: sender − amount − fee, receiver + amount', async () => {
    const [a0, b0] = [await balance(addr.main!.coldkey), await balance(addr.second!.coldkey)];
    const r = await tao([
      '--wallet',
      'main',
      '--yes',
      '--json',
      'wallet',
      'transfer',
      '--dest',
      addr.second!.coldkey,
      '--amount',
      '0.000000001',
    ]);
    const out = expectTxOk(r);
    expect((await balance(addr.main!.coldkey)).free).toBe(a0.free - 1n - fee);
    expect((await balance(addr.second!.coldkey)).free).toBe(b0.free + 1n);
    const block = await dev.client.block(out.block);
    expect(block.txs.find((t) => t.txHash === out.tx_hash)?.status).toBe('included');
  });

  it('lists every wallet with --all, amounts as 9-decimal TAO strings', async () => {
    const r = await tao(['--json', 'wallet', 'balance', '--all']);
    expect(r.code, r.stderr).toBe(0);
    const { balances } = parseJson<{
      balances: { wallet: string; address: string; free: string; total: string }[];
    }>(r);
    expect(balances.map((b) => b.wallet)).toEqual(['main', 'second', 'third']);
    for (const b of balances) expect(b.free).toMatch(/^\d+\.\d{9}$/);
    expect(balances[2]).toMatchObject({
      address: addr.third!.coldkey,
      free: '0.000000000',
      total: '0.000000000',
    });
  });

  it('rejects a transfer above the free balance with exit 5 and the ledger reason, moving nothing', async () => {
    const before = await balance(addr.main!.coldkey);
    const r = await tao([
      '--wallet',
      'main',
      '--json',
      'wallet',
      'transfer',
      '--dest',
      ALICE,
      '--amount',
      '1000',
    ]);
    const message = expectJsonError(r, 5, 'E_INSUFFICIENT_BALANCE');
    expect(message).toMatch(/free balance/);
    expect(await balance(addr.main!.coldkey)).toEqual(before);
  });
});

describe('stake', () => {
  let netuid: number;

  it('creates a subnet and registers the wallet hotkey, burning the registration cost plus the fee', async () => {
    const created = await tao(['--wallet', 'main', '--json', 'subnet', 'create']);
    expectTxOk(created);
    netuid = parseJson<{ netuid: number }>(created).netuid;
    expect(netuid).toBeGreaterThan(1);
    const list = parseJson<{ subnets: { netuid: number; owner: string; burn: string }[] }>(
      await tao(['--json', 'subnet', 'list']),
    );
    const subnet = list.subnets.find((s) => s.netuid === netuid)!;
    expect(subnet.owner).toBe(addr.main!.coldkey);
    const before = await balance(addr.main!.coldkey);
    const r = await tao(['--wallet', 'main', '--json', 'subnet', 'register', '--netuid', String(netuid)]);
    expectTxOk(r);
    expect(parseJson<{ netuid: number; uid: number }>(r)).toMatchObject({ netuid, uid: 0 });
    expect((await balance(addr.main!.coldkey)).free).toBe(before.free - rao(subnet.burn) - fee);
  });

  it('adds and removes stake on the own hotkey with exact balances', async () => {
    const b0 = await balance(addr.main!.coldkey);
    expectTxOk(await tao(['--wallet', 'main', '--json', 'stake', 'add', '--amount', '10']));
    const b1 = await balance(addr.main!.coldkey);
    expect(b1).toEqual({
      free: b0.free - 10_000_000_000n - fee,
      staked: 10_000_000_000n,
      total: b0.total - fee,
    });

    const list = parseJson<{ stakes: { coldkey: string; hotkey: string; amount: string }[] }>(
      await tao(['--wallet', 'main', '--json', 'stake', 'list']),
    );
    expect(list.stakes).toEqual([
      {
        coldkey: addr.main!.coldkey,
        hotkey: addr.main!.hotkey,
        amount: '10.000000000',
        take: 11796, // the chain's default delegate take
        take_percent: '18.00 %',
      },
    ]);

    expectTxOk(await tao(['--wallet', 'main', '--json', 'stake', 'remove', '--amount', '4']));
    const b2 = await balance(addr.main!.coldkey);
    expect(b2).toEqual({
      free: b1.free + 4_000_000_000n - fee,
      staked: 6_000_000_000n,
      total: b1.total - fee,
    });

    expectTxOk(await tao(['--wallet', 'main', '--json', 'stake', 'remove', '--all']));
    expect(await balance(addr.main!.coldkey)).toEqual({
      free: b2.free + 6_000_000_000n - fee,
      staked: 0n,
      total: b2.total - fee,
    });
  });

  it('refuses to unstake more than is staked with exit 5', async () => {
    const r = await tao(['--wallet', 'main', '--json', 'stake', 'remove', '--amount', '1']);
    expectJsonError(r, 5, 'E_INSUFFICIENT_STAKE');
  });

  it('sets weights signed by the hotkey, stored max-upscaled to 65535', async () => {
    for (const w of ['second', 'third']) {
      const r = await tao([
        '--wallet',
        'main',
        '--json',
        'subnet',
        'register',
        '--netuid',
        String(netuid),
        '--hotkey-address',
        addr[w]!.hotkey,
      ]);
      expectTxOk(r);
    }
    await dev.client.devMine(10); // past the weights rate limit since registration
    const r = await tao([
      '--wallet',
      'main',
      '--json',
      'weights',
      'set',
      '--netuid',
      String(netuid),
      '--uids',
      '1,2',
      '--weights',
      '0.7,0.3',
    ]);
    expectTxOk(r);
    expect(parseJson<{ weights_u16: number[] }>(r).weights_u16).toEqual([65535, 28086]);
    expect(await dev.client.weights(netuid)).toEqual([
      {
        uid: 0,
        weights: [
          [1, 65535],
          [2, 28086],
        ],
      },
    ]);
    const m = parseJson<{
      neurons: { uid: number; rank: number; stake: string; validator_permit: boolean }[];
    }>(await tao(['--json', 'subnet', 'metagraph', '--netuid', String(netuid)]));
    expect(m.neurons.map((n) => n.uid)).toEqual([0, 1, 2]);
    for (const n of m.neurons) {
      expect(n.rank).toBeGreaterThanOrEqual(0);
      expect(n.rank).toBeLessThanOrEqual(1);
      expect(n.stake).toMatch(/^\d+\.\d{9}$/);
    }
  });
});

describe('input and failure mapping', () => {
  it('answers a malformed address with exit 2 E_BAD_ADDRESS before touching the node', async () => {
    const r = await runTao(
      ['--node', 'http://127.0.0.1:1', '--json', 'wallet', 'transfer', '--dest', '5Nope', '--amount', '1'],
      { home },
    );
    expectJsonError(r, 2, 'E_BAD_ADDRESS');
  });

  it.each(['1e3', '-1', '0', '1.0000000001', 'abc', '18446744073.709551616'])(
    'answers the malformed amount %s with exit 2 E_BAD_AMOUNT',
    async (amount) => {
      const r = await tao([
        '--wallet',
        'main',
        '--json',
        'wallet',
        'transfer',
        '--dest',
        ALICE,
        '--amount',
        amount,
      ]);
      expectJsonError(r, 2, 'E_BAD_AMOUNT');
    },
  );

  it('answers a missing --amount under --yes with exit 2 instead of a prompt', async () => {
    const r = await tao(['--wallet', 'main', '--yes', '--json', 'stake', 'add']);
    expectJsonError(r, 2, 'E_MISSING_VALUE');
  });

  it('refuses to sign without a terminal unless --yes or --json is given', async () => {
    const r = await tao(['--wallet', 'main', 'wallet', 'transfer', '--dest', ALICE, '--amount', '1'], 'y\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--yes');
  });

  it('never prompts with --json, whatever stdin holds', async () => {
    const r = await tao(
      ['--wallet', 'main', '--json', 'wallet', 'transfer', '--dest', ALICE, '--amount', '0.5'],
      'n\n',
    );
    expectTxOk(r);
  });

  it('reports a node that is down as exit 4 E_NODE_UNREACHABLE with the URL and a hint', async () => {
    const port = await freePort();
    const r = await runTao(
      ['--node', `http://127.0.0.1:${port}`, '--wallet', 'main', '--json', 'wallet', 'balance'],
      {
        home,
      },
    );
    const message = expectJsonError(r, 4, 'E_NODE_UNREACHABLE');
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(JSON.parse(r.stderr).error.hint).toContain('tao node start --dev');
  });

  it('refuses a mnemonic or seed given as --signer-uri', async () => {
    const r = await tao([
      '--json',
      'wallet',
      'transfer',
      '--signer-uri',
      '0x' + '11'.repeat(32),
      '--dest',
      ALICE,
      '--amount',
      '1',
    ]);
    expectJsonError(r, 2, 'E_BAD_SIGNER_URI');
  });

  it('answers an unknown subnet with exit 5', async () => {
    const r = await tao(['--json', 'subnet', 'metagraph', '--netuid', '999']);
    expectJsonError(r, 5, 'E_UNKNOWN_SUBNET');
  });

  it('shows an example in --help of every ledger command', async () => {
    for (const cmd of [
      ['wallet', 'balance'],
      ['wallet', 'transfer'],
      ['wallet', 'faucet'],
      ['stake', 'add'],
      ['stake', 'remove'],
      ['stake', 'list'],
      ['subnet', 'list'],
      ['subnet', 'create'],
      ['subnet', 'register'],
      ['subnet', 'metagraph'],
      ['subnet', 'hyperparameters'],
      ['weights', 'set'],
    ]) {
      const r = await runTao([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Examples?:\n {2}\$ tao /);
    }
  });
});

describe('an encrypted wallet', () => {
  const password = 'correct horse battery staple';
  const env = { TAO_NO_KEYCHAIN: '1' };
  let coldkey: string;

  beforeAll(async () => {
    const r = await runTao(['--json', '--wallet', 'locked', 'wallet', 'create'], {
      home,
      env: { ...env, TAO_PASSWORD: password },
    });
    expect(r.code, r.stderr).toBe(0);
    coldkey = parseJson<{ coldkey: { ss58: string } }>(r).coldkey.ss58;
  });

  it('signs with the password from --password-file', async () => {
    const file = join(home, 'pw.txt');
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    const r = await runTao(
      [
        '--node',
        dev.url,
        '--wallet',
        'locked',
        '--password-file',
        file,
        '--json',
        'wallet',
        'faucet',
        '--amount',
        '3',
      ],
      { home, env },
    );
    expectTxOk(r);
    expect((await balance(coldkey)).free).toBe(3_000_000_000n);
  });

  it('fails with exit 3 E_BAD_PASSWORD on a wrong password, sending nothing', async () => {
    const before = await dev.client.accountInfo(coldkey);
    const r = await runTao(
      [
        '--node',
        dev.url,
        '--wallet',
        'locked',
        '--json',
        'wallet',
        'transfer',
        '--dest',
        ALICE,
        '--amount',
        '1',
      ],
      {
        home,
        env: { ...env, TAO_PASSWORD: 'not the password' },
      },
    );
    expectJsonError(r, 3, 'E_BAD_PASSWORD');
    expect(await dev.client.accountInfo(coldkey)).toEqual(before);
  });

  it('fails with exit 3 E_PASSWORD_REQUIRED when no password source applies', async () => {
    const r = await runTao(
      [
        '--node',
        dev.url,
        '--wallet',
        'locked',
        '--json',
        'wallet',
        'transfer',
        '--dest',
        ALICE,
        '--amount',
        '1',
      ],
      {
        home,
        env,
      },
    );
    expectJsonError(r, 3, 'E_PASSWORD_REQUIRED');
  });
});

/** Runs the binary on a real pseudo-terminal (util-linux `script`), answering the confirmation prompt. */
function onTerminal(
  args: string[],
  answer: string,
  when = '[y/N]',
  url = dev.url,
): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, TAO_BIN, '--node', url, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', quoted, '/dev/null'], {
      env: { ...process.env, TAO_HOME: home, NO_COLOR: '1', TAO_NO_KEYCHAIN: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let answered = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (!answered && output.includes(when)) {
        answered = true;
        child.stdin.write(answer);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('on a terminal', () => {
  const args = ['--wallet', 'main', 'wallet', 'transfer', '--dest', ALICE, '--amount', '2'];

  it('shows what will be signed and sends nothing when the answer is No (exit 130)', async () => {
    const before = await dev.client.accountInfo(addr.main!.coldkey);
    const r = await onTerminal(args, 'n\r');
    expect(r.code, r.output).toBe(130);
    for (const line of ['from', 'to', 'amount', 'fee', 'balance after'])
      expect(r.output).toMatch(new RegExp(`^${line}\\s`, 'm'));
    expect(r.output).toContain(addr.main!.coldkey);
    expect(r.output).toContain('2.000000000 τ');
    expect(r.output).toContain('nothing was signed or sent');
    expect(await dev.client.accountInfo(addr.main!.coldkey)).toEqual(before);
  });

  it('treats Ctrl-C at the prompt as cancel (exit 130)', async () => {
    const r = await onTerminal(args, '\u0003');
    expect(r.code, r.output).toBe(130);
  });

  it('signs and reports the block after a Yes', async () => {
    const before = await dev.client.accountInfo(addr.main!.coldkey);
    const r = await onTerminal(args, 'y\r');
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/transfer: included in block \d+/);
    expect((await dev.client.accountInfo(addr.main!.coldkey)).free).toBe(before.free - 2_000_000_000n - fee);
  });
});

describe('a non-dev ledger', () => {
  const other = tempHome('tao-ledger-cli-local-');
  let local: RunningNode;
  beforeAll(async () => {
    local = await startNode(other.home, ['--instant']);
  }, 60_000);
  afterAll(async () => {
    await local?.stop();
    other.cleanup();
  });

  it('has no faucet: exit 5 E_NOT_DEV_CHAIN', async () => {
    const r = await runTao(['--node', local.url, '--wallet', 'main', '--json', 'wallet', 'faucet'], { home });
    expectJsonError(r, 5, 'E_NOT_DEV_CHAIN');
  });

  it('refuses dev signer URIs: exit 5 E_NOT_DEV_CHAIN, like the faucet (one code, one exit)', async () => {
    const r = await runTao(
      [
        '--node',
        local.url,
        '--json',
        'wallet',
        'transfer',
        '--signer-uri',
        '//Alice',
        '--dest',
        ALICE,
        '--amount',
        '1',
      ],
      { home },
    );
    expectJsonError(r, 5, 'E_NOT_DEV_CHAIN');
  });
});

describe('a dev ledger with slow blocks', () => {
  const other = tempHome('tao-ledger-cli-slow-');
  let slow: RunningNode;
  beforeAll(async () => {
    slow = await startNode(other.home, ['--dev', '--block-time', '60000']);
  }, 60_000);
  afterAll(async () => {
    await slow?.stop();
    other.cleanup();
  });

  it('exits 130 on Ctrl-C while waiting, saying the transaction was already submitted', async () => {
    const r = await onTerminal(
      ['--yes', 'wallet', 'transfer', '--signer-uri', '//Bob', '--dest', ALICE, '--amount', '1'],
      '\u0003',
      'waiting for inclusion',
      slow.url,
    );
    expect(r.code, r.output).toBe(130);
    const hash = /submitted (0x[0-9a-f]{64})/.exec(r.output)?.[1];
    expect(hash).toBeDefined();
    expect(r.output).toContain(`transaction ${hash} was already submitted and may still be included`);
    expect((await slow.client.txStatus(hash!)).status).toBe('pending');
  });
});
