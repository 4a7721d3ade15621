/** The resolved theme for every component (colour props and glyphs), through React context. */
import { createContext, useContext } from 'react';
import { glyphsFor, type Theme } from './theme.js';

const FALLBACK: Theme = {
  name: 'mono',
  depth: 'none',
  color: {
    text: undefined,
    muted: undefined,
    accent: undefined,
    header: undefined,
    own: undefined,
    selectionBg: undefined,
    selectionFg: undefined,
    ok: undefined,
    warn: undefined,
    error: undefined,
    badge: undefined,
  },
  glyphs: glyphsFor(true),
};

export const ThemeContext = createContext<Theme>(FALLBACK);
export const useTheme = (): Theme => useContext(ThemeContext);
