/**
 * Ledger rejections: every rule the state transition enforces fails with a stable code (E_…). The RPC
 * server sends them as JSON-RPC error -32000 with `data.code`; the CLI maps them to exit 5.
 */

export type LedgerErrorCode =
  | 'E_MALFORMED_TX'
  | 'E_BAD_CALL'
  | 'E_BAD_ADDRESS'
  | 'E_BAD_AMOUNT'
  | 'E_BAD_SIGNATURE'
  | 'E_WRONG_CHAIN'
  | 'E_STALE_NONCE'
  | 'E_FUTURE_NONCE'
  | 'E_EXPIRED'
  | 'E_DUPLICATE_TX'
  | 'E_NONCE_IN_POOL'
  | 'E_POOL_FULL'
  | 'E_INSUFFICIENT_BALANCE'
  | 'E_INSUFFICIENT_STAKE'
  | 'E_OVERFLOW'
  | 'E_SUPPLY_CAP'
  | 'E_UNKNOWN_SUBNET'
  | 'E_UNKNOWN_HOTKEY'
  | 'E_NOT_REGISTERED'
  | 'E_ALREADY_REGISTERED'
  | 'E_NOT_HOTKEY_OWNER'
  | 'E_TOO_MANY_SUBNETS'
  | 'E_NOT_DEV_CHAIN'
  | 'E_FAUCET_LIMIT'
  | 'E_TAKE_TOO_HIGH'
  | 'E_WEIGHTS_LENGTH_MISMATCH'
  | 'E_TOO_MANY_WEIGHTS'
  | 'E_NOT_ENOUGH_STAKE_TO_SET_WEIGHTS'
  | 'E_INCORRECT_WEIGHT_VERSION'
  | 'E_WEIGHTS_RATE_LIMIT'
  | 'E_NO_VALIDATOR_PERMIT'
  | 'E_DUPLICATE_UIDS'
  | 'E_UNKNOWN_UID'
  | 'E_SELF_WEIGHT'
  | 'E_TOO_FEW_WEIGHTS'
  | 'E_MAX_WEIGHT_EXCEEDED'
  | 'E_BAD_AXON'
  | 'E_START_TOO_EARLY'
  | 'E_SUBNET_NOT_STARTED'
  | 'E_ALREADY_STARTED'
  | 'E_NOT_SUBNET_OWNER'
  | 'E_AMOUNT_TOO_LOW'
  | 'E_PRICE_LIMIT'
  | 'E_INSUFFICIENT_LIQUIDITY'
  | 'E_SAME_STAKE';

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

export const reject = (code: LedgerErrorCode, message: string): never => {
  throw new LedgerError(code, message);
};

export const isLedgerError = (e: unknown): e is LedgerError => e instanceof LedgerError;
