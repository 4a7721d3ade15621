/**
 * Writing JSON text as bytes: ASCII pieces and integers go straight into a byte buffer that is handed to a
 * sink in chunks (or kept whole), so a 5 MB document never exists as one JS string.
 */

const CHUNK = 1 << 20;

export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;

  /**
   * With a sink, chunks of about `chunk` bytes go to it (each a fresh buffer, never reused); without one,
   * it all stays.
   */
  constructor(
    private readonly sink?: (chunk: Uint8Array) => void,
    private readonly chunk = CHUNK,
  ) {
    this.buf = new Uint8Array(chunk);
  }

  /** Room for `extra` more bytes: flush to the sink, or grow. The *Unchecked writers rely on it. */
  reserve(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    if (this.sink) {
      this.flush();
      if (extra <= this.buf.length) return;
    }
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** Hands what is buffered to the sink (a no-op without one). */
  flush(): void {
    if (!this.sink || this.pos === 0) return;
    this.sink(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(this.chunk);
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

  /** An ASCII string into reserved room. */
  asciiUnchecked(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** One ASCII byte into reserved room. */
  byteUnchecked(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** An integer (number or bigint) in decimal, into reserved room (MAX_INT_CHARS). */
  intUnchecked(x: number | bigint): void {
    if (typeof x === 'number' && x >= 0 && x <= 0xffffffff && x === Math.floor(x)) this.u32Unchecked(x);
    else if (typeof x === 'bigint' && x >= 0n && x <= 0xffffffffn) this.u32Unchecked(Number(x));
    else this.asciiUnchecked(String(x));
  }

  /** 0 ≤ x < 2^32, integral, into reserved room (10 bytes). */
  u32Unchecked(x: number): void {
    const buf = this.buf;
    if (x < 10) {
      buf[this.pos++] = 0x30 + x;
      return;
    }
    let digits = 2;
    for (let t = 100; t <= x && digits < 10; t *= 10) digits++;
    let p = this.pos + digits;
    this.pos = p;
    while (x >= 10) {
      const q = Math.floor(x / 10);
      buf[--p] = 0x30 + (x - q * 10);
      x = q;
    }
    buf[--p] = 0x30 + x;
  }
}

/** The most characters an integer of the epoch output takes (a u64 or i128 as text, with a sign). */
export const MAX_INT_CHARS = 41;
