/**
 * A JSON reader for the vector cases of `tao sim epoch` that goes straight from bytes to values: the same
 * values as `JSON.parse(text)`, except that the value of every `"weights"` and `"bonds"` key that is a
 * list of rows of `[uid, u16]` pairs (plain non-negative integers) comes back as `PackedRows`, two typed
 * arrays, instead of one small JS array per entry (half a million of them for n = 4096: most of the parse
 * and garbage-collection time of the process). Anything else under those keys is read as plain JSON.
 * Strict: text that JSON.parse rejects is rejected (JsonSyntaxError; the caller asks JSON.parse for its
 * message).
 */

import { type SparseU16, toSparseU16 } from './sparse.js';

/** Rows of `[uid, value]` pairs: row i is `pairs[2k], pairs[2k+1]` for k in `[ptr[i], ptr[i+1])`. */
export class PackedRows {
  constructor(
    readonly ptr: Int32Array,
    readonly pairs: Int32Array,
  ) {}

  get rowCount(): number {
    return this.ptr.length - 1;
  }

  /** The plain nested lists JSON.parse would have given. */
  toRows(): [number, number][][] {
    const out: [number, number][][] = [];
    for (let i = 0; i < this.rowCount; i++) {
      const row: [number, number][] = [];
      for (let k = this.ptr[i]!; k < this.ptr[i + 1]!; k++) {
        row.push([this.pairs[2 * k]!, this.pairs[2 * k + 1]!]);
      }
      out.push(row);
    }
    return out;
  }
}

export class JsonSyntaxError extends Error {}

const PACKED_KEYS = new Set(['weights', 'bonds']);

const SP = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const D0 = 0x30;
const D9 = 0x39;

const isDigit = (c: number): boolean => c >= D0 && c <= D9;

/** Parses UTF-8 JSON bytes (see the module comment for what differs from JSON.parse). */
export function parseJsonBytes(bytes: Uint8Array, hooks?: PackHooks): unknown {
  return new Reader(bytes, hooks).document();
}

/** For the binary input format (yuma-binary.ts), which stores the packed matrices apart from the text. */
export interface PackHooks {
  /** Receives every matrix read as PackedRows with the `[start, end)` byte offsets of its text, in text order. */
  found?: { start: number; end: number; rows: PackedRows }[];
  /** Matrices that a `{"$packed": i}` under a `"weights"`/`"bonds"` key stands for (index i). */
  packed?: readonly PackedRows[];
}

/** The stand-in `{"$packed": i}` for the i-th matrix, or -1 when `v` is not one. */
export function placeholderIndex(v: unknown): number {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return -1;
  const keys = Object.keys(v);
  const i = (v as Record<string, unknown>).$packed;
  return keys.length === 1 && keys[0] === '$packed' && Number.isSafeInteger(i) && (i as number) >= 0
    ? (i as number)
    : -1;
}

class Reader {
  private pos = 0;
  private readonly latin1: (a: number, b: number) => string;
  private readonly utf8: (a: number, b: number) => string;

  constructor(
    private readonly b: Uint8Array,
    private readonly hooks?: PackHooks,
  ) {
    const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    this.latin1 = (a, z) => buf.toString('latin1', a, z);
    this.utf8 = (a, z) => buf.toString('utf8', a, z);
  }

  document(): unknown {
    const v = this.value(false);
    this.ws();
    if (this.pos !== this.b.length) this.fail('unexpected text after the JSON value');
    return v;
  }

  private fail(msg: string): never {
    throw new JsonSyntaxError(`${msg} at byte ${this.pos}`);
  }

  private ws(): void {
    const b = this.b;
    let p = this.pos;
    for (;;) {
      const c = b[p];
      if (c === SP || c === LF || c === CR || c === TAB) p++;
      else break;
    }
    this.pos = p;
  }

  private value(packable: boolean): unknown {
    this.ws();
    const c = this.b[this.pos];
    switch (c) {
      case LBRACE:
        return this.object();
      case LBRACK: {
        if (packable) {
          const start = this.pos;
          const packed = this.packedRows();
          if (packed) return packed;
          this.pos = start;
        }
        return this.array();
      }
      case QUOTE:
        return this.string();
      case 0x74: // t
        return this.literal('true', true);
      case 0x66: // f
        return this.literal('false', false);
      case 0x6e: // n
        return this.literal('null', null);
      default:
        if (c === MINUS || (c !== undefined && isDigit(c))) return this.number();
        return this.fail(c === undefined ? 'unexpected end of input' : 'unexpected character');
    }
  }

  private literal<T>(word: string, v: T): T {
    for (let i = 0; i < word.length; i++) {
      if (this.b[this.pos + i] !== word.charCodeAt(i)) this.fail('bad literal');
    }
    this.pos += word.length;
    return v;
  }

  /** After '{' or '[': true when the container is empty (its closer is consumed). */
  private opens(close: number): boolean {
    this.pos++;
    this.ws();
    if (this.b[this.pos] !== close) return false;
    this.pos++;
    return true;
  }

  /** After an item: true on ',' (another item follows), false on the closer, a syntax error otherwise. */
  private more(close: number): boolean {
    this.ws();
    const c = this.b[this.pos];
    if (c === COMMA || c === close) {
      this.pos++;
      return c === COMMA;
    }
    return this.fail(`expected ',' or '${String.fromCharCode(close)}'`);
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.opens(RBRACE)) return out;
    do {
      this.ws();
      if (this.b[this.pos] !== QUOTE) this.fail('expected a key');
      const key = this.string();
      this.ws();
      if (this.b[this.pos] !== COLON) this.fail("expected ':'");
      this.pos++;
      const packable = PACKED_KEYS.has(key);
      let v = this.value(packable);
      if (packable && this.hooks?.packed) v = this.unpack(v);
      if (key === '__proto__')
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
    } while (this.more(RBRACE));
    return out;
  }

  private unpack(v: unknown): unknown {
    const i = placeholderIndex(v);
    if (i < 0) return v;
    const m = this.hooks!.packed![i];
    if (!m) this.fail(`no packed matrix ${i}`);
    return m;
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    if (this.opens(RBRACK)) return out;
    do out.push(this.value(false));
    while (this.more(RBRACK));
    return out;
  }

  private string(): string {
    const b = this.b;
    const start = ++this.pos;
    let p = start;
    let plain = true;
    for (;;) {
      const c = b[p];
      if (c === undefined) this.fail('unterminated string');
      if (c === QUOTE) break;
      if (c < SP) {
        this.pos = p;
        this.fail('control character in a string');
      }
      if (c === BACKSLASH) {
        plain = false;
        p += 2; // the escaped character is never the closing quote; JSON.parse checks the escape
        continue;
      }
      if (c >= 0x80) plain = false;
      p++;
    }
    this.pos = p + 1;
    if (plain) return this.latin1(start, p);
    try {
      return JSON.parse(this.utf8(start - 1, p + 1)) as string;
    } catch {
      this.pos = start;
      return this.fail('bad string escape');
    }
  }

  private number(): number {
    const b = this.b;
    const start = this.pos;
    let p = start;
    if (b[p] === MINUS) p++;
    if (b[p] === D0) p++;
    else if (isDigit(b[p] ?? -1)) {
      while (isDigit(b[p] ?? -1)) p++;
    } else {
      this.pos = p;
      this.fail('bad number');
    }
    let simple = true;
    if (b[p] === DOT) {
      simple = false;
      p++;
      if (!isDigit(b[p] ?? -1)) {
        this.pos = p;
        this.fail('bad number');
      }
      while (isDigit(b[p] ?? -1)) p++;
    }
    const e = b[p];
    if (e === 0x65 || e === 0x45) {
      simple = false;
      p++;
      if (b[p] === PLUS || b[p] === MINUS) p++;
      if (!isDigit(b[p] ?? -1)) {
        this.pos = p;
        this.fail('bad number');
      }
      while (isDigit(b[p] ?? -1)) p++;
    }
    this.pos = p;
    const neg = b[start] === MINUS;
    if (simple && p - start - (neg ? 1 : 0) <= 15) {
      let v = 0;
      for (let q = neg ? start + 1 : start; q < p; q++) v = v * 10 + (b[q]! - D0);
      return neg ? -v : v;
    }
    return Number(this.latin1(start, p));
  }

  /** `[[[uid, v], …], …]` with plain integers into PackedRows, or null (the caller re-reads it plainly). */
  private packedRows(): PackedRows | null {
    const last = packRows(this.b, this.pos);
    if (last < 0) return null;
    const end = last + 1;
    const rows = new PackedRows(packPtr.slice(0, packRowCount + 1), packPairs.slice(0, 2 * packPairCount));
    this.hooks?.found?.push({ start: this.pos, end, rows });
    this.pos = end;
    return rows;
  }
}

// packRows' scratch: grown as needed, copied out once per matrix
let packPtr = new Int32Array(0);
let packPairs = new Int32Array(0);
let packRowCount = 0;
let packPairCount = 0;

/**
 * The packed form of a sparse matrix from b[p] (a '['): one loop with few branches (it runs once, cold, so
 * it must reach optimised code early and stay there), results in the scratch arrays. Returns the position
 * of the closing ']', or -1 when the text is not of that form (reading past the end gives undefined,
 * which matches nothing and so also ends in -1). Nothing with type feedback follows the loop: the code
 * compiled for it mid-run would be thrown away on leaving it.
 */
function packRows(b: Uint8Array, p: number): number {
  // room for the most rows ("[]," each) and pairs ("[0,0]," each) the rest of the text can hold
  const rest = b.length - p;
  if (packPtr.length < rest / 3 + 2) packPtr = new Int32Array(rest / 3 + 2);
  if (packPairs.length < rest / 3 + 2) packPairs = new Int32Array(rest / 3 + 2);
  const ptr = packPtr;
  const pairs = packPairs;
  let rows = 0;
  let k = 0; // pair values written
  let pairCount = 0;
  let c = b[++p]!;
  while (c === SP || c === LF || c === CR || c === TAB) c = b[++p]!;
  ptr[0] = 0;
  if (c !== RBRACK) {
    for (;;) {
      // a row
      if (c !== LBRACK) return -1;
      c = b[++p]!;
      while (c === SP || c === LF || c === CR || c === TAB) c = b[++p]!;
      if (c !== RBRACK) {
        for (;;) {
          // a pair: two plain non-negative integers of at most 9 digits
          if (c !== LBRACK) return -1;
          for (let half = 0; half < 2; half++) {
            c = b[++p]!;
            while (c === SP || c === LF || c === CR || c === TAB) c = b[++p]!;
            const s = p;
            let x = 0;
            while (c >= D0 && c <= D9) {
              x = x * 10 + (c - D0);
              c = b[++p]!;
            }
            const digits = p - s;
            if (digits === 0 || digits > 9 || (digits > 1 && b[s] === D0)) return -1;
            while (c === SP || c === LF || c === CR || c === TAB) c = b[++p]!;
            if (c !== (half === 0 ? COMMA : RBRACK)) return -1;
            pairs[k++] = x;
          }
          c = b[++p]!;
          while (c === SP || c === LF || c === CR || c === TAB) c = b[++p]!;
          if (c === RBRACK) break;
          if (c !== COMMA) return -1;
          c = b[++p]!;
          while (c === SP || c === LF || c === CR || c === TAB) c = b[++p]!;
        }
      }
      pairCount = k >> 1;
      ptr[++rows] = pairCount;
      c = b[++p]!;
      while (c === SP || c === LF || c === CR || c === TAB) c = b[++p]!;
      if (c === RBRACK) break;
      if (c !== COMMA) return -1;
      c = b[++p]!;
      while (c === SP || c === LF || c === CR || c === TAB) c = b[++p]!;
    }
  }
  packRowCount = rows;
  packPairCount = pairCount;
  return p;
}

/**
 * PackedRows → CSR with n rows, exactly as `toSparseU16(rows.toRows(), n, what)` (rows past n ignored, uids
 * outside [0, n) dropped, values checked as u16): directly when every kept row is sorted and valid, through
 * toSparseU16 otherwise (its sorting, repeated-uid rule and error messages).
 */
export function packedToSparseU16(m: PackedRows, n: number, what: string): SparseU16 {
  const rows = Math.min(n, m.rowCount);
  const ptr = new Int32Array(n + 1);
  const col = new Int32Array(m.ptr[rows]!);
  const val = new Uint16Array(m.ptr[rows]!);
  const k = packedRowsInto(m, rows, n, ptr, col, val);
  if (k < 0) return toSparseU16(m.toRows(), n, what);
  for (let i = rows; i <= n; i++) ptr[i] = k;
  return { ptr, col: col.subarray(0, k), val: val.subarray(0, k) };
}

/**
 * The first `rows` rows into ptr/col/val (uids ≥ n dropped); the entry count, or -1 for rows toSparseU16
 * must read (unsorted, repeated uid, value above a u16). Ends with its loop: a cold process compiles the
 * loop mid-run, and code after it would throw that code away on leaving it.
 */
function packedRowsInto(
  m: PackedRows,
  rows: number,
  n: number,
  ptr: Int32Array,
  col: Int32Array,
  val: Uint16Array,
): number {
  const { ptr: rp, pairs } = m;
  let k = 0;
  for (let i = 0; i < rows; i++) {
    ptr[i] = k;
    let prev = -1;
    for (let e = rp[i]!; e < rp[i + 1]!; e++) {
      const j = pairs[2 * e]!;
      const v = pairs[2 * e + 1]!;
      if (v > 65535 || (j < n && j <= prev)) return -1;
      if (j >= n) continue;
      prev = j;
      col[k] = j;
      val[k] = v;
      k++;
    }
  }
  return k;
}
