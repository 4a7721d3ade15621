// Where the shared Yuma vectors live, and loading (gzipped) vector files for the consensus tests.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const SHARED_YUMA =
  process.env.YUMA_REF_DIR ?? resolve(import.meta.dirname, '../fixtures/yuma/shared');
export const FIXTURES = resolve(import.meta.dirname, '../fixtures/yuma');

export function readVectorText(path: string): string {
  const b = readFileSync(path);
  return (b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b).toString('utf8');
}

export interface VectorCase {
  name: string;
  inputs: Record<string, unknown>;
  expected: { epochs: Record<string, unknown>[] };
}

export function loadCases(path: string): VectorCase[] {
  const doc = JSON.parse(readVectorText(path)) as VectorCase | { cases: VectorCase[] };
  return 'cases' in doc ? doc.cases : [doc];
}

export const sharedVector = (name: string): string => join(SHARED_YUMA, 'vectors', name);
export const fixture = (name: string): string => join(FIXTURES, name);

/** Every file of synthetic sequences: the shared vectors and our fixtures. */
export const SEQUENCE_FILES: readonly string[] = [
  sharedVector('synthetic_n16.json'),
  sharedVector('synthetic_n256.json'),
  sharedVector('synthetic_n256_yuma2_legacy.json'),
  sharedVector('synthetic_n256_yuma3_liquid_alpha.json'),
  sharedVector('synthetic_n1024.json.gz'),
  fixture('edge_cases.json.gz'),
  fixture('synthetic_small.json.gz'),
];

/** JSON.parse that keeps integers of 16+ digits (rao above 2^53) exact, as decimal strings. */
export const parseBigSafe = (text: string): unknown =>
  JSON.parse(text.replace(/([[,:]\s*)(\d{16,})(?=\s*[,\]}])/g, '$1"$2"'));

const same = (a: unknown, b: unknown): boolean =>
  typeof b === 'number' || typeof b === 'string' ? String(a) === String(b) : a === b;

/**
 * Differences between one printed epoch (keys as `tao sim epoch` prints them) and a vector's expected
 * epoch, with tolerance 0 everywhere (u16, rao, bools, the I32F32 floats and the stored bonds).
 */
export function epochDiffs(got: Record<string, unknown>, exp: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, ev] of Object.entries(exp)) {
    if (key === 'note') continue;
    if (key === 'bonds_rows') {
      const norm = (rows: unknown) =>
        JSON.stringify((rows as [number, number][][]).map((r) => r.filter((e) => e[1] !== 0)));
      const g = norm(got.bonds);
      const e = norm(ev);
      if (g !== e) out.push(`bonds differ`);
      continue;
    }
    const gv = got[key] as unknown[] | undefined;
    if (!Array.isArray(gv)) {
      out.push(`${key}: missing`);
      continue;
    }
    const bad = (ev as unknown[]).flatMap((e, i) =>
      e === null || same(gv[i], e) ? [] : [`[${i}] ${gv[i]} ≠ ${e}`],
    );
    if (gv.length !== (ev as unknown[]).length) bad.push(`length ${gv.length} ≠ ${(ev as unknown[]).length}`);
    if (bad.length)
      out.push(`${key}: ${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ` (+${bad.length - 3})` : ''}`);
  }
  return out;
}
