/**
 * Interactive questions, only ever on a TTY: a yes/no confirmation that defaults to No, and a password
 * read without echo. Scripts (--json, --yes, no TTY) never reach these. In core because the CLI and the
 * wallet (a password's last source) both ask.
 */
import { cancelledError, usageError } from './errors.js';

function requireTty(what: string): void {
  if (!process.stdin.isTTY)
    throw usageError('E_NOT_INTERACTIVE', `cannot ask for ${what}: stdin is not a terminal`);
}

/** Reads one line from the terminal; `mask` hides what is typed. Ctrl-C cancels (exit 130). */
export function readLine(question: string, mask = false): Promise<string> {
  requireTty(mask ? 'a password' : 'an answer');
  const stdin = process.stdin;
  const out = process.stderr;
  // Raw (no-echo) mode first, then the question: a password typed as soon as the prompt appears is
  // never echoed by the terminal.
  const wasRaw = stdin.isRaw;
  stdin.setRawMode(true);
  out.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.resume();
    stdin.setEncoding('utf8');
    const finish = (err?: Error) => {
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stdin.off('data', onData);
      out.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\u0003') return finish(cancelledError());
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u007f' || ch === '\b') {
          if (value.length > 0) {
            value = value.slice(0, -1);
            if (!mask) out.write('\b \b');
          }
          continue;
        }
        value += ch;
        if (!mask) out.write(ch);
      }
    };
    stdin.on('data', onData);
  });
}

/** Asks once; anything but y/yes is No. */
export async function confirm(question: string): Promise<boolean> {
  const answer = (await readLine(`${question} [y/N] `)).trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

/** Asks and throws E_CANCELLED (exit 130) on No. */
export async function confirmOrCancel(question: string): Promise<void> {
  if (!(await confirm(question))) throw cancelledError('declined; nothing was signed or sent');
}

export const readPassword = (question = 'Password: ') => readLine(question, true);
