/**
 * Pre-styling text with SGR escape codes from the theme's Ink colour strings ('#rrggbb', 'ansi256(n)',
 * or a basic colour name), so a whole table body can be one Ink <Text>: one node to lay out and measure
 * per frame instead of one per row.
 */

const BASIC = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

/** The SGR parameters selecting `color` as foreground (base 30) or background (base 40), or null. */
export function colorParams(color: string | undefined, background: boolean): string | null {
  if (!color) return null;
  const base = background ? 40 : 30;
  if (color.startsWith('#') && color.length === 7) {
    const n = (i: number) => Number.parseInt(color.slice(i, i + 2), 16);
    return `${base + 8};2;${n(1)};${n(3)};${n(5)}`;
  }
  const m = /^ansi256\((\d{1,3})\)$/.exec(color);
  if (m) return `${base + 8};5;${m[1]}`;
  if (color === 'gray' || color === 'grey') return String(base + 60);
  const bright = color.endsWith('Bright');
  const i = BASIC.indexOf((bright ? color.slice(0, -6) : color) as (typeof BASIC)[number]);
  if (i < 0) return null;
  return String(base + i + (bright ? 60 : 0));
}

export interface Style {
  color?: string | undefined;
  backgroundColor?: string | undefined;
  bold?: boolean;
  inverse?: boolean;
}

/** `text` wrapped in the SGR codes of `style` and a full reset; unchanged when the style is empty. */
export function styled(text: string, style: Style): string {
  const params: string[] = [];
  if (style.bold) params.push('1');
  if (style.inverse) params.push('7');
  const fg = colorParams(style.color, false);
  if (fg) params.push(fg);
  const bg = colorParams(style.backgroundColor, true);
  if (bg) params.push(bg);
  if (params.length === 0) return text;
  return `\x1b[${params.join(';')}m${text}\x1b[0m`;
}
