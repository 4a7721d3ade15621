/**
 * Text whose content changes without bound (block numbers, ages, table bodies), laid out without growing
 * Ink's measure cache. Ink 6 remembers the size of every distinct string it lays out in a module-level
 * Map that is never pruned (ink/build/measure-text.js): a console redrawing new numbers for hours keeps
 * every string it ever showed (the status line: ~200 bytes a block; a table body: its whole text, ~9 KB,
 * per data change or new cursor position). Here Ink lays out a blank block of the same size (one cache
 * entry per size) and each real line replaces its blank line when the frame is written (<Transform>).
 * Each line must be at most `width` columns (fitText) and pre-styled (theme/sgr.ts `styled`); the block
 * must not be clipped at its top or left (Ink numbers the transformed lines after clipping).
 */
import { Transform } from 'ink';

// Escape sequences (CSI, OSC, other ESC pairs) and lone control characters. Ink strips all but SGR from
// the text it lays out (sanitize-ansi); these lines skip that path, so they are cleaned the same way.
const ESCAPES =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[ -~]?|[\x00-\x1f\x7f-\x9f]/g;
const SGR = /^\x1b\[[0-9;:]*m$/;

/** `line` with every escape sequence but SGR codes, and every other control character, removed. */
export function keepSgrOnly(line: string): string {
  return line.replace(ESCAPES, (m) => (SGR.test(m) ? m : ''));
}

function blank(width: number, height: number): string {
  const line = ' '.repeat(width);
  return Array.from({ length: height }, () => line).join('\n');
}

export function FixedText({ lines, width }: { lines: readonly string[]; width: number }) {
  if (lines.length === 0 || width <= 0) return null;
  return (
    // A screen reader gets the real text (Ink lays that out instead; screen-reader mode only).
    <Transform
      transform={(_line, index) => keepSgrOnly(lines[index] ?? '')}
      accessibilityLabel={lines.join('\n')}
    >
      {blank(width, lines.length)}
    </Transform>
  );
}
