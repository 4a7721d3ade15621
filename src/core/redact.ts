/** Secrets given on the command line must never reach a log or an error message. */

const SECRET_FLAGS = new Set(['--mnemonic', '--password', '--seed', '--private-key', '--secret']);

export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (SECRET_FLAGS.has(flag)) {
      if (eq > 0) out.push(`${flag}=<redacted>`);
      else {
        out.push(arg);
        if (i + 1 < argv.length) {
          out.push('<redacted>');
          i++;
        }
      }
    } else out.push(arg);
  }
  return out;
}

/** Replaces every occurrence of the given secrets in a text (for messages that might echo input). */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length > 0) result = result.split(secret).join('<redacted>');
  return result;
}
