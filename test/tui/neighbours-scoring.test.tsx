/**
 * The Neighbours view's scoring mode and weights schedule: the peer's real `/status` JSON parsed by the
 * console (subset mode → "semivalues … not pure leave-one-out"), and "pending" instead of a stale due
 * block while a weights tx is in flight.
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Scorer } from '../../src/peer/runtime/scorer.js';
import { peerStatusJson } from '../../src/peer/runtime/status.js';
import { peerScoringOf } from '../../src/tui/data/types.js';
import { scoringModeLabel, scoringModeNote, weightsScheduleText } from '../../src/tui/views/Neighbours.js';
import { baseSnapshot, consoleTree, RecordingSource, renderAt } from './fixtures.js';

afterEach(() => cleanup());

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** The /status body of a validator peer with `K` neighbours and `--max-neighbours k` (no round run). */
function statusBody(K: number, k: number): unknown {
  const scorer = new Scorer({
    batch: 64,
    maxNeighbours: k,
    queryAll: () => Promise.reject(new Error('not queried in this test')),
    join: { run: () => Promise.reject(new Error('not run in this test')) },
  });
  const neighbours = Array.from({ length: K }, (_, i) => ({
    uid: i + 1,
    hotkey: `hk${i + 1}`,
    ip: '127.0.0.1',
    port: 9000 + i,
  }));
  const body = peerStatusJson({
    name: 'v',
    flavour: 'own',
    hotkey: 'hk0',
    uid: 0,
    netuid: 1,
    device: { requested: 'cpu', device: 'cpu', reason: 'test', gpus: null },
    startedAt: 0,
    scorer,
    neighbours,
    note: null,
    lastWeightsTx: null,
    nextWeightsDue: null,
    head: null,
    axon: { served: 0, rejected: {}, running: 0, waiting: 0 },
  });
  return JSON.parse(JSON.stringify(body)); // as it crosses HTTP
}

describe('scoring mode from the peer /status', () => {
  it('reads subset mode and pure leave-one-out from the JSON the peer serves', () => {
    expect(peerScoringOf(statusBody(256, 64))).toEqual({ mode: 'subset-semivalue', subsetSize: 64, of: 256 });
    expect(peerScoringOf(statusBody(8, 64))).toEqual({ mode: 'leave-one-out', subsetSize: 8, of: 8 });
    expect(peerScoringOf({})).toBeNull();
    expect(peerScoringOf({ scoring: { mode: 'shapley', subset_size: 1, of: 2 } })).toBeNull();
    expect(peerScoringOf(null)).toBeNull();
  });

  it('says plainly that subset scores are semivalues, not pure leave-one-out', () => {
    const subset = { mode: 'subset-semivalue', subsetSize: 64, of: 256 } as const;
    expect(scoringModeNote(subset)).toBe(
      'scores are semivalues over random coalitions of 64 of 256 neighbours (not pure leave-one-out)',
    );
    const narrow = scoringModeNote(subset, 80)!;
    expect([...narrow].length).toBeLessThanOrEqual(80);
    expect(narrow).toMatch(/semivalues.*64-of-256.*not leave-one-out/);
    expect(scoringModeNote({ mode: 'leave-one-out', subsetSize: 8, of: 8 })).toBeNull();
    expect(scoringModeNote(null)).toBeNull();
    expect(scoringModeLabel(subset)).toContain('64 of 256 sampled');
    expect(scoringModeLabel({ mode: 'leave-one-out', subsetSize: 8, of: 8 })).toContain('leave-one-out');
  });
});

describe('weights schedule line', () => {
  const tx = (status: 'pending' | 'included', block: number | null) => ({
    txHash: `0x${'cd'.repeat(32)}`,
    block,
    status,
  });
  it('shows "pending" instead of the stale due block while a weights tx is in flight', () => {
    // The peer computed #1300 from the previous set; the new tx has not landed yet.
    const text = weightsScheduleText(tx('pending', null), 1300, 1310);
    expect(text).toMatch(/pending; next: pending \(after this tx lands\)$/);
    expect(text).not.toContain('#1300');
  });
  it('shows the due block and the blocks left, or "now" when it is already due', () => {
    expect(weightsScheduleText(tx('included', 1200), 1300, 1234)).toMatch(
      /included in #1200; next due #1300 \(in 66 blocks\)$/,
    );
    expect(weightsScheduleText(tx('included', 1200), 1300, 1300)).toMatch(/next due #1300 \(now\)$/);
    expect(weightsScheduleText(null, null, 5)).toBe('no weights tx yet; next: unknown');
  });
});

describe('Neighbours view', () => {
  it('renders the subset-mode line and "pending" while a weights tx is in flight', async () => {
    const source = new RecordingSource({
      ...baseSnapshot(),
      peerScoring: { mode: 'subset-semivalue', subsetSize: 64, of: 256 },
      lastWeightsTx: { txHash: `0x${'ef'.repeat(32)}`, block: null, status: 'pending' },
      nextWeightsDue: 1300,
    });
    const r = await renderAt(consoleTree(source, { view: 'neighbours' }), 120, 24);
    const f = plain(r.frame());
    expect(f).toContain('64 of 256 sampled');
    expect(f).toContain(
      'scores are semivalues over random coalitions of 64 of 256 neighbours (not pure leave-one-out)',
    );
    expect(f).toContain('next: pending (after this tx lands)');
    expect(f).not.toContain('#1300');
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('fits the subset-mode header and line into 80x24', async () => {
    const source = new RecordingSource({
      ...baseSnapshot(),
      peerScoring: { mode: 'subset-semivalue', subsetSize: 64, of: 256 },
    });
    const r = await renderAt(consoleTree(source, { view: 'neighbours' }), 80, 24);
    const f = plain(r.frame());
    expect(f).toMatch(/pruning score \(Δloss when removed\), 64 of 256 sampled {2}3 neighbours/);
    expect(f).toContain('semivalues over random 64-of-256 coalitions, not leave-one-out');
    expect(f).toContain('next due #1300 (in 66 blocks)');
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
    for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('shows no semivalue line in pure leave-one-out mode', async () => {
    const source = new RecordingSource({
      ...baseSnapshot(),
      peerScoring: { mode: 'leave-one-out', subsetSize: 3, of: 3 },
    });
    const r = await renderAt(consoleTree(source, { view: 'neighbours' }), 80, 24);
    const f = plain(r.frame());
    expect(f).toContain('leave-one-out');
    expect(f).not.toContain('semivalue');
    expect(f).toContain('next due #1300 (in 66 blocks)');
  });
});
