/**
 * Reusable scratch buffers for the epoch's entry-sized intermediates (a few MB at n = 4096): reusing them
 * keeps the garbage collector out of the hot path. Only for arrays that never escape one `runEpoch` call
 * (it is synchronous) and that are fully written before they are read: contents are not zeroed.
 */
const buffers = new Map<string, ArrayBuffer>();

function buffer(tag: string, bytes: number): ArrayBuffer {
  let b = buffers.get(tag);
  if (!b || b.byteLength < bytes) {
    b = new ArrayBuffer(Math.max(bytes, 1024, (b?.byteLength ?? 0) * 2));
    buffers.set(tag, b);
  }
  return b;
}

export const scratchF64 = (tag: string, len: number): Float64Array =>
  new Float64Array(buffer(tag, len * 8), 0, len);
export const scratchI32 = (tag: string, len: number): Int32Array =>
  new Int32Array(buffer(tag, len * 4), 0, len);
export const scratchU8 = (tag: string, len: number): Uint8Array => new Uint8Array(buffer(tag, len), 0, len);
