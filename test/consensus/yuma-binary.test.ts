// The compact binary input of `tao sim epoch` (docs/yuma-binary.md): converting a case and reading it back
// gives the value the JSON reader gives, so the printed epochs are the same bytes, on every case of the
// shared vectors and our fixtures; malformed files are refused; and the CLI round trip (`tao sim convert`,
// then `tao sim epoch` on the file, gzipped or not, from a file or stdin) prints what the JSON prints.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSequence, runSequence } from '../../src/consensus/index.js';
import { JsonSyntaxError, PackedRows, parseJsonBytes } from '../../src/consensus/json-in.js';
import { epochsJson } from '../../src/consensus/report.js';
import {
  BinaryFormatError,
  isYumaBinary,
  MAGIC,
  parseYumaBinary,
  toYumaBinary,
} from '../../src/consensus/yuma-binary.js';
import { runTao, TAO_BIN, tempHome } from '../helpers/tao.js';
import { loadCases, readVectorText, SEQUENCE_FILES, sharedVector } from './vectors.js';

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const printed = (doc: unknown) => epochsJson(runSequence(parseSequence(doc)));

/** Each case of a file as its own JSON text (single-case files: the file's own bytes). */
function caseTexts(file: string): [string, string][] {
  const text = readVectorText(file);
  const cases = loadCases(file);
  if (cases.length === 1) return [[cases[0]!.name, text]];
  return cases.map((c) => [c.name, JSON.stringify(c)]);
}

describe('binary epoch input: the same value and the same printed epochs as the JSON', () => {
  for (const file of SEQUENCE_FILES) {
    it(`${file.split('/').pop()}: every case`, () => {
      let packed = 0;
      for (const [name, text] of caseTexts(file)) {
        const json = enc(text);
        const { bytes, matrices } = toYumaBinary(json);
        expect(isYumaBinary(bytes), name).toBe(true);
        expect(bytes.length % 4, name).toBe(0);
        const fromJson = parseJsonBytes(json);
        const fromBinary = parseYumaBinary(bytes);
        expect(fromBinary, name).toEqual(fromJson);
        expect(printed(fromBinary) === printed(fromJson), name).toBe(true);
        packed += matrices;
      }
      expect(packed).toBeGreaterThan(0);
    });
  }

  it('the n = 256 case is smaller than its JSON, and its matrices are PackedRows again', () => {
    const json = enc(readVectorText(sharedVector('synthetic_n256.json')));
    const { bytes, matrices } = toYumaBinary(json);
    expect(matrices).toBeGreaterThanOrEqual(2);
    expect(bytes.length).toBeLessThan(json.length);
    const doc = parseYumaBinary(bytes) as { inputs: { epochs: { weights: unknown }[] } };
    expect(doc.inputs.epochs[0]!.weights).toBeInstanceOf(PackedRows);
  });

  it('numbers above a u16 (uids past n, ignored) take 4 bytes and read back the same', () => {
    const c = loadCases(sharedVector('synthetic_n16.json'))[0]!;
    const inputs = c.inputs as { epochs: { weights: [number, number][][] }[] };
    inputs.epochs[0]!.weights[0]!.push([70_000, 5], [999_999_999, 1]);
    const json = enc(JSON.stringify(c));
    const { bytes } = toYumaBinary(json);
    const widths = [...new Set(matrixWidths(bytes))];
    expect(widths).toContain(4);
    expect(parseYumaBinary(bytes)).toEqual(parseJsonBytes(json));
    expect(printed(parseYumaBinary(bytes))).toBe(printed(parseJsonBytes(json)));
  });

  it('a case with no packable matrix is its text behind the header', () => {
    const json = enc('{"n": 1, "epochs": [{"current_block": 5}], "weights": [[[0, 1.5]]]}');
    const { bytes, matrices } = toYumaBinary(json);
    expect(matrices).toBe(0);
    expect(parseYumaBinary(bytes)).toEqual(parseJsonBytes(json));
  });
});

/** Each matrix's header offset and fields, walking the layout. */
function matrices(bytes: Uint8Array): { at: number; rows: number; pairs: number; width: number }[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = v.getUint32(16, true);
  let p = (20 + v.getUint32(12, true) + 3) & ~3;
  const out: { at: number; rows: number; pairs: number; width: number }[] = [];
  for (let i = 0; i < count; i++) {
    const m = {
      at: p,
      rows: v.getUint32(p, true),
      pairs: v.getUint32(p + 4, true),
      width: v.getUint32(p + 8, true),
    };
    out.push(m);
    p += 12 + 4 * (m.rows + 1) + ((m.width * 2 * m.pairs + 3) & ~3);
  }
  return out;
}
const matrixWidths = (bytes: Uint8Array) => matrices(bytes).map((m) => m.width);

describe('binary epoch input: malformed files are refused', () => {
  const json = enc(readVectorText(sharedVector('synthetic_n16.json')));
  const good = toYumaBinary(json).bytes;
  const textLen = new DataView(good.buffer).getUint32(12, true);
  const firstMatrix = (20 + textLen + 3) & ~3;
  const edit = (f: (v: DataView, b: Uint8Array) => void) => {
    const b = good.slice();
    f(new DataView(b.buffer), b);
    return b;
  };
  const refused = (b: Uint8Array, message: RegExp) => {
    expect(() => parseYumaBinary(b)).toThrow(BinaryFormatError);
    expect(() => parseYumaBinary(b)).toThrow(message);
  };

  it('wrong magic, version, lengths, row offsets, numbers, trailing bytes', () => {
    expect(isYumaBinary(json)).toBe(false);
    expect(isYumaBinary(good.subarray(0, 7))).toBe(false);
    refused(good.subarray(0, 12), /truncated header/);
    refused(
      edit((v) => v.setUint32(8, 2, true)),
      /version 2/,
    );
    refused(
      edit((v) => v.setUint32(12, good.length, true)),
      /text runs past the end/,
    );
    refused(good.subarray(0, good.length - 4), /runs past the end|truncated/);
    refused(new Uint8Array([...good, 0, 0, 0, 0]), /4 bytes after the last matrix/);
    refused(
      edit((v) => v.setUint32(firstMatrix + 8, 3, true)),
      /width 3/,
    );
    refused(
      edit((v) => v.setUint32(firstMatrix + 12, 1, true)),
      /row offsets/,
    ); // ptr[0] must be 0
    refused(
      edit((v) => v.setUint32(firstMatrix + 16, 0xffffffff, true)),
      /row offsets/,
    );
  });

  it('a number above what the text allows (4-byte matrices)', () => {
    const c = loadCases(sharedVector('synthetic_n16.json'))[0]!;
    (c.inputs as { epochs: { weights: [number, number][][] }[] }).epochs[0]!.weights[0]!.unshift([70_000, 5]);
    const b = toYumaBinary(enc(JSON.stringify(c))).bytes;
    const m = matrices(b).find((x) => x.width === 4)!;
    expect(m).toBeDefined();
    new DataView(b.buffer).setUint32(m.at + 12 + 4 * (m.rows + 1), 1_000_000_000, true); // the first uid
    refused(b, /above 999999999/);
  });

  it('a stand-in for a matrix the file does not have; a case that holds a stand-in is not converted', () => {
    const b = edit((_, bytes) => {
      const at = Buffer.from(bytes).indexOf('{"$packed": 0}');
      bytes[at + 12] = 0x39; // {"$packed": 9}
    });
    expect(() => parseYumaBinary(b)).toThrow(JsonSyntaxError);
    expect(() =>
      toYumaBinary(enc('{"n": 1, "epochs": [{"current_block": 1, "weights": {"$packed": 0}}]}')),
    ).toThrow(/holds a \{"\$packed": …\} value/);
    // under another key it is plain data, converted and read back as such
    const other = enc('{"n": 1, "note": {"$packed": 0}, "epochs": [{"current_block": 1}]}');
    expect(parseYumaBinary(toYumaBinary(other).bytes)).toEqual(parseJsonBytes(other));
  });

  it('starts with a byte no JSON text or gzip stream starts with', () => {
    expect(MAGIC[0]).toBe(0x89);
  });
});

describe('tao sim convert, then tao sim epoch on the binary file', () => {
  let home: { home: string; cleanup: () => void };
  let dir: string;
  beforeAll(() => {
    home = tempHome();
    dir = mkdtempSync(join(tmpdir(), 'tao-sim-bin-'));
  });
  afterAll(() => {
    home.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const tao = (args: string[], input?: string) =>
    runTao(['sim', ...args], { home: home.home, input, timeoutMs: 120_000 });

  it('synthetic_n256.json: the same bytes printed from the JSON, the binary and the gzipped binary on stdin', async () => {
    const src = sharedVector('synthetic_n256.json');
    const bin = join(dir, 'n256.bin');
    const conv = await tao(['convert', '--input', src, '--output', bin]);
    expect(conv.code, conv.stderr).toBe(0);
    expect(conv.stdout).toMatch(
      /^wrote .*n256\.bin: \d+ bytes \(\d+ matrices as arrays\) from \d+ bytes of JSON\n$/,
    );
    const fromJson = await tao(['epoch', '--input', src]);
    const fromBin = await tao(['epoch', '--input', bin]);
    expect(fromJson.code, fromJson.stderr).toBe(0);
    expect(fromBin.code, fromBin.stderr).toBe(0);
    expect(fromBin.stdout === fromJson.stdout).toBe(true);
    // stdin carries bytes: the gzipped binary piped in
    const piped = spawnSync(process.execPath, [TAO_BIN, 'sim', 'epoch', '--input', '-'], {
      input: gzipSync(readFileSync(bin)),
      env: { ...process.env, TAO_HOME: home.home },
      maxBuffer: 1 << 28,
      encoding: 'utf8',
    });
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout === fromJson.stdout).toBe(true);
  });

  it('refuses a corrupt binary file, input that is no case, a binary input, and an unwritable output (exit 2)', async () => {
    const bin = join(dir, 'n16.bin');
    const conv = await tao([
      'convert',
      '--json',
      '--input',
      sharedVector('synthetic_n16.json'),
      '--output',
      bin,
    ]);
    expect(conv.code, conv.stderr).toBe(0);
    const done = JSON.parse(conv.stdout) as {
      output: string;
      bytes: number;
      matrices: number;
      json_bytes: number;
    };
    expect(done).toEqual({
      output: bin,
      bytes: statSync(bin).size,
      matrices: toYumaBinary(enc(readVectorText(sharedVector('synthetic_n16.json')))).matrices,
      json_bytes: statSync(sharedVector('synthetic_n16.json')).size,
    });
    const b = readFileSync(bin);
    writeFileSync(join(dir, 'cut.bin'), b.subarray(0, b.length - 8));
    const cut = await tao(['epoch', '--input', join(dir, 'cut.bin')]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/not a valid binary epoch input/);
    expect(cut.stdout).toBe('');

    const notJson = await tao(['convert', '--input', '-', '--output', join(dir, 'x.bin')], '{"n": 3,');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/not JSON/);
    const noCase = await tao(['convert', '--input', '-', '--output', join(dir, 'x.bin')], '{"n": 3}');
    expect(noCase.code).toBe(2);
    expect(noCase.stderr).toMatch(/bad epoch input: inputs\.epochs: must be a list/);
    const again = await tao(['convert', '--input', bin, '--output', join(dir, 'y.bin')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/binary form already/);

    const unwritable = await tao([
      'convert',
      '--json',
      '--input',
      sharedVector('synthetic_n16.json'),
      '--output',
      join(dir, 'no-such-dir', 'z.bin'),
    ]);
    expect(unwritable.code).toBe(2);
    expect(`${unwritable.stdout}${unwritable.stderr}`).toMatch(/"code": ?"E_OUTPUT"/);
    expect(`${unwritable.stdout}${unwritable.stderr}`).toMatch(/cannot write --output .*z\.bin \(ENOENT\)/);
  });
});
