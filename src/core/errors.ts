/**
 * Typed errors: every failure tao reports carries a stable code (E_…) and the exit code of docs/cli.md.
 * One handler (src/cli/handle-error.ts) prints them as text or JSON.
 */
import { registeredExit } from './error-codes.js';

export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  auth: 3,
  unreachable: 4,
  rejected: 5,
  cancelled: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class TaoError extends Error {
  /** The code's one exit code from src/core/error-codes.ts; `exitCode` as passed only for unlisted codes. */
  readonly exitCode: ExitCode;

  constructor(
    readonly code: string,
    message: string,
    exitCode: ExitCode = ExitCode.unexpected,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'TaoError';
    this.exitCode = registeredExit(code) ?? exitCode;
  }
}

export const usageError = (code: string, message: string, hint?: string) =>
  new TaoError(code, message, ExitCode.usage, hint);
export const authError = (code: string, message: string, hint?: string) =>
  new TaoError(code, message, ExitCode.auth, hint);
export const unreachableError = (message: string, hint?: string) =>
  new TaoError('E_NODE_UNREACHABLE', message, ExitCode.unreachable, hint);
export const rejectedError = (code: string, message: string, hint?: string) =>
  new TaoError(code, message, ExitCode.rejected, hint);
export const cancelledError = (message = 'cancelled by the user') =>
  new TaoError('E_CANCELLED', message, ExitCode.cancelled);

export const isTaoError = (e: unknown): e is TaoError => e instanceof TaoError;
