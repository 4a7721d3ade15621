import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/crypto/hex.js';
import { signTx } from '../../src/crypto/tx.js';
import { devGenesis } from '../../src/ledger/state/genesis.js';
import { LedgerNode } from '../../src/ledger/node/node.js';
import { key, TAO } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const alice = () => key('//Alice', 'sr25519');

async function nodeWithTransfers(count: number): Promise<{ dir: string; hashes: string[]; head: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tao-store-'));
  dirs.push(dir);
  const node = await LedgerNode.open({
    dataDir: dir,
    genesis: () => devGenesis(1_700_000_000_000),
    blockTimeMs: 0,
  });
  const genesisHash = fromHex(node.genesisHash);
  const hashes: string[] = [];
  for (let nonce = 0; nonce < count; nonce++) {
    const dest = key(`//store-dest-${nonce}`).address;
    hashes.push(
      node.submit(
        signTx(alice().pair, {
          genesisHash,
          nonce,
          expiry: 1000,
          call: { type: 'transfer', dest, amount: String(TAO) },
        }),
      ),
    );
    await node.mine(1); // one transfer per block
  }
  const head = node.head.number;
  await node.stop();
  return { dir, hashes, head };
}

describe('chain store tx index', () => {
  it('rebuilds the index of blocks a crash left unindexed when the store opens', async () => {
    const { dir, hashes, head } = await nodeWithTransfers(3);
    // What a crash between a block's synced batch and its (unsynced) index batch leaves behind: the blocks
    // and head are there, the index of the last two blocks is not.
    const db = new ClassicLevel<string, string>(dir, { valueEncoding: 'utf8' });
    await db.open();
    expect(await db.get('ti')).toBe(String(head));
    await db.batch([
      { type: 'del', key: `t${hashes[1]}` },
      { type: 'del', key: `t${hashes[2]}` },
      { type: 'put', key: 'ti', value: String(head - 2) },
    ]);
    await db.close();

    const node = await LedgerNode.open({ dataDir: dir, genesis: () => devGenesis(0), blockTimeMs: 0 });
    try {
      const statuses = await Promise.all(hashes.map((h) => node.txStatus(h)));
      expect(statuses).toEqual([
        { status: 'included', block: head - 2 },
        { status: 'included', block: head - 1 },
        { status: 'included', block: head },
      ]);
    } finally {
      await node.stop();
    }
    const check = new ClassicLevel<string, string>(dir, { valueEncoding: 'utf8' });
    await check.open();
    expect(await check.get('ti')).toBe(String(head));
    await check.close();
  });

  it('indexes a store written before the index had its own marker (no `ti`) from its blocks as they are', async () => {
    const { dir, hashes, head } = await nodeWithTransfers(1);
    const db = new ClassicLevel<string, string>(dir, { valueEncoding: 'utf8' });
    await db.open();
    await db.del('ti');
    await db.close();
    const node = await LedgerNode.open({ dataDir: dir, genesis: () => devGenesis(0), blockTimeMs: 0 });
    try {
      expect(await node.txStatus(hashes[0]!)).toEqual({ status: 'included', block: head });
    } finally {
      await node.stop();
    }
  });
});
