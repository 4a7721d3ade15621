/**
 * The chain seam (src/chain/chain.ts): --network / --node pick the backend once, the ledger backend never
 * loads the Subtensor one (nor @polkadot/api), a capability a backend lacks is E_UNSUPPORTED naming it before
 * anything connects, and the commands moved onto the seam no longer branch on the backend.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openChain } from '../../src/chain/chain.js';
import { isTaoError } from '../../src/core/errors.js';

const SRC = resolve(import.meta.dirname, '../../src');
const home = '/nonexistent-tao-home';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

async function errorOf(
  run: () => Promise<unknown>,
): Promise<{ code: string; exit: number; message: string }> {
  try {
    await run();
  } catch (error) {
    if (isTaoError(error)) return { code: error.code, exit: error.exitCode, message: error.message };
    throw error;
  }
  throw new Error('expected an error');
}

describe('the chain seam', () => {
  it('picks tao ledger for --node and http(s) networks, Subtensor for ws(s) and btcli names', async () => {
    const ledger = await openChain({ home, node: 'http://127.0.0.1:9944' });
    expect([ledger.backend, ledger.url]).toEqual(['ledger', 'http://127.0.0.1:9944']);
    const viaNetwork = await openChain({ home, node: 'http://x:1', network: 'http://127.0.0.1:9955' });
    expect([viaNetwork.backend, viaNetwork.url]).toEqual(['ledger', 'http://127.0.0.1:9955']);
    const ws = await openChain({ home, node: 'http://x:1', network: 'ws://127.0.0.1:1' });
    expect([ws.backend, ws.url]).toEqual(['subtensor', 'ws://127.0.0.1:1']);
    const finney = await openChain({ home, node: 'http://x:1', network: 'finney' });
    expect([finney.backend, finney.url]).toEqual(['subtensor', 'wss://entrypoint-finney.opentensor.ai:443']);
    await Promise.all([ledger, viaNetwork, ws, finney].map((c) => c.close()));
  });

  it('a capability Subtensor lacks is E_UNSUPPORTED naming it, before anything connects', async () => {
    // Port 1 answers nothing: any connection attempt would be E_NODE_UNREACHABLE instead.
    const chain = await openChain({ home, node: 'http://x:1', network: 'ws://127.0.0.1:1' });
    const e = await errorOf(() => chain.stakes({}));
    expect(e).toMatchObject({ code: 'E_UNSUPPORTED', exit: 2 });
    expect(e.message).toContain('Subtensor');
    expect(chain.capabilities).toMatchObject({ stakeIndex: false, faucet: false, rootStakeTable: false });
    await chain.close();
  });

  it('the ledger backend loads neither the Subtensor backend nor @polkadot', () => {
    const loads = sources(join(SRC, 'chain/ledger')).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)]
        .map((m) => m[1] as string)
        .filter((p) => p.includes('subtensor') || p.startsWith('@polkadot')),
    );
    expect(loads).toEqual([]);
    // chain.ts reaches the backends only through dynamic imports.
    const seam = readFileSync(join(SRC, 'chain/chain.ts'), 'utf8');
    expect(seam).not.toMatch(/^import[^;]*from '\.\/(subtensor|ledger)\//m);
  });

  it('the commands on the seam do not branch on the backend', () => {
    const moved = [
      'cli/subnet-read.ts',
      'cli/subnet-actions.ts',
      'cli/wallet-ledger.ts',
      'cli/weights.ts',
      'cli/stake-trade.ts',
    ];
    const branches = (text: string) => /networkOf\(|subtensorUrl\(|backend === '|backend !== '/.test(text);
    const branching = moved.filter((f) => branches(readFileSync(join(SRC, f), 'utf8')));
    expect(branching).toEqual([]);
    // stake add / remove (handleStake); stake move / transfer still branch.
    const stake = readFileSync(join(SRC, 'cli/stake.ts'), 'utf8');
    const start = stake.indexOf('export async function handleStake(');
    const handleStake = stake.slice(start, stake.indexOf('\nexport ', start + 1));
    expect(handleStake).toContain('stakeTrade(');
    expect(branches(handleStake)).toBe(false);
  });
});
