/**
 * Writing JSON text as bytes: ASCII pieces and integers go straight into a byte buffer that is handed to a
 * sink in chunks (or kept whole), so a 5 MB document never exists as one JS string.
 */

const CHUNK = 1 << 20;

export class ByteWriter {
  /**
   * The buffer and the next free position: bulk writers may write `buf[pos..]` directly within room they
   * reserved and then set `pos` (a tight loop on locals is what a cold process runs fastest).
   */
  buf: Buffer;
  pos = 0;

  /**
   * With a sink, chunks of about `chunk` bytes go to it (each a fresh buffer, never reused); without one,
   * it all stays.
   */
  constructor(
    private readonly sink?: (chunk: Uint8Array) => void,
    private readonly chunk = CHUNK,
  ) {
    this.buf = Buffer.allocUnsafeSlow(chunk);
  }

  /** Room for `extra` more bytes: flush to the sink, or grow. The *Unchecked writers rely on it. */
  reserve(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    if (this.sink) {
      this.flush();
      if (extra <= this.buf.length) return;
    }
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + extra));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** Hands what is buffered to the sink (a no-op without one). */
  flush(): void {
    if (!this.sink || this.pos === 0) return;
    this.sink(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafeSlow(this.chunk);
    this.pos = 0;
  }

  /** Everything written (without a sink). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** An ASCII string (keys, punctuation, number text). */
  ascii(s: string): void {
    this.reserve(s.length);
    this.asciiUnchecked(s);
  }

  /** An ASCII string of any length, copied natively (a joined array). */
  text(s: string): void {
    this.reserve(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  /** An ASCII string into reserved room. */
  asciiUnchecked(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }
}

/**
 * Writes the decimal digits of `x` (an integer, 0 <= x < 2^31) at `buf[p..]` and returns the position after
 * them. Room is the caller's (10 bytes).
 */
export function putUint(buf: Uint8Array, p0: number, x0: number): number {
  let x = x0;
  const digits =
    x < 10
      ? 1
      : x < 100
        ? 2
        : x < 1000
          ? 3
          : x < 10000
            ? 4
            : x < 100000
              ? 5
              : x < 1000000
                ? 6
                : uintDigits(x);
  const end = p0 + digits;
  let p = end;
  while (x >= 10) {
    const q = (x / 10) | 0;
    buf[--p] = 48 + x - q * 10;
    x = q;
  }
  buf[--p] = 48 + x;
  return end;
}

function uintDigits(x: number): number {
  let d = 7;
  for (let t = 10000000; t <= x && d < 10; t *= 10) d++;
  return d;
}
