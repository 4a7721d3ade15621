/**
 * The Subnets view (6): its pure model (emission share in basis points, own alpha per netuid, the note
 * where the chain has no pools) and frames rendered from a snapshot as each backend's feed fills it:
 * tao's ledger (no pools: one line says so, pool columns "-") and Subtensor (pools, prices, own alpha).
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { LEDGER_NO_POOLS, ledgerSubnets } from '../../src/tui/data/chain-feed.js';
import type { SubnetsState } from '../../src/tui/data/types.js';
import type { SubnetSummary } from '../../src/chain/subtensor/subnets.js';
import { stakeEntries, subtensorBlocksToEpoch, subtensorSubnets } from '../../src/tui/data/subtensor-feed.js';
import { percentText, shareBasisPoints, subnetsModel } from '../../src/tui/subnets-model.js';
import { baseSnapshot, consoleTree, KEYS, OWN_HOTKEY, RecordingSource, renderAt } from './fixtures.js';

afterEach(() => cleanup());

const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(ANSI, '');

const TAO = 1_000_000_000n;

/** Two subnets with pools as the Subtensor feed fills them (root has no emission). */
const SUBTENSOR_SUBNETS: SubnetsState = {
  poolsMissing: null,
  rows: [
    {
      netuid: 0,
      name: 'root',
      symbol: 'Τ',
      tempo: 100,
      n: 1,
      maxUids: 64,
      price: TAO,
      taoIn: 0n,
      alphaIn: 0n,
      emission: 0n,
    },
    {
      netuid: 1,
      name: 'apex',
      symbol: 'α',
      tempo: 360,
      n: 12,
      maxUids: 256,
      price: 1_103_412_345n,
      taoIn: 1_100_299_076_829n,
      alphaIn: 909_372_654_669n,
      emission: 3n * 250_000_000n,
    },
    {
      netuid: 2,
      name: 'omron',
      symbol: 'β',
      tempo: 10,
      n: 3,
      maxUids: 4096,
      price: 500_000_000n,
      taoIn: 1000n * TAO,
      alphaIn: 2000n * TAO,
      emission: 250_000_000n,
    },
  ],
};

describe('subnets model', () => {
  it('shares emission in basis points, rounding down, and formats them exactly', () => {
    expect(shareBasisPoints(1n, 3n)).toBe(3333);
    expect(shareBasisPoints(0n, 0n)).toBe(0);
    expect(percentText(3333)).toBe('33.33');
    expect(percentText(10_000)).toBe('100.00');
    expect(percentText(5)).toBe('0.05');
    const model = subnetsModel(SUBTENSOR_SUBNETS, []);
    expect(model.totalEmission).toBe(1_000_000_000n);
    expect(model.rows.map((r) => r.shareBp)).toEqual([0, 7500, 2500]);
    expect(model.note).toBeNull();
  });

  it('sums own alpha per netuid over hotkeys; zero where none', () => {
    const stakes = [
      { hotkey: OWN_HOTKEY, amount: 5n * TAO, netuid: 1, alpha: 4n * TAO },
      { hotkey: 'other', amount: 1n, netuid: 1, alpha: 7n },
      { hotkey: OWN_HOTKEY, amount: 1n, netuid: 2, alpha: 2n * TAO },
    ];
    const rows = subnetsModel(SUBTENSOR_SUBNETS, stakes).rows;
    expect(rows.map((r) => r.ownAlpha)).toEqual([0n, 4n * TAO + 7n, 2n * TAO]);
  });

  it('leaves pools, share and per-subnet stake empty on tao ledger, with the note', () => {
    const state = ledgerSubnets([
      {
        netuid: 1,
        owner: 'x',
        n: 16,
        maxUids: 4096,
        tempo: 100,
        burn: 0n,
        pendingEmission: 5n,
        lastEpoch: 1,
      },
    ]);
    const model = subnetsModel(state, [{ hotkey: OWN_HOTKEY, amount: 5n * TAO }]);
    expect(model.note).toBe(LEDGER_NO_POOLS);
    expect(model.totalEmission).toBeNull();
    expect(model.rows).toEqual([
      {
        netuid: 1,
        name: '',
        symbol: '',
        tempo: 100,
        n: 16,
        maxUids: 4096,
        price: null,
        taoIn: null,
        alphaIn: null,
        emission: null,
        shareBp: null,
        ownAlpha: null,
      },
    ]);
  });

  it('is empty (loading) before the first fetch', () => {
    expect(subnetsModel(null, [])).toEqual({ rows: [], note: null, totalEmission: null });
  });
});

describe('Subnets view frames', () => {
  it('on tao ledger: one line says there are no pools, and pool columns show "-"', async () => {
    const snapshot = baseSnapshot();
    snapshot.subnets = ledgerSubnets([
      {
        netuid: 1,
        owner: 'x',
        n: 16,
        maxUids: 4096,
        tempo: 100,
        burn: 0n,
        pendingEmission: 0n,
        lastEpoch: 1,
      },
      { netuid: 3, owner: 'y', n: 2, maxUids: 64, tempo: 7, burn: 0n, pendingEmission: 0n, lastEpoch: 1 },
    ]);
    const r = await renderAt(consoleTree(new RecordingSource(snapshot), { view: 'subnets' }), 80, 24);
    const f = plain(r.frame());
    expect(f).toContain('6 Subnets');
    expect(f).toContain("tao's ledger has no subnet pools");
    expect(f).toMatch(/^\S? +1 +- +- +- +- +- +100 +16 +- *$/m);
    expect(f).toMatch(/^\S? +3 +- +- +- +- +- +7 +2 +- *$/m);
    for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('on Subtensor: price, pools, emission share, tempo, n and your alpha at 80x24; enter opens Ranking', async () => {
    const snapshot = baseSnapshot();
    snapshot.subnets = SUBTENSOR_SUBNETS;
    snapshot.own = {
      ...snapshot.own!,
      stakes: [{ hotkey: OWN_HOTKEY, amount: 4_413_649_380n, netuid: 1, alpha: 4n * TAO }],
    };
    const source = new RecordingSource(snapshot);
    const r = await renderAt(consoleTree(source, { view: 'subnets' }), 80, 24);
    const f = plain(r.frame());
    expect(f).toContain('3 subnets');
    expect(f).not.toContain('no subnet pools');
    expect(f).toMatch(/^\S? +0 +Τ root +1\.0000 +0\.00 +0\.00 +0\.00 +100 +1 +0\.0000 *$/m);
    expect(f).toMatch(/^● +1 +α apex +1\.1034 +1100\.29 +909\.37 +75\.00 +360 +12 +4\.0000 *$/m);
    expect(f).toMatch(/^\S? +2 +β omron +0\.5000 +1000\.00 +2000\.00 +25\.00 +10 +3 +0\.0000 *$/m);
    for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    await r.press(KEYS.down, KEYS.down, KEYS.enter);
    expect(source.calls).toContainEqual({ op: 'setNetuid', netuid: 2 });
    expect(plain(r.frame())).toContain('Ranking');
  });

  it('sorts by the next column with s and filters by name with /', async () => {
    const snapshot = baseSnapshot();
    snapshot.subnets = SUBTENSOR_SUBNETS;
    const r = await renderAt(consoleTree(new RecordingSource(snapshot), { view: 'subnets' }), 100, 30);
    await r.type('/');
    await r.type('omr');
    await r.press(KEYS.enter);
    const f = plain(r.frame());
    expect(f).toContain('/omr: 1/3');
    expect(f).toContain('omron');
    expect(f).not.toContain('apex');
  });
});

describe('the Subtensor feed fills the same snapshot', () => {
  const summary = (netuid: number, over: Partial<SubnetSummary> = {}): SubnetSummary => ({
    netuid,
    name: `sn${netuid}`,
    symbol: 'α',
    ownerColdkey: 'c',
    ownerHotkey: 'h',
    tempo: 10,
    taoIn: 1000n * TAO,
    alphaIn: 1000n * TAO,
    alphaOut: 0n,
    taoInEmission: 1n,
    registeredAt: 0,
    price: TAO,
    n: 1,
    maxUids: 256,
    burn: 0n,
    lastStep: 0,
    firstEmissionBlock: null,
    ...over,
  });

  it('subnets ordered by netuid with their pools; stakes valued at the spot price, rounded down', () => {
    const state = subtensorSubnets([summary(2, { price: 1_209_780_724n }), summary(0)]);
    expect(state.poolsMissing).toBeNull();
    expect(state.rows.map((r) => [r.netuid, r.price, r.emission])).toEqual([
      [0, TAO, 1n],
      [2, 1_209_780_724n, 1n],
    ]);
    const stakes = stakeEntries(
      [{ coldkey: 'c', hotkey: 'h', netuid: 2, alpha: 105_059_460_088n }],
      new Map([[2, 1_209_780_724n]]),
    );
    // 105.059460088 α × 1.209780724 τ/α = 127.098909688… τ (the devnet's `tao wallet balance` staked)
    expect(stakes).toEqual([{ hotkey: 'h', netuid: 2, alpha: 105_059_460_088n, amount: 127_098_909_688n }]);
  });

  it("next epoch follows Subtensor's blocks_until_next_epoch: tempo - (block + netuid + 1) % (tempo + 1)", () => {
    expect(subtensorBlocksToEpoch(60, 1, 100)).toBe(38);
    expect(subtensorBlocksToEpoch(7, 2, 10)).toBe(0); // the epoch runs in this block
    expect(subtensorBlocksToEpoch(8, 2, 10)).toBe(10);
    expect(subtensorBlocksToEpoch(5, 1, 0)).toBeNull();
  });
});
