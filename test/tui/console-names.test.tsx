/**
 * Issue 14 items 7 and 9 in the console: names for the peers the operator runs (Ranking, Neighbours and
 * the `/` filter; on Subtensor the coldkeys' chain identities), the Overview's uid list and validator dividends, OSC 52 copy of the selected address,
 * and the `:subnets` jump. The console is real; only the data source is a recording double.
 */
import chalk from 'chalk';
import { cleanup } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ledgerSubnets } from '../../src/tui/data/chain-feed.js';
import { identityNames } from '../../src/tui/data/subtensor-feed.js';
import { processNames } from '../../src/tui/data/supervisor-feed.js';
import { osc52, parsePalette } from '../../src/tui/intents.js';
import { hotkeyNames } from '../../src/tui/table-model.js';
import { ownUidsText, ownValidator } from '../../src/tui/views/Overview.js';
import {
  address,
  baseSnapshot,
  consoleTree,
  KEYS,
  makeNeurons,
  OWN_COLDKEY,
  OWN_HOTKEY,
  RecordingSource,
  renderAt,
} from './fixtures.js';

beforeAll(() => {
  chalk.level = 0;
});
afterEach(() => cleanup());

const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(ANSI, '');

/** The uid in the first column of each table row (rows start with the 2-char marker). */
const tableUids = (frame: string): number[] =>
  frame
    .split('\n')
    .map((l) => /^(?:[ ▶●>*]) +(\d+) /.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));

/** The fixture market with two supervised neighbours named as `tao up` names them. */
function namedSource(): RecordingSource {
  return new RecordingSource({
    ...baseSnapshot(),
    names: { [address(7)]: 'peer:noisy', [address(9)]: 'peer:good-0' },
  });
}

const child = (name: string, meta: Record<string, unknown>) =>
  ({ name, kind: 'peer', state: 'running', meta }) as never;

describe('names', () => {
  it('supervised peers are named by process; the same object comes back while nothing changed', () => {
    const children = [
      child('node', {}),
      child('peer:noisy', { hotkey: '5Noisy', flavour: 'noisy' }),
      child('peer:default', { hotkey: '5Own', flavour: 'own' }),
    ];
    const names = processNames(children);
    expect(names).toEqual({ '5Noisy': 'peer:noisy', '5Own': 'peer:default' });
    expect(processNames(children, names)).toBe(names);
    expect(processNames(children.slice(0, 2), names)).toEqual({ '5Noisy': 'peer:noisy' });
  });

  it('on Subtensor the chain identities name the hotkeys; the same object comes back while nothing changed', () => {
    const neurons = [
      { hotkey: '5A', identity: 'Alice Labs' },
      { hotkey: '5B', identity: null },
      { hotkey: '5C', identity: 'Alice Labs' }, // one coldkey's identity names each of its hotkeys
    ];
    const names = identityNames(neurons);
    expect(names).toEqual({ '5A': 'Alice Labs', '5C': 'Alice Labs' });
    expect(identityNames(neurons, names)).toBe(names);
    expect(identityNames(neurons.slice(0, 2), names)).toEqual({ '5A': 'Alice Labs' });
    // An identity wins over the own wallet's hotkey name, as a supervised process name does.
    const own = { walletName: 'w', hotkeys: [{ name: 'hk', ss58: '5A' }] };
    expect(hotkeyNames(names, own).get('5A')).toBe('Alice Labs');
  });

  it('own wallet hotkeys are wallet/hotkey unless a supervised process names them', () => {
    const own = { walletName: 'w', hotkeys: [{ name: 'hk', ss58: '5Own' }] };
    expect([...hotkeyNames(undefined, own)]).toEqual([['5Own', 'w/hk']]);
    expect([...hotkeyNames({ '5Own': 'peer:default', '5X': 'peer:x' }, own)]).toEqual([
      ['5Own', 'peer:default'],
      ['5X', 'peer:x'],
    ]);
  });

  it('Ranking shows a name column at 80x24 and /noisy finds the named neuron', async () => {
    const r = await renderAt(consoleTree(namedSource(), { view: 'ranking' }), 80, 24);
    let f = plain(r.frame());
    expect(f).toMatch(/^ +uid name +hotkey /m);
    expect(f).toMatch(/^ +7 peer:noisy +5\S+ /m);
    expect(f).toMatch(/^ +9 peer:good-0 +5\S+ /m);
    expect(f).toMatch(/^● +3 default\/default +5\S+ /m);
    expect(f).toContain('rank▼');
    for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    await r.press('/');
    await r.type('noisy');
    f = plain(r.frame());
    expect(f).toContain('/noisy: 1/16');
    expect(tableUids(f)).toEqual([7]);
  });

  it('Neighbours shows the names and /good-0 finds uid 9', async () => {
    const r = await renderAt(consoleTree(namedSource(), { view: 'neighbours' }), 80, 24);
    let f = plain(r.frame());
    expect(tableUids(f)).toEqual([11, 7, 9]);
    expect(f).toMatch(/^ +7 peer:noisy +5\S+ +0\.1280 /m);
    for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    await r.press('/');
    await r.type('good-0');
    f = plain(r.frame());
    expect(tableUids(f)).toEqual([9]);
  });
});

describe('Overview', () => {
  it('own uids read as a list, and a validator shows its dividends', async () => {
    // uid 8 holds a validator permit (uid % 4 == 0) and dividends 8 * 999 = 7992 (0.12195 of 65535, shown 0.1220).
    const neurons = makeNeurons(16, [3, 8]);
    const r = await renderAt(consoleTree(new RecordingSource(baseSnapshot(neurons))), 100, 30);
    const f = plain(r.frame());
    expect(f).toMatch(/own uids +uids 3, 8 \(2\)/);
    expect(f).toMatch(/dividends +0\.1220 \(uid 8, validator\)/);
    expect(f).not.toContain('own neurons');
  });

  it('uid text and validator choice by hand', () => {
    expect(ownUidsText([])).toBe('none registered');
    expect(ownUidsText([{ uid: 9 }])).toBe('uid 9');
    expect(ownUidsText([9, 2, 5, 1, 7, 3, 4, 8].map((uid) => ({ uid })))).toBe(
      'uids 1, 2, 3, 4, 5, 7, … (8)',
    );
    const neurons = makeNeurons(16, [3, 8, 12]);
    // Own: 3 (no permit), 8 (7992), 12 (11988): the most dividends wins.
    expect(ownValidator([neurons[3]!, neurons[8]!, neurons[12]!])?.uid).toBe(12);
    expect(ownValidator([{ ...neurons[3]!, dividends: 0 }])).toBeNull();
  });
});

describe('copy (OSC 52) and :subnets', () => {
  it('osc52 wraps base64 in the clipboard escape', () => {
    expect(osc52('5Grw')).toBe('\x1b]52;c;NUdydw==\x07');
  });

  it('c in Ranking writes the selected hotkey to the terminal, C its coldkey', async () => {
    const r = await renderAt(consoleTree(namedSource(), { view: 'ranking' }), 80, 24);
    await r.press('o'); // the own neuron, uid 3
    await r.press('c');
    const hot = `\x1b]52;c;${Buffer.from(OWN_HOTKEY).toString('base64')}\x07`;
    expect(r.frames).toContain(hot);
    expect(plain(r.frame())).toContain(`copied hotkey ${OWN_HOTKEY.slice(0, 20)}`);
    await r.press('C');
    expect(r.frames).toContain(`\x1b]52;c;${Buffer.from(OWN_COLDKEY).toString('base64')}\x07`);
  });

  it('c in Neighbours copies the selected neighbour; the help lists the key', async () => {
    const r = await renderAt(consoleTree(namedSource(), { view: 'neighbours' }), 80, 24);
    await r.press('j', 'c'); // second row by score: uid 7
    expect(r.frames).toContain(`\x1b]52;c;${Buffer.from(address(7)).toString('base64')}\x07`);
    await r.press('?');
    expect(plain(r.frame())).toContain('copy hotkey (OSC 52)');
  });

  it('c in Peer copies the selected process hotkey; on a row without one it says so', async () => {
    const snapshot = baseSnapshot();
    snapshot.processes = snapshot.processes!.map((p) =>
      p.kind === 'peer' ? { ...p, hotkey: '5PeerOwn' } : p,
    );
    const r = await renderAt(consoleTree(new RecordingSource(snapshot), { view: 'peer' }), 80, 24);
    await r.press('c'); // sorted by name: node first, which runs no hotkey
    expect(plain(r.frame())).toContain('no hotkey to copy here');
    await r.press('j', 'c');
    expect(r.frames).toContain('\x1b]52;c;NVBlZXJPd24=\x07');
  });

  it(':subnets and :sn jump to the Subnets view, which lists every subnet', async () => {
    expect(parsePalette('sn')).toEqual({ id: 'view.subnets', args: [] });
    const snapshot = baseSnapshot();
    const subnet = (netuid: number) => ({
      netuid,
      owner: 'x',
      n: netuid,
      maxUids: 64,
      tempo: 10 + netuid,
      burn: 0n,
      pendingEmission: 0n,
      lastEpoch: 1,
    });
    snapshot.subnets = ledgerSubnets([1, 2, 5, 9].map(subnet));
    const r = await renderAt(consoleTree(new RecordingSource(snapshot), { view: 'ranking' }), 80, 24);
    await r.press(':');
    await r.type('subnets');
    await r.press(KEYS.enter);
    const f = plain(r.frame());
    expect(f).toContain('4 subnets');
    expect(tableUids(f)).toEqual([1, 2, 5, 9]);
    await r.press('1', ':');
    await r.type('sn');
    await r.press(KEYS.enter);
    expect(tableUids(plain(r.frame()))).toEqual([1, 2, 5, 9]);
  });
});
