// `tao sim epoch` end to end through the real binary: the shared synthetic sequences (gzipped ones
// decompressed here and piped on stdin), byte-identical text with the reference's printout, our edge
// fixtures, and clear exit-2 errors on bad input.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSequence, runSequence } from '../../src/consensus/index.js';
import { epochsJson } from '../../src/consensus/report.js';
import { runTao, tempHome } from '../helpers/tao.js';
import { epochDiffs, fixture, loadCases, parseBigSafe, readVectorText, sharedVector } from './vectors.js';

let home: { home: string; cleanup: () => void };
let dir: string;
beforeAll(() => {
  home = tempHome();
  dir = mkdtempSync(join(tmpdir(), 'tao-sim-'));
});
afterAll(() => {
  home.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const sim = (args: string[], input?: string) =>
  runTao(['sim', 'epoch', ...args], { home: home.home, input, timeoutMs: 120_000 });

function expectMatches(stdout: string, expected: { epochs: Record<string, unknown>[] }): void {
  const got = parseBigSafe(stdout) as { epochs: Record<string, unknown>[] };
  expect(got.epochs).toHaveLength(expected.epochs.length);
  expected.epochs.forEach((exp, k) => {
    expect(epochDiffs(got.epochs[k]!, exp), `epoch ${k}`).toEqual([]);
  });
}

describe('tao sim epoch on the shared synthetic vectors', () => {
  for (const name of [
    'synthetic_n16.json',
    'synthetic_n256.json',
    'synthetic_n256_yuma2_legacy.json',
    'synthetic_n256_yuma3_liquid_alpha.json',
  ]) {
    it(`${name}: bit-exact with the expected epochs (--input FILE)`, async () => {
      const r = await sim(['--input', sharedVector(name)]);
      expect(r.code, r.stderr).toBe(0);
      expectMatches(r.stdout, loadCases(sharedVector(name))[0]!.expected);
    });
  }

  it('synthetic_n1024.json.gz: decompressed here, piped on stdin (--input -), bit-exact', async () => {
    const text = readVectorText(sharedVector('synthetic_n1024.json.gz'));
    const r = await sim(['--input', '-'], text);
    expect(r.code, r.stderr).toBe(0);
    expectMatches(r.stdout, loadCases(sharedVector('synthetic_n1024.json.gz'))[0]!.expected);
  });

  it('prints the same text as `python3 yuma_ref.py` (keys, order, int/float types), chain and dense', async () => {
    for (const [args, ref] of [
      [[], 'ref_print_n16.txt'],
      [['--semantics', 'dense'], 'ref_print_n16_dense.txt'],
    ] as const) {
      const r = await sim(['--input', sharedVector('synthetic_n16.json'), ...args]);
      expect(r.code, r.stderr).toBe(0);
      const refText = readFileSync(fixture(ref), 'utf8');
      const epochs = refText.slice(refText.indexOf('"epochs": ')).trimEnd().slice(0, -1);
      expect(r.stdout).toBe(`{${epochs}}\n`);
    }
  });

  it('accepts the bare inputs object as well as the whole case', async () => {
    const c = loadCases(sharedVector('synthetic_n16.json'))[0]!;
    const r = await sim(['--input', '-'], JSON.stringify(c.inputs));
    expect(r.code, r.stderr).toBe(0);
    expectMatches(r.stdout, c.expected);
  });
});

describe('tao sim epoch prints the bytes of the library path (fast reader, chunked writer) vs JSON.parse and a string', () => {
  const library = (text: string, semantics?: 'chain' | 'dense') =>
    epochsJson(runSequence(parseSequence(JSON.parse(text)), semantics ? { semantics } : {}));
  for (const [name, semantics] of [
    ['synthetic_n16.json', 'dense'],
    ['synthetic_n256.json', undefined],
    ['synthetic_n256.json', 'dense'],
    ['synthetic_n256_yuma2_legacy.json', undefined],
    ['synthetic_n256_yuma3_liquid_alpha.json', undefined],
    ['synthetic_n1024.json.gz', undefined],
  ] as const) {
    it(`${name}${semantics ? ` --semantics ${semantics}` : ''}: byte-identical`, async () => {
      const r = await sim(['--input', sharedVector(name), ...(semantics ? ['--semantics', semantics] : [])]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout === library(readVectorText(sharedVector(name)), semantics)).toBe(true);
    });
  }

  it('the same bytes for the same case written pretty-printed (whitespace everywhere)', async () => {
    const text = readVectorText(sharedVector('synthetic_n256.json'));
    const r = await sim(['--input', '-'], JSON.stringify(JSON.parse(text), null, '\t'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout === library(text)).toBe(true);
  });
});

describe('tao sim epoch on our edge fixtures', () => {
  const pick = [
    'edge.empty_subnet',
    'edge.one_neuron_owner',
    'edge.reregistration',
    'edge.validator_loses_permit',
    'edge.empty_permit_vector_dense',
    'edge.param_rao_u64_max',
    'edge.param_liquid_steep_max',
  ];
  for (const c of loadCases(fixture('edge_cases.json.gz')).filter((x) => pick.includes(x.name))) {
    it(`${c.name}: bit-exact`, async () => {
      const file = join(dir, `${c.name}.json`);
      writeFileSync(file, JSON.stringify(c));
      const r = await sim(['--input', file]);
      expect(r.code, r.stderr).toBe(0);
      expectMatches(r.stdout, c.expected);
    });
  }
});

describe('tao sim epoch rejects bad input with exit 2 and a clear message', () => {
  it('a missing file', async () => {
    const r = await sim(['--input', join(dir, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read --input .*nope\.json/);
  });

  it('text that is not JSON', async () => {
    const r = await sim(['--input', '-'], '{"n": 3,');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not JSON/);
  });

  it('a weight that is not a u16, as a JSON error document with --json', async () => {
    const bad = {
      n: 2,
      stake: [1, 1],
      block_at_registration: [0, 0],
      epochs: [{ current_block: 10, last_update: [9, 9], weights: [[[1, 70000]], []] }],
    };
    const r = await runTao(['--json', 'sim', 'epoch', '--input', '-'], {
      home: home.home,
      input: JSON.stringify(bad),
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const err = JSON.parse(r.stderr) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('E_INPUT');
    expect(err.error.message).toMatch(/weights row 0/);
  });

  it('a weight that is not an integer, a truncated file: E_INPUT, nothing on stdout', async () => {
    const text = readVectorText(sharedVector('synthetic_n16.json'));
    const doc = JSON.parse(text) as { inputs: { epochs: { weights: unknown[][] }[] } };
    doc.inputs.epochs[0]!.weights[1]!.unshift([0, 1.5]);
    const r = await sim(['--input', '-'], JSON.stringify(doc));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/weights row 1: entry \[0, 1\.5\] is not \[uid, u16\]/);
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, text.slice(0, Math.floor(text.length * 0.7)));
    const t = await sim(['--input', cut]);
    expect(t.code).toBe(2);
    expect(t.stdout).toBe('');
    expect(t.stderr).toMatch(/not JSON/);
  });

  it('an unknown semantics', async () => {
    const r = await sim(['--input', sharedVector('synthetic_n16.json'), '--semantics', 'fuzzy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--semantics must be 'chain' or 'dense'/);
  });

  it('a rao amount that lost precision in JSON', async () => {
    const bad =
      '{"n": 1, "stake": [1], "params": {"rao_emission": 18446744073709551615}, "block_at_registration": [0],' +
      ' "epochs": [{"current_block": 10, "last_update": [9], "weights": [[]]}]}';
    const r = await sim(['--input', '-'], bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rao_emission.*decimal string/);
  });

  it('shows an example in --help', async () => {
    const r = await sim(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\$ tao sim epoch --input case\.json/);
  });

  it('stops quietly when the reader closes the pipe early (tao sim epoch … | head)', async () => {
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'tao.js');
    const child = spawn(
      process.execPath,
      [bin, 'sim', 'epoch', '--input', sharedVector('synthetic_n256.json')],
      {
        env: { ...process.env, TAO_HOME: home.home },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });
});
