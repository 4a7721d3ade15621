/**
 * The dynamic-TAO model's rejections, in the ledger's style (src/ledger/state/errors.ts): a stable code (E_…) and a
 * message that says what was wrong. Every code is listed in src/core/error-codes.ts (exit 5, rejected).
 */

export type DtaoErrorCode =
  | 'E_BAD_AMOUNT'
  | 'E_INSUFFICIENT_BALANCE'
  | 'E_INSUFFICIENT_STAKE'
  | 'E_OVERFLOW'
  | 'E_UNKNOWN_SUBNET'
  | 'E_UNKNOWN_HOTKEY'
  | 'E_START_TOO_EARLY'
  | 'E_SUBNET_NOT_STARTED'
  | 'E_ALREADY_STARTED'
  | 'E_NOT_SUBNET_OWNER'
  | 'E_AMOUNT_TOO_LOW'
  | 'E_PRICE_LIMIT'
  | 'E_INSUFFICIENT_LIQUIDITY'
  | 'E_SAME_STAKE';

export class DtaoError extends Error {
  constructor(
    readonly code: DtaoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DtaoError';
  }
}

export const reject = (code: DtaoErrorCode, message: string): never => {
  throw new DtaoError(code, message);
};

export const isDtaoError = (e: unknown): e is DtaoError => e instanceof DtaoError;
