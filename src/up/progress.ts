/**
 * Progress of `tao up`/`tao down` for people: numbered steps ("[2/6] starting the ledger node…") and notes,
 * one line each on stderr. Silent under --json, where only the final document is printed.
 */

export interface Progress {
  /** Begins the next numbered step. */
  step(text: string): void;
  /** A detail of the current step. */
  note(text: string): void;
  /** Something the operator should read (shown even when notes are terse). */
  warn(text: string): void;
}

export const silentProgress: Progress = {
  step: () => undefined,
  note: () => undefined,
  warn: () => undefined,
};

/** `total` 0: steps without a counter (when their number is not known in advance). */
export function textProgress(
  total: number,
  write: (line: string) => void = (l) => process.stderr.write(l),
): Progress {
  let n = 0;
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  return {
    step(text) {
      n++;
      write(`${total > 0 ? `[${n}/${total}]` : '-'} ${text} (${elapsed()})\n`);
    },
    note(text) {
      write(`      ${text}\n`);
    },
    warn(text) {
      write(`${text}\n`);
    },
  };
}
