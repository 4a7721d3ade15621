// The byte-level JSON reader and writer of `tao sim epoch`: the reader gives JSON.parse's values (packed
// sparse matrices unpacked) on every vector and on random texts, rejects exactly what JSON.parse rejects,
// and its packed matrices become the same CSR (and the same errors) as toSparseU16; the writer prints the
// same bytes as a plain string formatter of the reference's layout, in one piece or in chunks.
import { describe, expect, it } from 'vitest';
import type { EpochOutputs } from '../../src/consensus/epoch.js';
import { ONE } from '../../src/consensus/fixed.js';
import { parseSequence, runSequence } from '../../src/consensus/index.js';
import {
  JsonSyntaxError,
  PackedRows,
  packedToSparseU16,
  parseJsonBytes,
} from '../../src/consensus/json-in.js';
import { ByteWriter } from '../../src/consensus/json-out.js';
import { epochsJson, pyFloat, pyFloatFast, writeEpochs } from '../../src/consensus/report.js';
import { toSparseU16 } from '../../src/consensus/sparse.js';
import { readVectorText, SEQUENCE_FILES, sharedVector } from './vectors.js';

const VECTORS = SEQUENCE_FILES;

/** The reader's value with every PackedRows turned back into nested lists. */
function unpack(v: unknown): unknown {
  if (v instanceof PackedRows) return v.toRows();
  if (Array.isArray(v)) return v.map(unpack);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '__proto__') Object.defineProperty(out, k, { value: unpack(x), enumerable: true });
      else out[k] = unpack(x);
    }
    return out;
  }
  return v;
}

const enc = new TextEncoder();
/** JSON.parse's verdict and the reader's on one text: equal values, or both reject. */
function agree(text: string, quick = false): 'same' | 'both reject' {
  let want: unknown;
  let wantError = false;
  try {
    want = JSON.parse(text);
  } catch {
    wantError = true;
  }
  if (wantError) {
    expect(() => parseJsonBytes(enc.encode(text)), text.slice(0, 200)).toThrow(JsonSyntaxError);
    return 'both reject';
  }
  const got = unpack(parseJsonBytes(enc.encode(text)));
  if (quick) expect(JSON.stringify(got), text.slice(0, 200)).toBe(JSON.stringify(want));
  else expect(got, text.slice(0, 200)).toStrictEqual(want);
  return 'same';
}

/** A deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseJsonBytes', () => {
  it('gives JSON.parse values on every shared vector and fixture file, matrices packed', () => {
    for (const file of VECTORS) {
      const text = readVectorText(file);
      const doc = parseJsonBytes(enc.encode(text));
      expect(unpack(doc), file).toStrictEqual(JSON.parse(text));
      const cases = (doc as { cases?: { inputs: unknown }[] }).cases ?? [doc as { inputs: unknown }];
      const inputs = cases[0]!.inputs as { epochs: { weights: unknown }[] };
      expect(inputs.epochs[0]!.weights, file).toBeInstanceOf(PackedRows);
    }
  });

  it('rejects what JSON.parse rejects and reads the rest alike (hand-picked texts)', () => {
    const texts = [
      '',
      ' ',
      '{',
      '{}',
      '[]',
      '[1,]',
      '[,1]',
      '{"a":1,}',
      '{"a" 1}',
      '{a:1}',
      '01',
      '-',
      '-0',
      '1.',
      '.5',
      '1e',
      '1e+',
      '1E-2',
      '-0.0e0',
      '1e400',
      '12345678901234567890',
      '0.1',
      '"a\\u00e9\\n\\"b"',
      '"\\x"',
      '"\\u12"',
      '"tab\there"',
      '"é ✓"',
      'tru',
      'true false',
      'nul',
      '\ufeff{}',
      '{"__proto__": {"n": 3}, "n": 1}',
      '{"a": 1, "a": 2}',
      '{"weights": []}',
      '{"weights": [[]]}',
      '{"weights": [[], [[1, 2]]]}',
      '{"weights": [[[1,2]],]}',
      '{"weights": [[[1,2],]]}',
      '{"weights": [[[1,2,]]]}',
      '{"weights": [[[1,2]] [[3,4]]]}',
      '{"weights": [[[01,2]]]}',
      '{"weights": [[[1,02]]]}',
      '{"weights": [[[0,0]]]}',
      '{"weights": [[[1,2.5]]]}',
      '{"weights": [[[1,2e1]]]}',
      '{"weights": [[[-1,2]]]}',
      '{"weights": [[[1]]]}',
      '{"weights": [[[1,2,3]]]}',
      '{"weights": [[[1234567890,2]]]}',
      '{"weights": [[[123456789,2]]]}',
      '{"weights": [[["1",2]]]}',
      '{"weights": [null, [[1,2]]]}',
      '{"weights": {"a": 1}}',
      '{"weights": 5}',
      '{"bonds": [ [ [ 1 , 2 ] , [ 3 , 4 ] ] , [ ] ]}',
      '{"bonds": [\n\t[\r\n[1,\n2]\n]\n]}',
      '{"weights": [[[1,2]]',
      '{"weights": [[[1,2]]]',
    ];
    const verdicts = texts.map((t) => agree(t));
    expect(verdicts).toContain('both reject');
    expect(verdicts).toContain('same');
  });

  it('agrees with JSON.parse on 1,000 random one-character edits of a vector text', () => {
    const base = readVectorText(sharedVector('synthetic_n16.json'));
    const rand = rng(15);
    const alphabet = '[],:{}" 0123456789-.eE\n\\tfn';
    let rejected = 0;
    for (let t = 0; t < 1000; t++) {
      // edits land in the weights and bonds half of the text most of the time
      const pos = Math.floor((rand() < 0.7 ? 0.5 + rand() * 0.5 : rand()) * base.length);
      const ch = alphabet[Math.floor(rand() * alphabet.length)]!;
      const op = rand();
      const text =
        op < 0.33
          ? base.slice(0, pos) + base.slice(pos + 1)
          : op < 0.66
            ? base.slice(0, pos) + ch + base.slice(pos)
            : base.slice(0, pos) + ch + base.slice(pos + 1);
      if (agree(text, true) === 'both reject') rejected++;
    }
    expect(rejected).toBeGreaterThan(100);
  });

  it('reads random sparse matrices in any layout as JSON.parse does', () => {
    const rand = rng(4096);
    for (let t = 0; t < 200; t++) {
      const sp = () => [' ', '', '\n', '  ', '\t', '\r\n'][Math.floor(rand() * 6)]!;
      const rows: string[] = [];
      for (let i = Math.floor(rand() * 6); i > 0; i--) {
        const pairs: string[] = [];
        for (let k = Math.floor(rand() * 5); k > 0; k--) {
          const big = rand() < 0.1;
          const a = Math.floor(rand() * (big ? 2e9 : 40));
          const b = Math.floor(rand() * (big ? 1e6 : 65536));
          pairs.push(`[${sp()}${a}${sp()},${sp()}${b}${sp()}]`);
        }
        rows.push(`[${sp()}${pairs.join(`${sp()},${sp()}`)}${sp()}]`);
      }
      expect(agree(`{${sp()}"weights"${sp()}:${sp()}[${rows.join(',')}]${sp()}}`)).toBe('same');
    }
  });
});

describe('packedToSparseU16', () => {
  const packed = (text: string) =>
    (parseJsonBytes(enc.encode(`{"w": 0, "weights": ${text}}`)) as { weights: PackedRows }).weights;

  it('is toSparseU16 of the unpacked rows: sorted, unsorted, repeated and out-of-range uids, fewer or more rows', () => {
    const rand = rng(7);
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(rand() * 8);
      const rowCount = Math.floor(rand() * (n + 3));
      const rows: [number, number][][] = [];
      for (let i = 0; i < rowCount; i++) {
        const row: [number, number][] = [];
        let j = 0;
        for (let k = Math.floor(rand() * 6); k > 0; k--) {
          j = rand() < 0.8 ? j + Math.floor(rand() * 3) : Math.floor(rand() * (n + 2));
          row.push([j, Math.floor(rand() * 65536)]);
        }
        rows.push(row);
      }
      const p = packed(JSON.stringify(rows));
      expect(p).toBeInstanceOf(PackedRows);
      expect(packedToSparseU16(p, n, 'weights')).toStrictEqual(toSparseU16(rows, n, 'weights'));
    }
  });

  it('gives toSparseU16 error for a value above u16, and ignores rows past n as it does', () => {
    const rows = [[[0, 1]], [[1, 70000]]];
    const p = packed(JSON.stringify(rows));
    expect(() => packedToSparseU16(p, 2, 'weights')).toThrow(
      'weights row 1: entry [1, 70000] is not [uid, u16]',
    );
    expect(() => toSparseU16(rows as [number, number][][], 2, 'weights')).toThrow(
      'weights row 1: entry [1, 70000] is not [uid, u16]',
    );
    expect(packedToSparseU16(p, 1, 'weights')).toStrictEqual(
      toSparseU16(rows as [number, number][][], 1, 'w'),
    );
  });
});

/** The reference's layout written the plain way (strings joined), as the oracle for the byte writer. */
function plainEpochsJson(outs: readonly EpochOutputs[]): string {
  const list = (xs: ArrayLike<unknown>, f: (x: never) => string) =>
    `[${Array.from(xs as ArrayLike<never>, f).join(', ')}]`;
  const epoch = (o: EpochOutputs) => {
    const rows: string[] = [];
    for (let i = 0; i + 1 < o.bonds.ptr.length; i++) {
      const es: string[] = [];
      for (let e = o.bonds.ptr[i]!; e < o.bonds.ptr[i + 1]!; e++)
        es.push(`[${o.bonds.col[e]}, ${o.bonds.val[e]}]`);
      rows.push(`[${es.join(', ')}]`);
    }
    const fl = (b: Float64Array) => list(b, (x: number) => pyFloat(x / ONE));
    const f = o.fixed;
    const fields: [string, string][] = [
      ['active', list(o.active, (b: boolean) => String(b))],
      ['new_validator_permits', list(o.newValidatorPermits, (b: boolean) => String(b))],
      ['stake_weight_u16', list(o.stakeWeightU16, String)],
      ['consensus_u16', list(o.consensusU16, String)],
      ['incentive_u16', list(o.incentiveU16, String)],
      ['dividends_u16', list(o.dividendsU16, String)],
      ['validator_trust_u16', list(o.validatorTrustU16, String)],
      ['server_emission', list(o.serverEmission, String)],
      ['validator_emission', list(o.validatorEmission, String)],
      ['emission', list(o.emission, String)],
      ['bonds', `[${rows.join(', ')}]`],
      ['stake', fl(f.stake)],
      ['active_stake', fl(f.activeStake)],
      ['consensus', fl(f.consensus)],
      ['validator_trust', fl(f.validatorTrust)],
      ['incentive', fl(f.incentive)],
      ['dividends', fl(f.dividends)],
      ['normalized_server_emission', fl(f.normalizedServerEmission)],
      ['normalized_validator_emission', fl(f.normalizedValidatorEmission)],
      ['normalized_combined_emission', fl(f.normalizedCombinedEmission)],
    ];
    return `{${fields.map(([k, v]) => `"${k}": ${v}`).join(', ')}}`;
  };
  return `{"epochs": [${outs.map(epoch).join(', ')}]}\n`;
}

describe('the byte writer of the epochs document', () => {
  it('prints what the plain string formatter prints, on every case of every vector file', () => {
    for (const file of VECTORS) {
      const doc = JSON.parse(readVectorText(file)) as { cases?: unknown[] };
      for (const c of doc.cases ?? [doc]) {
        const outs = runSequence(parseSequence(c));
        expect(epochsJson(outs), file).toBe(plainEpochsJson(outs));
      }
    }
  });

  it('hands the same bytes over in chunks (small chunks, rows longer than a chunk)', () => {
    const outs = runSequence(parseSequence(JSON.parse(readVectorText(sharedVector('synthetic_n256.json')))));
    const whole = epochsJson(outs);
    for (const size of [16, 1000, 1 << 16]) {
      const chunks: Buffer[] = [];
      writeEpochs(new ByteWriter((c) => chunks.push(Buffer.from(c)), size), outs);
      expect(chunks.length).toBeGreaterThan(whole.length > size ? 1 : 0);
      expect(Buffer.concat(chunks).toString('latin1')).toBe(whole);
    }
  });

  it('formats floats as Python repr does, the quick way and the general way alike', () => {
    const rand = rng(32);
    const xs = [1, 0.5, 1e-4, 9.999999999999999e-5, 1e16, 9999999999999998, 123456.789, 2 ** 31 - 2 ** -32];
    for (let t = 0; t < 20000; t++) {
      xs.push(Math.floor(rand() * 2 ** 53) / ONE); // I32F32 bits
      xs.push(Math.floor(rand() * ONE) / ONE);
      xs.push((rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20));
    }
    for (const x of xs) expect(pyFloatFast(x)).toBe(pyFloat(x));
    expect(pyFloat(1e-5)).toBe('1e-05');
    expect(pyFloat(1e16)).toBe('1e+16');
    expect(pyFloat(5)).toBe('5.0');
  });
});
