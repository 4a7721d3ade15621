/**
 * The compact binary input of `tao sim epoch` (docs/yuma-binary.md): a vector case whose big sparse
 * matrices (the `"weights"` / `"bonds"` rows of `[uid, u16]` pairs) are stored as typed arrays after the
 * rest of the case's JSON text, so reading an n = 4096 case is a few array views instead of parsing 8 MB of
 * text. `tao sim convert` writes it from the JSON; reading it gives exactly the value parseJsonBytes gives
 * for that JSON, so every output byte is the same.
 *
 * Layout (little-endian):
 *   magic 8 bytes (MAGIC), u32 version (1), u32 text length T, u32 matrix count M;
 *   the JSON text (T bytes, UTF-8): the case with the text of matrix i replaced by `{"$packed": i}`,
 *   then zero bytes to a multiple of 4;
 *   M matrices, each: u32 rows R, u32 pairs P, u32 width W (2 or 4 bytes per number), u32 ptr[R + 1]
 *   (row i is pairs ptr[i] .. ptr[i + 1] - 1; ptr[0] = 0, non-decreasing, ptr[R] = P), then 2·P numbers of
 *   W bytes (uid, value, uid, value, …; each below 10^9, as the text allows), zero bytes to a multiple of 4.
 * Nothing may follow the last matrix.
 */
import { PackedRows, parseJsonBytes, placeholderIndex } from './json-in.js';

/** `\x89TAOYUMA`: not text, so never taken for JSON (nor gzip, 1f 8b). */
export const MAGIC = Uint8Array.from([0x89, 0x54, 0x41, 0x4f, 0x59, 0x55, 0x4d, 0x41]);
export const VERSION = 1;
const HEAD = MAGIC.length + 12;
/** The text allows at most 9 digits per number of a packed pair (json-in.ts packRows). */
const MAX_VALUE = 999_999_999;

export class BinaryFormatError extends Error {}

export function isYumaBinary(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

const pad4 = (n: number) => (n + 3) & ~3;

/**
 * A vector case's JSON bytes → the binary form; also how many matrices went into arrays. Throws
 * JsonSyntaxError (json-in.ts) when the text is not JSON.
 */
export function toYumaBinary(json: Uint8Array): { bytes: Uint8Array; matrices: number } {
  const found: { start: number; end: number; rows: PackedRows }[] = [];
  const doc = parseJsonBytes(json, { found });
  if (holdsStandIn(doc))
    throw new BinaryFormatError('the case holds a {"$packed": …} value under "weights" or "bonds" already');
  const mats = found.map((f) => f.rows);
  // the text with each matrix's text replaced by its stand-in
  const pieces: Uint8Array[] = [];
  let at = 0;
  found.forEach(({ start, end }, i) => {
    pieces.push(json.subarray(at, start), Buffer.from(`{"$packed": ${i}}`, 'latin1'));
    at = end;
  });
  pieces.push(json.subarray(at));
  const textLen = pieces.reduce((a, p) => a + p.length, 0);
  let size = pad4(HEAD + textLen);
  const widths = mats.map((m) => (m.pairs.every((x) => x <= 0xffff) ? 2 : 4));
  mats.forEach((m, i) => {
    size += 12 + 4 * m.ptr.length + pad4(widths[i]! * m.pairs.length);
  });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, textLen, true);
  view.setUint32(16, mats.length, true);
  let p = HEAD;
  for (const piece of pieces) {
    out.set(piece, p);
    p += piece.length;
  }
  p = pad4(p);
  mats.forEach((m, i) => {
    const w = widths[i]!;
    view.setUint32(p, m.rowCount, true);
    view.setUint32(p + 4, m.pairs.length / 2, true);
    view.setUint32(p + 8, w, true);
    p += 12;
    for (const x of m.ptr) {
      view.setUint32(p, x, true);
      p += 4;
    }
    for (const x of m.pairs) {
      if (w === 2) view.setUint16(p, x, true);
      else view.setUint32(p, x, true);
      p += w;
    }
    p = pad4(p);
  });
  return { bytes: out, matrices: mats.length };
}

/** Whether a parsed document has a stand-in's shape where the reader would replace it by a matrix. */
function holdsStandIn(v: unknown): boolean {
  if (v instanceof PackedRows || typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.some(holdsStandIn);
  return Object.entries(v).some(
    ([k, x]) => ((k === 'weights' || k === 'bonds') && placeholderIndex(x) >= 0) || holdsStandIn(x),
  );
}

/** The binary form → the same value parseJsonBytes gives for the JSON it was made from. */
export function parseYumaBinary(bytes: Uint8Array): unknown {
  const bad = (what: string): never => {
    throw new BinaryFormatError(`not a valid binary epoch input: ${what}`);
  };
  if (!isYumaBinary(bytes)) bad('no magic');
  if (bytes.length < HEAD) bad('truncated header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) bad(`version ${version} (this tao reads ${VERSION})`);
  const textLen = view.getUint32(12, true);
  const count = view.getUint32(16, true);
  if (HEAD + textLen > bytes.length) bad('the text runs past the end');
  const text = bytes.subarray(HEAD, HEAD + textLen);
  let p = pad4(HEAD + textLen);
  const mats: PackedRows[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 12 > bytes.length) bad(`matrix ${i}: truncated`);
    const rows = view.getUint32(p, true);
    const pairs = view.getUint32(p + 4, true);
    const w = view.getUint32(p + 8, true);
    p += 12;
    if (w !== 2 && w !== 4) bad(`matrix ${i}: width ${w}`);
    const dataLen = pad4(w * 2 * pairs);
    if (p + 4 * (rows + 1) + dataLen > bytes.length) bad(`matrix ${i}: runs past the end`);
    const ptr = new Int32Array(rows + 1);
    let prev = 0;
    for (let r = 0; r <= rows; r++, p += 4) {
      const x = view.getUint32(p, true);
      if ((r === 0 && x !== 0) || x < prev || x > pairs) bad(`matrix ${i}: row offsets`);
      ptr[r] = prev = x;
    }
    if (prev !== pairs) bad(`matrix ${i}: row offsets end at ${prev}, not ${pairs}`);
    const data = new Int32Array(2 * pairs);
    if (w === 2) {
      // aligned: a view of the file's bytes, else a copy (the loop is the same)
      const src =
        (bytes.byteOffset + p) % 2 === 0
          ? new Uint16Array(bytes.buffer, bytes.byteOffset + p, 2 * pairs)
          : new Uint16Array(bytes.slice(p, p + 4 * pairs).buffer);
      data.set(src);
    } else {
      for (let k = 0; k < 2 * pairs; k++) {
        const x = view.getUint32(p + 4 * k, true);
        if (x > MAX_VALUE) bad(`matrix ${i}: a number above ${MAX_VALUE}`);
        data[k] = x;
      }
    }
    p += dataLen;
    mats.push(new PackedRows(ptr, data));
  }
  if (p !== bytes.length) bad(`${bytes.length - p} bytes after the last matrix`);
  // The text is small (stakes, blocks, parameters): the native JSON.parse reads it ~20x faster than the
  // reader does cold. Both give the same values; the reader (and its message) only where it fails.
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8'));
  } catch {
    return parseJsonBytes(text, { packed: mats });
  }
  return unpackStandIns(doc, mats) ? doc : parseJsonBytes(text, { packed: mats });
}

/**
 * Replaces, in place, each `{"$packed": i}` under a `"weights"` or `"bonds"` key by matrix i (as the reader
 * does); false when one names a matrix that is not there.
 */
function unpackStandIns(v: unknown, mats: readonly PackedRows[]): boolean {
  if (typeof v !== 'object' || v === null) return true;
  if (Array.isArray(v)) return v.every((x) => unpackStandIns(x, mats));
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    const i = key === 'weights' || key === 'bonds' ? placeholderIndex(o[key]) : -1;
    if (i < 0) {
      if (!unpackStandIns(o[key], mats)) return false;
    } else if (i < mats.length) o[key] = mats[i];
    else return false;
  }
  return true;
}
