/**
 * An append-only log file that rotates by size: `<file>` → `<file>.1` → … → `<file>.<keep>` (the oldest
 * is dropped). Writes are synchronous so lines are on disk in order even if the daemon dies next.
 */
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export class RotatingFile {
  private fd: number | null = null;
  private size = 0;

  constructor(
    readonly path: string,
    readonly maxBytes: number,
    readonly keep: number,
  ) {}

  write(text: string): void {
    const data = Buffer.from(text);
    if (this.fd === null) this.open();
    if (this.size > 0 && this.size + data.length > this.maxBytes) this.rotate();
    writeSync(this.fd!, data);
    this.size += data.length;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    if (this.keep <= 0) rmSync(this.path, { force: true });
    else {
      rmSync(`${this.path}.${this.keep}`, { force: true });
      for (let i = this.keep - 1; i >= 1; i--) {
        if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      }
      renameSync(this.path, `${this.path}.1`);
    }
    this.open();
  }
}
