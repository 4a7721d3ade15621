/**
 * Console themes: JSON files in the package's `themes/` and in `$TAO_HOME/themes/` (a user's file of the
 * same name wins), validated on load, then resolved for the terminal's colour depth into Ink colour
 * props, plus the glyph set (Unicode or ASCII).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usageError } from '../../core/errors.js';
import { asciiOnly } from '../format.js';
import type { ColorDepth } from './terminal.js';

export const COLOR_ROLES = [
  'text',
  'muted',
  'accent',
  'header',
  'own',
  'selectionBg',
  'selectionFg',
  'ok',
  'warn',
  'error',
  'badge',
] as const;
export type ColorRole = (typeof COLOR_ROLES)[number];

export interface ThemeFile {
  name: string;
  description?: string;
  colors: Record<ColorRole, string | null>;
}

export interface Glyphs {
  unicode: boolean;
  sortAsc: string;
  sortDesc: string;
  bullet: string;
  cursor: string;
  rule: string;
  spark: readonly string[];
  borderStyle: 'round' | 'classic';
  /** Text as the terminal can show it (ASCII replacements without UTF-8). */
  text: (s: string) => string;
}

/** A theme ready for rendering: Ink colour values (undefined = terminal default) and glyphs. */
export interface Theme {
  name: string;
  depth: ColorDepth;
  color: Record<ColorRole, string | undefined>;
  glyphs: Glyphs;
}

/** The package's own themes folder (`themes/` at the package root, from src/ or dist/). */
export const BUILTIN_THEMES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'themes');

const HEX = /^#[0-9a-fA-F]{6}$/;

export function parseThemeFile(text: string, where: string): ThemeFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw usageError('E_BAD_THEME', `theme ${where} is not valid JSON: ${(error as Error).message}`);
  }
  const obj = raw as { name?: unknown; description?: unknown; colors?: unknown };
  if (!obj || typeof obj !== 'object' || typeof obj.name !== 'string' || !obj.colors) {
    throw usageError('E_BAD_THEME', `theme ${where} needs a "name" and a "colors" object`);
  }
  const colors = obj.colors as Record<string, unknown>;
  const out = {} as Record<ColorRole, string | null>;
  for (const role of COLOR_ROLES) {
    const value = colors[role] ?? null;
    if (value !== null && (typeof value !== 'string' || !HEX.test(value))) {
      throw usageError('E_BAD_THEME', `theme ${where}: colour "${role}" must be "#rrggbb" or null`);
    }
    out[role] = value as string | null;
  }
  for (const key of Object.keys(colors)) {
    if (!(COLOR_ROLES as readonly string[]).includes(key)) {
      throw usageError('E_BAD_THEME', `theme ${where}: unknown colour role "${key}"`);
    }
  }
  return {
    name: obj.name,
    description: typeof obj.description === 'string' ? obj.description : undefined,
    colors: out,
  };
}

function themeFilesIn(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  if (!existsSync(dir)) return found;
  for (const f of readdirSync(dir)) if (f.endsWith('.json')) found.set(f.slice(0, -5), join(dir, f));
  return found;
}

/** Names of every theme available (built-in and user), sorted. */
export function listThemes(userDir?: string): string[] {
  const names = new Set([...themeFilesIn(BUILTIN_THEMES_DIR).keys()]);
  if (userDir) for (const n of themeFilesIn(userDir).keys()) names.add(n);
  return [...names].sort();
}

/** Loads theme `name`, the user's folder first; an unknown name is a usage error listing the choices. */
export function loadTheme(name: string, userDir?: string): ThemeFile {
  const path =
    (userDir ? themeFilesIn(userDir).get(name) : undefined) ?? themeFilesIn(BUILTIN_THEMES_DIR).get(name);
  if (!path) {
    throw usageError(
      'E_UNKNOWN_THEME',
      `no theme named "${name}"`,
      `available: ${listThemes(userDir).join(', ')}`,
    );
  }
  return parseThemeFile(readFileSync(path, 'utf8'), path);
}

const ANSI16: readonly [string, number, number, number][] = [
  ['black', 0, 0, 0],
  ['red', 205, 0, 0],
  ['green', 0, 205, 0],
  ['yellow', 205, 205, 0],
  ['blue', 0, 0, 238],
  ['magenta', 205, 0, 205],
  ['cyan', 0, 205, 205],
  ['white', 229, 229, 229],
  ['gray', 127, 127, 127],
  ['redBright', 255, 0, 0],
  ['greenBright', 0, 255, 0],
  ['yellowBright', 255, 255, 0],
  ['blueBright', 92, 92, 255],
  ['magentaBright', 255, 0, 255],
  ['cyanBright', 0, 255, 255],
  ['whiteBright', 255, 255, 255],
];

const rgb = (hex: string): [number, number, number] => [
  Number.parseInt(hex.slice(1, 3), 16),
  Number.parseInt(hex.slice(3, 5), 16),
  Number.parseInt(hex.slice(5, 7), 16),
];

/** Nearest xterm-256 colour index (6x6x6 cube or grey ramp). */
export function toAnsi256(hex: string): number {
  const [r, g, b] = rgb(hex);
  if (r === g && g === b) {
    if (r < 8) return 16;
    if (r > 248) return 231;
    return Math.round(((r - 8) / 247) * 24) + 232;
  }
  const c = (v: number) => Math.round((v / 255) * 5);
  return 16 + 36 * c(r) + 6 * c(g) + c(b);
}

/** Nearest of the 16 basic ANSI colours, by name (Ink colour prop). */
export function toAnsi16(hex: string): string {
  const [r, g, b] = rgb(hex);
  let best = 'white';
  let bestD = Number.POSITIVE_INFINITY;
  for (const [name, R, G, B] of ANSI16) {
    const d = (r - R) ** 2 + (g - G) ** 2 + (b - B) ** 2;
    if (d < bestD) {
      bestD = d;
      best = name;
    }
  }
  return best;
}

function colorFor(hex: string | null, depth: ColorDepth): string | undefined {
  if (hex === null || depth === 'none') return undefined;
  if (depth === 'truecolor') return hex;
  if (depth === '256') return `ansi256(${toAnsi256(hex)})`;
  return toAnsi16(hex);
}

export function glyphsFor(unicode: boolean): Glyphs {
  return unicode
    ? {
        unicode,
        sortAsc: '▲',
        sortDesc: '▼',
        bullet: '●',
        cursor: '▶',
        rule: '─',
        spark: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
        borderStyle: 'round',
        text: (s) => s,
      }
    : {
        unicode,
        sortAsc: '^',
        sortDesc: 'v',
        bullet: '*',
        cursor: '>',
        rule: '-',
        spark: ['_', '.', ':', '-', '=', '+', '*', '#'],
        borderStyle: 'classic',
        text: asciiOnly,
      };
}

export function resolveTheme(file: ThemeFile, depth: ColorDepth, unicode: boolean): Theme {
  const color = {} as Record<ColorRole, string | undefined>;
  for (const role of COLOR_ROLES) color[role] = colorFor(file.colors[role], depth);
  return { name: file.name, depth, color, glyphs: glyphsFor(unicode) };
}
