/**
 * What the terminal can show, decided once at start from the environment: colour depth
 * (truecolor → 256 → 16 → none, `NO_COLOR` wins) and whether the locale is UTF-8 (else ASCII glyphs).
 */

export type ColorDepth = 'truecolor' | '256' | '16' | 'none';

export function detectColorDepth(env: NodeJS.ProcessEnv, isTTY: boolean): ColorDepth {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 'none';
  const force = env.FORCE_COLOR;
  if (force === '0' || force === 'false') return 'none';
  if (force === '3') return 'truecolor';
  if (force === '2') return '256';
  if (force === '1' || force === 'true' || force === '') return '16';
  if (!isTTY) return 'none';
  const term = (env.TERM ?? '').toLowerCase();
  if (term === 'dumb') return 'none';
  const colorterm = (env.COLORTERM ?? '').toLowerCase();
  if (colorterm === 'truecolor' || colorterm === '24bit') return 'truecolor';
  if (term.includes('256') || term.includes('direct')) return term.includes('direct') ? 'truecolor' : '256';
  return '16';
}

/** True when the locale (LC_ALL, then LC_CTYPE, then LANG) names UTF-8. */
export function detectUnicode(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}
