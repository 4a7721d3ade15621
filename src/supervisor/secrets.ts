/**
 * The secrets a child was handed — values of secret-looking environment variables (its spec's and the
 * daemon's own, which it inherits) and of secret flags in its argv — so that its output can be scrubbed
 * of them before any line reaches the ring, the log file, `logs`, `follow` or the console.
 */
import { redactArgv, redactText } from '../core/redact.js';
import type { ChildSpec } from './types.js';

const SECRET_ENV = /PASS(WORD|PHRASE)?|SECRET|MNEMONIC|PRIVATE|TOKEN|API_?KEY/i;

/** Whether an environment variable's name says its value is a secret (kept off disk and out of output). */
export const isSecretEnv = (key: string): boolean => SECRET_ENV.test(key);

/** Shorter values are too common to scrub without garbling every line (tao passwords have ≥ 8). */
export const MIN_SECRET_CHARS = 4;

export function childSecrets(spec: ChildSpec, baseEnv: NodeJS.ProcessEnv = process.env): string[] {
  const found = new Set<string>();
  const env = { ...baseEnv, ...spec.env };
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && SECRET_ENV.test(key)) found.add(value);
  }
  const args = spec.args ?? [];
  const redacted = redactArgv(args);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const out = redacted[i]!;
    if (out === arg) continue;
    found.add(out.endsWith('=<redacted>') ? arg.slice(arg.indexOf('=') + 1) : arg);
  }
  // Longest first, so a secret containing another is replaced whole.
  return [...found].filter((s) => s.length >= MIN_SECRET_CHARS).sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced by `<redacted>`. */
export const scrub = (text: string, secrets: readonly string[]): string =>
  secrets.length === 0 ? text : redactText(text, secrets);
