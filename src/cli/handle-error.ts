/** The one place failures are printed: a one-line message (text) or {"error":{code,message}} (JSON). */
import { ExitCode, TaoError } from '../core/errors.js';

export function toTaoError(error: unknown): TaoError {
  if (error instanceof TaoError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TaoError(
    'E_INTERNAL',
    `unexpected failure: ${message} (this is a bug; please report it with the command you ran)`,
    ExitCode.unexpected,
  );
}

export function printError(error: unknown, json: boolean): number {
  const err = toTaoError(error);
  if (json) {
    const body: Record<string, string> = { code: err.code, message: err.message };
    if (err.hint) body.hint = err.hint;
    process.stderr.write(`${JSON.stringify({ error: body })}\n`);
  } else {
    process.stderr.write(`tao: ${err.message}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    if (
      err.exitCode === ExitCode.unexpected &&
      process.env.TAO_DEBUG &&
      error instanceof Error &&
      error.stack
    ) {
      process.stderr.write(`${error.stack}\n`);
    }
  }
  return err.exitCode;
}
