/**
 * Child output as lines: a splitter for chunked stream data (partial lines, CR/LF, a cap on line length)
 * and an in-memory ring of the last N timestamped lines that followers can subscribe to.
 */
import { join } from 'node:path';
import { RotatingFile } from './rotating-file.js';
import { DEFAULTS, type LogLine, type LogSettings } from './types.js';

export const MAX_LINE_CHARS = 16 * 1024;

/** Feeds chunks, calls `onLine` for each complete line; `flush()` emits a trailing partial line. */
export class LineSplitter {
  private partial = '';
  constructor(
    private readonly onLine: (text: string) => void,
    private readonly maxChars = MAX_LINE_CHARS,
  ) {}

  push(chunk: string): void {
    let data = this.partial + chunk;
    let nl = data.indexOf('\n');
    while (nl !== -1) {
      this.emit(data.slice(0, nl));
      data = data.slice(nl + 1);
      nl = data.indexOf('\n');
    }
    while (data.length > this.maxChars) {
      this.emit(data.slice(0, this.maxChars));
      data = data.slice(this.maxChars);
    }
    this.partial = data;
  }

  flush(): void {
    if (this.partial.length > 0) this.emit(this.partial);
    this.partial = '';
  }

  private emit(line: string): void {
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

export type LineListener = (line: LogLine) => void;

/** The last `capacity` lines, oldest first, plus live subscribers. */
export class LogRing {
  private readonly lines: LogLine[] = [];
  private readonly listeners = new Set<LineListener>();
  constructor(readonly capacity: number) {}

  add(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
    for (const listener of this.listeners) listener(line);
  }

  tail(count: number): LogLine[] {
    if (count <= 0) return [];
    return this.lines.slice(-count);
  }

  get size(): number {
    return this.lines.length;
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: LineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `2025-01-02T03:04:05.678Z [stderr] text` — the on-disk and plain-text form of a line. */
export function formatLogLine(line: LogLine): string {
  return `${new Date(line.ts).toISOString()} [${line.stream}] ${line.text}`;
}

/** The ring and the rotated file `<logsDir>/<name>.log` of one child (or hosted member). */
export function openChildLog(logsDir: string, name: string, settings: LogSettings | undefined) {
  const logFile = join(logsDir, `${name}.log`);
  return {
    ring: new LogRing(settings?.ringLines ?? DEFAULTS.ringLines),
    logFile,
    file: new RotatingFile(
      logFile,
      settings?.maxFileBytes ?? DEFAULTS.maxFileBytes,
      settings?.keepFiles ?? DEFAULTS.keepFiles,
    ),
  };
}
