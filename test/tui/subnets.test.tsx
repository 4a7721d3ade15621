/**
 * The Subnets view (6): its pure model (emission share in basis points, own alpha per netuid, the note
 * where a node has no pools) and frames rendered from a snapshot as each backend's feed fills it: tao's
 * ledger (subnet_list's pools, decoded from the wire) and Subtensor (pools, prices, own alpha), same columns.
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSubnets } from '../../src/client/decode.js';
import { LEDGER_NO_POOLS, ledgerStakes, ledgerSubnets } from '../../src/tui/data/chain-feed.js';
import type { SubnetsState } from '../../src/tui/data/types.js';
import type { SubnetSummary } from '../../src/chain/subtensor/subnets.js';
import { stakeEntries, subtensorBlocksToEpoch, subtensorSubnets } from '../../src/tui/data/subtensor-feed.js';
import { percentText, shareBasisPoints, subnetsModel } from '../../src/tui/subnets-model.js';
import { baseSnapshot, consoleTree, KEYS, OWN_HOTKEY, RecordingSource, renderAt } from './fixtures.js';

afterEach(() => cleanup());

const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(ANSI, '');

const TAO = 1_000_000_000n;

/** A subnet_list entry as tao's ledger sends it (docs/rpc.md), with its pool unless `pool` is false. */
const wireSubnet = (
  netuid: number,
  o: {
    n: number;
    tempo: number;
    started?: boolean;
    price?: bigint;
    taoIn?: bigint;
    alphaIn?: bigint;
    taoEmission?: bigint;
  },
  pool = true,
) => ({
  netuid,
  owner: 'x',
  n: o.n,
  max_uids: 4096,
  tempo: o.tempo,
  burn: '0',
  pending_emission: '0',
  last_epoch: 1,
  ...(pool
    ? {
        started: o.started ?? true,
        first_emission_block: o.started === false ? null : 1,
        price: String(o.price ?? TAO),
        tao_in: String(o.taoIn ?? 1000n * TAO),
        alpha_in: String(o.alphaIn ?? 1000n * TAO),
        alpha_out: '0',
        tao_emission: String(o.taoEmission ?? 0n),
        pool_state: { sqrt_price: String(1n << 64n), liquidity: String(1000n * TAO), fee_rate: 0 },
      }
    : {}),
});

/** Two ledger subnets: 1 started (price 1.2, 3/4 of the emission), 4 started, 7 created and not started. */
const LEDGER_SUBNETS = decodeSubnets({
  subnets: [
    wireSubnet(4, {
      n: 2,
      tempo: 7,
      price: 500_000_000n,
      taoIn: 50n * TAO,
      alphaIn: 100n * TAO,
      taoEmission: 250_000_000n,
    }),
    wireSubnet(1, {
      n: 16,
      tempo: 100,
      price: 1_200_000_000n,
      taoIn: 1_096_910_013_008n,
      alphaIn: 912_870_929_175n,
      taoEmission: 750_000_000n,
    }),
    wireSubnet(7, { n: 0, tempo: 10, started: false }),
  ],
});

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

  it("fills tao ledger's rows from subnet_list's pools: share = tao_emission / Σ, root and α stakes per netuid", () => {
    const state = ledgerSubnets(LEDGER_SUBNETS);
    expect(state.poolsMissing).toBeNull();
    const stakes = ledgerStakes({
      stakes: [{ coldkey: 'c', hotkey: OWN_HOTKEY, amount: String(5n * TAO), take: 0 }],
      alpha_stakes: [
        { coldkey: 'c', hotkey: OWN_HOTKEY, netuid: 4, alpha: '7', value: '3', take: 0 },
        {
          coldkey: 'c',
          hotkey: OWN_HOTKEY,
          netuid: 1,
          alpha: String(4n * TAO),
          value: String(4_800_000_000n),
          take: 0,
        },
      ],
    });
    expect(stakes).toEqual([
      { hotkey: OWN_HOTKEY, amount: 5n * TAO, netuid: 0, alpha: 5n * TAO },
      { hotkey: OWN_HOTKEY, amount: 4_800_000_000n, netuid: 1, alpha: 4n * TAO },
      { hotkey: OWN_HOTKEY, amount: 3n, netuid: 4, alpha: 7n },
    ]);
    const model = subnetsModel(state, stakes);
    expect(model.note).toBeNull();
    expect(model.totalEmission).toBe(1_000_000_000n);
    expect(
      model.rows.map((r) => [r.netuid, r.price, r.taoIn, r.alphaIn, r.shareBp, r.started, r.ownAlpha]),
    ).toEqual([
      [1, 1_200_000_000n, 1_096_910_013_008n, 912_870_929_175n, 7500, true, 4n * TAO],
      [4, 500_000_000n, 50n * TAO, 100n * TAO, 2500, true, 7n],
      [7, TAO, 1000n * TAO, 1000n * TAO, 0, false, 0n],
    ]);
  });

  it('leaves pools and share empty, with the note, on a node from before subnet pools', () => {
    const state = ledgerSubnets(decodeSubnets({ subnets: [wireSubnet(1, { n: 16, tempo: 100 }, false)] }));
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
        started: null,
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
  it("on tao ledger: the pools' price, τ and α, emission share, tempo, n and your α at 80x24, as on Subtensor", async () => {
    const snapshot = baseSnapshot();
    snapshot.subnets = ledgerSubnets(LEDGER_SUBNETS);
    snapshot.own = {
      ...snapshot.own!,
      stakes: [
        { hotkey: OWN_HOTKEY, amount: 5n * TAO, netuid: 0, alpha: 5n * TAO },
        { hotkey: OWN_HOTKEY, amount: 4_800_000_000n, netuid: 1, alpha: 4n * TAO },
      ],
    };
    const r = await renderAt(consoleTree(new RecordingSource(snapshot), { view: 'subnets' }), 80, 24);
    const f = plain(r.frame());
    expect(f).toContain('6 Subnets');
    expect(f).toContain('3 subnets');
    expect(f).not.toContain('no subnet pools');
    expect(f).not.toContain('predates');
    expect(f).toMatch(/^▶ +1 +- +1\.2000 +1096\.91 +912\.87 +75\.00 +100 +16 +4\.0000 *$/m);
    expect(f).toMatch(/^\S? +4 +- +0\.5000 +50\.00 +100\.00 +25\.00 +7 +2 +0\.0000 *$/m);
    expect(f).toMatch(/^\S? +7 +not started +1\.0000 +1000\.00 +1000\.00 +0\.00 +10 +0 +0\.0000 *$/m);
    for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('on a ledger from before subnet pools: one line says so, and pool columns show "-"', async () => {
    const snapshot = baseSnapshot();
    snapshot.subnets = ledgerSubnets(decodeSubnets({ subnets: [wireSubnet(3, { n: 2, tempo: 7 }, false)] }));
    const r = await renderAt(consoleTree(new RecordingSource(snapshot), { view: 'subnets' }), 80, 24);
    const f = plain(r.frame());
    expect(f).toContain('predates subnet pools');
    expect(f).toMatch(/^\S? +3 +- +- +- +- +- +7 +2 +- *$/m);
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
