/**
 * Printing results: with --json exactly one JSON document on stdout; otherwise text for people,
 * aligned tables, colour only on a TTY and never with NO_COLOR.
 */

export function printJson(data: unknown): void {
  process.stdout.write(`${JSON.stringify(data, jsonReplacer, 2)}\n`);
}

/** bigint never reaches JSON by accident: callers format amounts as TAO strings first. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') throw new Error('bigint in JSON output: format it with formatTao first');
  return value;
}

export function printText(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Prints `data` as JSON, or the text the renderer makes of it. */
export function emit<T>(json: boolean, data: T, render: (data: T) => string): void {
  if (json) printJson(data);
  else printText(render(data));
}

export const useColor = (): boolean =>
  Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';

const paint = (code: string) => (text: string) => (useColor() ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = paint('1');
export const dim = paint('2');
export const red = paint('31');
export const green = paint('32');
export const yellow = paint('33');

/** Aligned columns; numeric-looking cells are right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = headers.map(
    (_, c) => rows.length > 0 && rows.every((r) => /^-?[\d.,]+( τ)?$/.test(r[c] ?? '')),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [bold(line(headers)), ...rows.map(line)].join('\n');
}

/** A "key: value" block for a single record. */
export function keyValues(entries: readonly (readonly [string, string])[]): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${dim(k.padEnd(width))}  ${v}`).join('\n');
}
