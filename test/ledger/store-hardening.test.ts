/**
 * Damaged chain data is refused with E_STORAGE (exit 2) naming the path, never silently rebuilt and never
 * reported as a bug: a lost CURRENT file, a hole a corrupted write-ahead log left, corrupted or truncated
 * tables. Real LevelDB data dirs, damaged the way a disk or an operator damages them.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterAll, describe, expect, it } from 'vitest';
import { TaoError } from '../../src/core/errors.js';
import { devGenesis } from '../../src/ledger/state/genesis.js';
import { LedgerNode } from '../../src/ledger/node/node.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'tao-harden-'));
  dirs.push(d);
  return d;
};

const open = (dataDir: string) =>
  LedgerNode.open({
    dataDir,
    genesis: () => devGenesis(1_800_000_000_000),
    blockTimeMs: 0,
    verifyWorkers: 0,
  });

/** A chain of `blocks` empty blocks; `flushed` of them moved from the log into .ldb tables by a reopen. */
async function chain(blocks: number, flushed = 0): Promise<string> {
  const dir = tempDir();
  let node = await LedgerNode.open({
    dataDir: dir,
    genesis: () => devGenesis(1_700_000_000_000),
    blockTimeMs: 0,
    verifyWorkers: 0,
  });
  await node.mine(flushed);
  if (flushed > 0) {
    await node.stop();
    node = await open(dir); // LevelDB writes the recovered log into a level-0 table
  }
  await node.mine(blocks - flushed);
  await node.stop();
  return dir;
}

const files = (dir: string, ext: string) => readdirSync(dir).filter((f) => f.endsWith(ext));

async function refusal(dir: string): Promise<TaoError> {
  const e = await open(dir).then(
    async (n) => {
      await n.stop();
      throw new Error(`the node opened the damaged chain at block ${n.head.number}`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TaoError);
  return e as TaoError;
}

describe('a damaged data dir is refused, not rebuilt', () => {
  it('refuses a data dir whose LevelDB CURRENT file is gone, and keeps its tables', async () => {
    const dir = await chain(60, 40);
    const tables = files(dir, '.ldb');
    expect(tables.length).toBeGreaterThan(0);
    rmSync(join(dir, 'CURRENT'));
    const e = await refusal(dir);
    expect([e.code, e.exitCode]).toEqual(['E_STORAGE', 2]);
    expect(e.message).toContain(dir);
    expect(e.message).toContain('CURRENT');
    // LevelDB would have made a new database and deleted the old tables; they are all still there.
    expect(files(dir, '.ldb')).toEqual(tables);
    expect(existsSync(join(dir, 'CURRENT'))).toBe(false);
  });

  it('refuses to write a genesis into a non-empty directory that holds no chain', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'not a chain\n');
    const e = await refusal(dir);
    expect([e.code, e.exitCode]).toEqual(['E_STORAGE', 2]);
    expect(e.message).toContain(dir);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses a database that has blocks but lost its genesis record', async () => {
    const dir = await chain(5);
    const db = new ClassicLevel<string, string>(dir, { valueEncoding: 'utf8' });
    await db.open();
    await db.del('g');
    await db.close();
    const e = await refusal(dir);
    expect([e.code, e.exitCode]).toEqual(['E_STORAGE', 2]);
    expect(e.message).toContain(dir);
  });

  it('still creates a chain in a missing or empty directory, or one an interrupted first open left', async () => {
    const parent = tempDir();
    for (const dir of [join(parent, 'new'), join(parent, 'empty'), join(parent, 'interrupted')]) {
      if (!dir.endsWith('new')) mkdirSync(dir);
      if (dir.endsWith('interrupted')) for (const f of ['LOCK', 'LOG']) writeFileSync(join(dir, f), '');
      const node = await open(dir);
      expect(node.created).toBe(true);
      expect(node.head.number).toBe(0);
      await node.stop();
      const again = await open(dir);
      expect(again.created).toBe(false);
      await again.stop();
    }
  });
});

describe('a hole in the chain is found when the node opens', () => {
  it('refuses a chain whose corrupted write-ahead log lost a block, naming the first missing block', async () => {
    const dir = await chain(800);
    const [log] = files(dir, '.log');
    const bytes = readFileSync(join(dir, log!));
    const at = Math.floor(bytes.length / 2);
    for (let i = at; i < at + 100; i++) bytes[i]! ^= 0x5a;
    writeFileSync(join(dir, log!), bytes);

    // What LevelDB recovers: the head is still there, a block in the middle is not (found here with
    // LevelDB itself, independently of the node).
    const db = new ClassicLevel<string, string>(dir, { valueEncoding: 'utf8' });
    await db.open();
    const head = JSON.parse((await db.get('head'))!) as { number: number };
    let missing = -1;
    for (let n = 0; n <= head.number && missing < 0; n++)
      if ((await db.get(`b${String(n).padStart(12, '0')}`)) === undefined) missing = n;
    await db.close();
    expect(head.number).toBe(800);
    expect(missing).toBeGreaterThan(0);

    const e = await refusal(dir);
    expect([e.code, e.exitCode]).toEqual(['E_STORAGE', 2]);
    expect(e.message).toContain(`block ${missing} is missing`);
    expect(e.message).toContain(dir);
  });

  it('refuses a chain whose blocks do not link (a block from another chain)', async () => {
    const dir = await chain(6);
    const other = await chain(6);
    const a = new ClassicLevel<string, string>(other, { valueEncoding: 'utf8' });
    await a.open();
    const foreign = (await a.get('b000000000003'))!;
    await a.close();
    const db = new ClassicLevel<string, string>(dir, { valueEncoding: 'utf8' });
    await db.open();
    await db.put('b000000000003', foreign);
    await db.close();
    const e = await refusal(dir);
    expect([e.code, e.exitCode]).toEqual(['E_STORAGE', 2]);
    expect(e.message).toContain('block 3 does not link to block 2');
  });
});

describe('corrupted tables are E_STORAGE with the file, not a bug', () => {
  it.each([
    [
      'corrupted',
      (b: Buffer) => {
        for (let i = 64; i < b.length - 64; i += 97) b[i]! ^= 0xff;
        return b;
      },
    ],
    ['truncated', (b: Buffer) => b.subarray(0, Math.floor(b.length / 3))],
  ])('refuses a %s .ldb table with E_STORAGE and what to do', async (what, damage) => {
    const dir = await chain(50, 50);
    const [table] = files(dir, '.ldb');
    expect(table).toBeDefined();
    writeFileSync(join(dir, table!), damage(readFileSync(join(dir, table!))));
    const e = await refusal(dir);
    expect([e.code, e.exitCode]).toEqual(['E_STORAGE', 2]);
    expect(e.message).toContain(dir);
    expect(e.message).not.toContain('this is a bug');
    if (what === 'truncated') expect(e.message).toContain(table); // LevelDB names the file it cannot read
    expect(e.hint).toMatch(/backup|reset/);
  });
});
