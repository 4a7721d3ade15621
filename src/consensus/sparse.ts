/** Sparse u16 matrices (CSR) for weights and bonds: building them from row lists and back. */

export type Semantics = 'chain' | 'dense';

/** One row per uid: `[uid, u16]` pairs. */
export type SparseRows = readonly (readonly (readonly [number, number])[])[];

/** CSR: row i is `col/val[ptr[i] .. ptr[i+1])`, columns ascending and unique. */
export interface SparseU16 {
  readonly ptr: Int32Array;
  readonly col: Int32Array;
  readonly val: Uint16Array;
}

export const isSparseU16 = (m: SparseRows | SparseU16): m is SparseU16 =>
  (m as SparseU16).ptr instanceof Int32Array;

/**
 * Row lists → CSR with n rows: entries with uid outside [0, n) are dropped, each row is sorted by uid and a
 * repeated uid keeps its last value (as the reference's dense view). Values must be u16 integers.
 */
export function toSparseU16(m: SparseRows | SparseU16, n: number, what = 'matrix'): SparseU16 {
  if (isSparseU16(m)) {
    if (m.ptr.length === n + 1) return m;
    return resize(m, n);
  }
  if (!Array.isArray(m)) throw new RangeError(`${what} must be a list of rows`);
  let nnz = 0;
  for (let i = 0; i < n && i < m.length; i++) {
    const row = m[i];
    if (!Array.isArray(row)) throw new RangeError(`${what} row ${i} must be a list of [uid, u16] entries`);
    nnz += row.length;
  }
  const ptr = new Int32Array(n + 1);
  const col = new Int32Array(nnz);
  const val = new Uint16Array(nnz);
  let k = 0;
  for (let i = 0; i < n; i++) {
    ptr[i] = k;
    const row = i < m.length ? m[i]! : [];
    const start = k;
    let sorted = true;
    let prev = -1;
    for (const entry of row) {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new RangeError(`${what} row ${i}: entry ${JSON.stringify(entry)} is not [uid, u16]`);
      }
      const j = entry[0] as number;
      const v = entry[1] as number;
      if (!Number.isInteger(j) || !Number.isInteger(v) || j < 0 || v < 0 || v > 65535) {
        throw new RangeError(`${what} row ${i}: entry [${j}, ${v}] is not [uid, u16]`);
      }
      if (j < 0 || j >= n) continue;
      if (j <= prev) sorted = false;
      prev = j;
      col[k] = j;
      val[k] = v;
      k++;
    }
    if (!sorted) k = start + sortRow(col, val, start, k);
  }
  ptr[n] = k;
  return { ptr, col: col.subarray(0, k), val: val.subarray(0, k) };
}

/** Sorts col/val[a..b) by column, a repeated column keeps the later value; returns the new length. */
function sortRow(col: Int32Array, val: Uint16Array, a: number, b: number): number {
  const idx = Array.from({ length: b - a }, (_, t) => a + t);
  idx.sort((x, y) => col[x]! - col[y]! || x - y);
  const c = idx.map((t) => col[t]!);
  const v = idx.map((t) => val[t]!);
  let k = a;
  for (let t = 0; t < c.length; t++) {
    if (t + 1 < c.length && c[t + 1] === c[t]) continue; // a later duplicate wins
    col[k] = c[t]!;
    val[k] = v[t]!;
    k++;
  }
  return k - a;
}

function resize(m: SparseU16, n: number): SparseU16 {
  const rows = m.ptr.length - 1;
  const ptr = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    ptr[i] = cols.length;
    if (i >= rows) continue;
    for (let e = m.ptr[i]!; e < m.ptr[i + 1]!; e++) {
      if (m.col[e]! < n) {
        cols.push(m.col[e]!);
        vals.push(m.val[e]!);
      }
    }
  }
  ptr[n] = cols.length;
  return { ptr, col: Int32Array.from(cols), val: Uint16Array.from(vals) };
}

/** CSR → row lists (`[[uid, u16], …]` per row), as the vectors and `tao sim epoch` print them. */
export function sparseToRows(m: SparseU16): [number, number][][] {
  const out: [number, number][][] = [];
  for (let i = 0; i + 1 < m.ptr.length; i++) {
    const row: [number, number][] = [];
    for (let e = m.ptr[i]!; e < m.ptr[i + 1]!; e++) row.push([m.col[e]!, m.val[e]!]);
    out.push(row);
  }
  return out;
}
