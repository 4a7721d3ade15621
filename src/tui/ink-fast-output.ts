/**
 * A faster path through Ink's frame output, same bytes out. Ink turns every written line of every frame
 * into styled cells with a grapheme segmenter (about 2 µs per character, most of a 4,096-neuron Ranking
 * frame) and forgets them after the frame. This wraps Ink's `Output.get` so that its per-frame
 * `getStyledChars(line)` is served (1) from the lines of the previous two frames, and (2) for lines of
 * printable ASCII and SGR colour codes, without segmenting: the styles in effect after each run of SGR
 * codes are asked of Ink itself (its own tokenizer on the codes plus one character), the cells are built
 * from them. Anything else (other escapes, non-ASCII) goes to Ink unchanged. Installed only when Ink's
 * internals have the expected shape and a self-check matches Ink's own result; otherwise Ink is untouched.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** One cell as Ink's tokenizer makes it (`@alcalzone/ansi-tokenize` StyledChar). */
export interface StyledChar {
  type: 'char';
  value: string;
  fullWidth: boolean;
  styles: readonly unknown[];
}
export type GetStyledChars = (line: string) => StyledChar[];
/** Like GetStyledChars; lines off the fast path go to `fallback` (the frame's own Ink cache). */
export type FastStyledChars = (line: string, fallback: GetStyledChars) => StyledChar[];

interface OutputLike {
  caches?: { getStyledChars?: GetStyledChars };
  get(): { output: string; height: number };
}
interface OutputClass {
  new (options: { width: number; height: number }): OutputLike;
  prototype: OutputLike;
}

// Printable ASCII, a few blocks of single-code-point symbols (Latin-1, Greek, punctuation, arrows, maths,
// box drawing, geometric shapes: the console's glyphs such as … τ ● ▶) and SGR sequences (ESC [ digits or
// semicolons m). Every one of these characters is a grapheme of its own (no combining marks, joiners,
// controls or surrogates in these ranges), so no segmenter is needed; each non-ASCII one is also checked
// with Ink once before it is trusted.
const PLAIN =
  /^(?:[\x20-\x7e\xa0-\xac\xae-\xff\u0370-\u03ff\u2010-\u2027\u2030-\u205e\u2190-\u22ff\u2500-\u25ff]|\x1b\[[0-9;]*m)*$/;
const SGR = /\x1b\[[0-9;]*m/g;
const PREFIX_LIMIT = 512;

interface Run {
  styles: readonly unknown[];
  /** Interned cells by char code: cells are never mutated by Ink, so one object serves every use. */
  ascii: (StyledChar | undefined)[];
  other: Map<number, StyledChar>;
}

/**
 * The fast tokenizer over Ink's own (`reference`, which must not keep what it is given): the result equals
 * Ink's for every line; lines off the fast path are handed to `fallback`.
 */
export function createStyledChars(reference: GetStyledChars): FastStyledChars {
  // Styles in effect after a given sequence of SGR codes, asked of Ink once per distinct sequence.
  const runs = new Map<string, Run>();
  const runFor = (codes: string): Run => {
    let run = runs.get(codes);
    if (run === undefined) {
      if (runs.size >= PREFIX_LIMIT) runs.clear();
      const probe = reference(`${codes}x`);
      run = { styles: probe.at(-1)?.styles ?? [], ascii: [], other: new Map() };
      runs.set(codes, run);
    }
    return run;
  };
  // Non-ASCII characters as Ink sees them between ASCII neighbours: its own grapheme (then its fullWidth
  // flag) or not (null: lines with it take Ink's path).
  const symbols = new Map<number, boolean | null>();
  const symbol = (code: number): boolean | null => {
    let fullWidth = symbols.get(code);
    if (fullWidth === undefined) {
      const c = String.fromCharCode(code);
      const cells = reference(`a${c}a`);
      fullWidth = cells.length === 3 && cells[1]?.value === c ? cells[1].fullWidth : null;
      symbols.set(code, fullWidth);
    }
    return fullWidth;
  };
  const nonAscii = /[^\x1b\x20-\x7e]/g;
  const symbolsOk = (line: string): boolean => {
    nonAscii.lastIndex = 0;
    for (let m = nonAscii.exec(line); m !== null; m = nonAscii.exec(line)) {
      if (symbol(m[0].charCodeAt(0)) === null) return false;
    }
    return true;
  };
  const push = (out: StyledChar[], run: Run, text: string) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let cell = c < 128 ? run.ascii[c] : run.other.get(c);
      if (cell === undefined) {
        const fullWidth = c < 128 ? false : (symbol(c) ?? false);
        cell = { type: 'char', value: text[i]!, fullWidth, styles: run.styles };
        if (c < 128) run.ascii[c] = cell;
        else run.other.set(c, cell);
      }
      out.push(cell);
    }
  };
  return (line, fallback) => {
    if (!PLAIN.test(line) || !symbolsOk(line)) return fallback(line);
    const out: StyledChar[] = [];
    let codes = '';
    let run = runFor('');
    let at = 0;
    SGR.lastIndex = 0;
    for (let m = SGR.exec(line); m !== null; m = SGR.exec(line)) {
      if (m.index > at) push(out, run, line.slice(at, m.index));
      codes += m[0];
      run = runFor(codes);
      at = m.index + m[0].length;
    }
    if (at < line.length) push(out, run, line.slice(at));
    return out;
  };
}

/** Lines of the last two frames, so a line unchanged since then is not tokenized again. */
export function createFrameCache(compute: FastStyledChars): {
  /** The `getStyledChars` of one frame, whose own Ink cache is `fallback`. */
  frame(fallback: GetStyledChars): GetStyledChars;
} {
  let current = new Map<string, StyledChar[]>();
  let previous = new Map<string, StyledChar[]>();
  return {
    frame(fallback) {
      previous = current;
      current = new Map();
      const lines = current;
      return (line) => {
        let chars = lines.get(line);
        if (chars === undefined) {
          chars = previous.get(line) ?? compute(line, fallback);
          lines.set(line, chars);
        }
        return chars;
      };
    },
  };
}

let installed: { Output: OutputClass; get: OutputLike['get'] } | null = null;

async function loadOutput(): Promise<OutputClass | null> {
  try {
    const inkMain = createRequire(import.meta.url).resolve('ink');
    const mod = (await import(pathToFileURL(join(dirname(inkMain), 'output.js')).href)) as {
      default?: unknown;
    };
    const Output = mod.default as OutputClass | undefined;
    if (typeof Output !== 'function' || typeof Output.prototype.get !== 'function') return null;
    const probe = new Output({ width: 1, height: 1 });
    return typeof probe.caches?.getStyledChars === 'function' ? Output : null;
  } catch {
    return null;
  }
}

/** Ink's own `getStyledChars`, each call on a fresh cache (nothing kept); null when not available. */
export async function inkStyledChars(): Promise<GetStyledChars | null> {
  const Output = installed?.Output ?? (await loadOutput());
  if (!Output) return null;
  return (line) => {
    const caches = new Output({ width: 1, height: 1 }).caches!;
    return caches.getStyledChars!.call(caches, line);
  };
}

const SELF_CHECK = [
  '\x1b[1;38;2;1;2;3mbold rgb\x1b[22m plain \x1b[7m inv \x1b[0m end  ',
  '\x1b[38;5;12m\x1b[48;2;9;9;9m  a b \x1b[39m c\x1b[49m\x1b[0m',
  'no styles at all',
];

/**
 * Wraps Ink's Output so frames go through the caches above. Resolves to whether it is installed (false:
 * Ink's internals are not as expected, and Ink runs unchanged). Idempotent.
 */
export async function installFastOutput(): Promise<boolean> {
  if (installed) return true;
  const Output = await loadOutput();
  const reference = await inkStyledChars();
  if (!Output || !reference) return false;
  const fast = createStyledChars(reference);
  for (const line of SELF_CHECK) {
    if (JSON.stringify(fast(line, reference)) !== JSON.stringify(reference(line))) return false;
  }
  const frames = createFrameCache(fast);
  const get = Output.prototype.get;
  Output.prototype.get = function (this: OutputLike) {
    const caches = this.caches;
    const own = caches?.getStyledChars;
    if (caches && typeof own === 'function') caches.getStyledChars = frames.frame(own.bind(caches));
    return get.call(this);
  };
  installed = { Output, get };
  return true;
}

/** Puts Ink's Output back as it was (tests compare frames with and without). */
export function uninstallFastOutput(): void {
  if (!installed) return;
  installed.Output.prototype.get = installed.get;
  installed = null;
}
