/**
 * A chain an older tao created (before dynamic TAO: its genesis names no `economics`) is refused by the
 * node and by `verifyChain`, with E_OLD_CHAIN and the way to a new chain, never misread.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devGenesis } from '../../src/ledger/state/genesis.js';
import { LedgerNode } from '../../src/ledger/node/node.js';
import { verifyChain } from '../../src/ledger/node/verify.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('chains from before dynamic TAO', () => {
  it('are refused by the node and by verify with E_OLD_CHAIN naming tao node reset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tao-old-chain-'));
    dirs.push(dir);
    const old = devGenesis(1_700_000_000_000, 10);
    const { economics: _gone, ...params } = old.params;
    const node = await LedgerNode.open({
      dataDir: dir,
      genesis: () => ({ ...old, params: params as typeof old.params }),
      blockTimeMs: 0,
    });
    await node.stop();
    const refusal = await LedgerNode.open({ dataDir: dir, genesis: () => old, blockTimeMs: 0 }).then(
      () => null,
      (e: unknown) => e as { code: string; message: string; hint?: string },
    );
    expect(refusal?.code).toBe('E_OLD_CHAIN');
    expect(refusal?.message).toContain('older tao');
    expect(refusal?.hint).toContain('tao node reset');
    const verified = await verifyChain(dir).then(
      () => null,
      (e: unknown) => e as { code: string },
    );
    expect(verified?.code).toBe('E_OLD_CHAIN');
    // a chain of this tao opens
    const fresh = mkdtempSync(join(tmpdir(), 'tao-new-chain-'));
    dirs.push(fresh);
    const ok = await LedgerNode.open({ dataDir: fresh, genesis: () => old, blockTimeMs: 0 });
    await ok.stop();
    const again = await LedgerNode.open({ dataDir: fresh, genesis: () => old, blockTimeMs: 0 });
    expect(again.head.number).toBe(0);
    await again.stop();
  });
});
