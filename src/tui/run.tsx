/**
 * Starting the interactive console: resolve theme and key bindings (bad config is a usage error before
 * anything is drawn), render the shell with Ink, and tie everything to the lifecycle.
 */
import { render } from 'ink';
import { usageError } from '../core/errors.js';
import type { DataSource } from './data/types.js';
import { applyOverrides, DEFAULT_BINDINGS, KeyConfigError, registeredBindings, type ViewId } from './keys.js';
import { installFastOutput } from './ink-fast-output.js';
import { createLifecycle } from './lifecycle.js';
import { Console } from './root.js';
import { detectColorDepth, detectUnicode } from './theme/terminal.js';
import { loadTheme, resolveTheme, type Theme } from './theme/theme.js';

export interface ConsoleOptions {
  source: DataSource;
  readonly: boolean;
  /** Theme name (flag or config); `mono` is implied by NO_COLOR / no colour support. */
  theme?: string;
  userThemesDir?: string;
  keyOverrides?: Record<string, unknown>;
  initialView?: ViewId;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  env?: NodeJS.ProcessEnv;
}

/** The theme for this terminal: NO_COLOR or no colour support forces `mono`. */
export function themeForTerminal(
  name: string | undefined,
  env: NodeJS.ProcessEnv,
  isTTY: boolean,
  userThemesDir?: string,
): Theme {
  const depth = detectColorDepth(env, isTTY);
  const file = loadTheme(depth === 'none' ? 'mono' : (name ?? 'default'), userThemesDir);
  return resolveTheme(file, depth, detectUnicode(env));
}

export function sessionBindings(readonly: boolean, overrides?: Record<string, unknown>) {
  try {
    return registeredBindings(applyOverrides(DEFAULT_BINDINGS, overrides), readonly);
  } catch (error) {
    if (error instanceof KeyConfigError) {
      throw usageError('E_BAD_KEYS', error.message, 'fix "keys" in $TAO_HOME/config.json');
    }
    throw error;
  }
}

/** Runs the console until the user quits or a signal arrives; resolves after the terminal is restored. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const env = options.env ?? process.env;
  const bindings = sessionBindings(options.readonly, options.keyOverrides);
  const theme = themeForTerminal(options.theme, env, Boolean(stdout.isTTY), options.userThemesDir);
  await installFastOutput();
  const lifecycle = createLifecycle({ stdout, altScreen: Boolean(stdout.isTTY) });
  lifecycle.add(() => options.source.close());
  options.source.start();
  const instance = render(
    <Console
      source={options.source}
      theme={theme}
      readonly={options.readonly}
      bindings={bindings}
      initialView={options.initialView}
    />,
    // Not Ink's `incrementalRendering`: it would send ~0.5 kB instead of ~5 kB per cursor move at 120x40,
    // but in Ink 6.8 it leaves the screen misaligned in a real terminal (tmux e2e: duplicated lines,
    // the tab bar scrolled away), so every frame is written whole.
    { stdout, stdin: options.stdin ?? process.stdin, exitOnCtrlC: false, patchConsole: true },
  );
  lifecycle.add(() => instance.unmount());
  try {
    await instance.waitUntilExit();
  } finally {
    lifecycle.dispose();
  }
}
