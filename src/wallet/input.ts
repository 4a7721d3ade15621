/**
 * Secrets read from files or stdin (`-`): password files and mnemonic files. Stdin can be read once per
 * process, so two secrets both asked from `-` is a usage error instead of a silent empty second value.
 */
import { readFileSync } from 'node:fs';
import { usageError } from '../core/errors.js';

let stdinTaken: string | undefined;

function readStdin(purpose: string): string {
  if (stdinTaken !== undefined)
    throw usageError(
      'E_STDIN_TWICE',
      `stdin is already used for the ${stdinTaken}; it cannot also give the ${purpose}`,
      'put one of them in a file',
    );
  stdinTaken = purpose;
  try {
    return readFileSync(0, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN')
      throw usageError('E_STDIN', `cannot read the ${purpose} from stdin: it is not ready`);
    if (code === 'EOF') return '';
    throw error;
  }
}

/** Reads a whole text file, or stdin for `-`; a missing/unreadable file is a usage error (exit 2). */
export function readSecretFile(file: string, purpose: string): string {
  if (file === '-') return readStdin(purpose);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(
      'E_BAD_FILE',
      `cannot read the ${purpose} file ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'error')}`,
    );
  }
}

/** The first line of a password file, without its line ending. */
export function passwordFromText(text: string): string {
  const newline = text.search(/\r?\n/);
  return newline >= 0 ? text.slice(0, newline) : text;
}
