/**
 * Reading the user's config ($TAO_HOME/config.json) on the hot path with plain fs, so that fast commands
 * do not pay for `conf`'s schema machinery; `tao config` writes it through `conf`.
 */
import { readFileSync } from 'node:fs';
import { paths } from './paths.js';

export interface TaoConfig {
  node?: string;
  network?: string;
  wallet?: string;
  hotkey?: string;
  theme?: string;
  keys?: Record<string, string>;
}

export function readConfig(home: string): TaoConfig {
  try {
    const parsed: unknown = JSON.parse(readFileSync(paths(home).config, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as TaoConfig) : {};
  } catch {
    return {};
  }
}
