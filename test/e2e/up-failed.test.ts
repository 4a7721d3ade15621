/**
 * A `tao up` that fails (its RPC port taken by something that is not a tao node) undoes what it started:
 * no supervisor it launched keeps running, a supervisor that ran before keeps running with what it had,
 * and every wallet it made is recorded, so `tao down --purge` deletes exactly those. Ctrl-C while it starts
 * the peers is a failure too: exit 130, and the node and peers it started are stopped. The real binary.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningSupervisorPid } from '../../src/supervisor/client.js';
import { pidAlive } from '../../src/supervisor/instance.js';
import { processesUsing } from '../../src/up/busy.js';
import { parseJson, runTao, TAO_BIN, tempHome } from '../helpers/tao.js';
import { freePort } from './node-helpers.js';

let blocker: Server;
let port: number;

beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  port = (blocker.address() as { port: number }).port;
});

afterAll(() => blocker.close());

const upWallets = (home: string) =>
  readdirSync(join(home, 'wallets'))
    .filter((w) => w.startsWith('up-'))
    .sort();

async function failedUp(home: string) {
  const r = await runTao(['--json', 'up', '--headless', '--rpc-port', String(port)], {
    home,
    timeoutMs: 60_000,
  });
  expect(r.code, r.stderr).toBe(2);
  expect((JSON.parse(r.stderr) as { error: { code: string } }).error.code).toBe('E_PORT_IN_USE');
  return r;
}

describe('a failed tao up', () => {
  it('leaves no process behind and every wallet it made recorded; down --purge deletes them', async () => {
    const { home, cleanup } = tempHome('tao-up-failed-');
    try {
      await failedUp(home);
      expect(await runningSupervisorPid(home)).toBeNull();
      expect(processesUsing([home])).toEqual([]);
      const made = upWallets(home);
      expect(made).toHaveLength(10);
      const state = JSON.parse(readFileSync(join(home, 'up', 'state.json'), 'utf8')) as {
        created_wallets: string[];
        rpc_url?: string;
      };
      expect(state.created_wallets).toEqual(made);
      // The port it never served on is not recorded as this home's market.
      expect(state.rpc_url).toBeUndefined();

      const down = await runTao(['--json', 'down', '--purge'], { home });
      expect(down.code, down.stderr).toBe(0);
      expect(upWallets(home)).toEqual([]);
      expect(readdirSync(join(home, 'wallets'))).toEqual(['default']);
    } finally {
      cleanup();
    }
  }, 90_000);

  it('keeps a supervisor that ran before it, with nothing of its own left in it', async () => {
    const { home, cleanup } = tempHome('tao-up-failed-');
    try {
      const started = await runTao(['--json', 'daemon', 'start'], { home });
      expect(started.code, started.stderr).toBe(0);
      const pid = await runningSupervisorPid(home);
      expect(pid).not.toBeNull();
      await failedUp(home);
      expect(await runningSupervisorPid(home)).toBe(pid);
      const status = await runTao(['--json', 'daemon', 'status'], { home });
      expect(parseJson<{ children: unknown[] }>(status).children).toEqual([]);
      await runTao(['daemon', 'stop'], { home });
      expect(pidAlive(pid!)).toBe(false);
    } finally {
      cleanup();
    }
  }, 90_000);

  it('Ctrl-C while it starts the peers exits 130 and stops the node, the peers and its supervisor', async () => {
    const { home, cleanup } = tempHome('tao-up-cancel-');
    try {
      const args = [
        'up',
        '--headless',
        '--rpc-port',
        String(await freePort()),
        '--good',
        '0',
        '--device',
        'cpu',
      ];
      args.push('--peer-port', String(20_000 + Math.floor(Math.random() * 20_000)));
      const env: Record<string, string | undefined> = { ...process.env, TAO_HOME: home, NO_COLOR: '1' };
      for (const key of ['TAO_PASSWORD', 'TAO_NODE', 'TAO_WALLET', 'TAO_HOTKEY', 'TAO_NETWORK'])
        delete env[key];
      const child = spawn(process.execPath, [TAO_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let sent = false;
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!sent && stderr.includes('[5/6] starting peers')) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(sent, stderr).toBe(true);
      expect(code, stderr).toBe(130);
      expect(stderr).toContain('tao up stopped what it had started');
      expect(await runningSupervisorPid(home)).toBeNull();
      expect(processesUsing([home])).toEqual([]);
    } finally {
      cleanup();
    }
  }, 120_000);
});
