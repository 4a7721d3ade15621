/**
 * Every error code tao can produce, with the one exit code it ends a command with and what it means. A
 * TaoError with a code listed here always carries this exit code, so a code never means two exits; the
 * README's table is generated from this list (`node dist/core/error-codes.js` prints it) and a test checks
 * that every code in src/ is listed and every call site agrees with it.
 */
import type { ExitCode } from './errors.js';

export interface ErrorCodeInfo {
  /** The exit code; `null` for codes that are only ever an HTTP answer of a peer's axon, never an exit. */
  exit: ExitCode | null;
  meaning: string;
}

const usage = (meaning: string): ErrorCodeInfo => ({ exit: 2, meaning });
const bug = (meaning: string): ErrorCodeInfo => ({ exit: 1, meaning });
const auth = (meaning: string): ErrorCodeInfo => ({ exit: 3, meaning });
const unreachable = (meaning: string): ErrorCodeInfo => ({ exit: 4, meaning });
const rejected = (meaning: string): ErrorCodeInfo => ({ exit: 5, meaning });
const wire = (meaning: string): ErrorCodeInfo => ({ exit: null, meaning });

export const ERROR_CODES = {
  // 1: a bug, or a failure of another process tao cannot classify further (the message says which)
  E_LOCALNET_START_FAILED: bug(
    'tao localnet: the Chopsticks process exited or did not answer while starting (log tail in the message)',
  ),
  E_INTERNAL: bug('unexpected failure: a bug in tao (please report it with the command you ran)'),
  E_BAD_RESPONSE: bug('the node or supervisor sent an answer tao cannot read'),
  E_NODE_ERROR: bug('the node failed on a request with an unexpected JSON-RPC error'),
  E_NODE_START_FAILED: bug('the ledger node exited or did not answer while starting (see its log)'),
  E_PEER_START: bug('a peer did not answer on its port in time after starting (see its log)'),
  E_PEER_START_FAILED: bug('tao up: a peer did not start (see its log)'),
  E_PEER_CRASHED: bug('a peer process crashed during startup (see its log)'),
  E_DAEMON_START: bug('the supervisor daemon exited during startup (see its log)'),
  E_DAEMON_STOP: bug('the supervisor daemon is still running after the stop request'),
  E_RUN_DIR_OWNER: bug('the run dir belongs to another user'),
  E_SOCKET_OWNER: bug("the supervisor's socket belongs to another user"),
  E_SOCKET_MODE: bug("the supervisor's socket is not mode 600"),

  // 2: bad usage or input, and local state tao will not touch (storage, running processes)
  E_LOCALNET_RUNNING: usage(
    'tao localnet start: one already runs (or is starting) in this home on another port',
  ),
  E_CHOPSTICKS_MISSING: usage(
    'tao localnet: the optional dependency @acala-network/chopsticks is not installed',
  ),
  E_RUNTIME_MISSING: usage(
    'tao localnet: no Subtensor runtime wasm (--runtime, TAO_SUBTENSOR_RUNTIME or the cache dir)',
  ),
  E_USAGE: usage('bad command line: unknown command or flag, missing argument'),
  E_BAD_FLAG: usage('a flag value is out of range or malformed'),
  E_MISSING_VALUE: usage('a required value (e.g. --amount, --dest) is missing and cannot be prompted'),
  E_CONFIRM_REQUIRED: usage('a destructive command needs --yes without a terminal'),
  E_CONFIRMATION_REQUIRED: usage(
    'signing needs --yes without a terminal (and with --json, to unstake a validator peer that runs here)',
  ),
  E_NOT_INTERACTIVE: usage('a prompt is needed but stdin is not a terminal'),
  E_NOT_A_TTY: usage('tao console needs a terminal'),
  E_READONLY: usage('the console runs with --readonly: nothing is signed or stopped'),
  E_STDIN: usage('stdin could not be read'),
  E_STDIN_TWICE: usage('two inputs asked for stdin (-); put one in a file'),
  E_BAD_FILE: usage('an input file cannot be read'),
  E_INPUT: usage('tao sim: the --input file cannot be read or decoded'),
  E_OUTPUT: usage('tao sim convert: the --output file cannot be written'),
  E_BAD_AMOUNT: usage('an amount is malformed, zero or too large (CLI flag, or the ledger checking a tx)'),
  E_BAD_ADDRESS: usage('an SS58 address is malformed or has the wrong prefix (CLI or ledger)'),
  E_BAD_SIGNATURE: usage('a signature is malformed or does not verify (CLI or ledger)'),
  E_SIGNATURE_INVALID: usage(
    'tao wallet verify: the signature does not verify for that address and message (--json still prints {"valid":false})',
  ),
  E_BAD_HEX: usage('hex input is malformed'),
  E_BAD_IP: usage('--ip is not an IPv4 or IPv6 address'),
  E_BAD_PORT: usage('--port is not 1..65535'),
  E_BAD_PROTOCOL: usage('--protocol is not 0..255'),
  E_BAD_NETUID: usage('--netuid is not 0..65535'),
  E_BAD_TAKE: usage('--take is not a percentage in range'),
  E_BAD_WEIGHTS: usage('weights given on the command line are malformed'),
  E_BAD_NODE_URL: usage('--node / TAO_NODE is not an http(s) URL'),
  E_BAD_NAME: usage('a wallet or hotkey name has characters tao does not allow'),
  E_BAD_MNEMONIC: usage('a mnemonic has a wrong word count, an unknown word or a bad checksum'),
  E_BAD_WORDS: usage('--words is not 12, 15, 18, 21 or 24'),
  E_BAD_SEED: usage('a seed is not 32 bytes'),
  E_BAD_SCHEME: usage('a key scheme is not sr25519 or ed25519'),
  E_BAD_URI: usage('a derivation path (//hard/soft) is malformed'),
  E_BAD_SIGNER_URI: usage('--signer-uri takes only a dev derivation such as //Alice'),
  E_BAD_PUBLIC_KEY: usage('a public key is not 32 bytes of hex'),
  E_BAD_KEYS: usage('the "keys" overrides in config.json are invalid or conflict'),
  E_BAD_THEME: usage('a theme file is not valid'),
  E_UNKNOWN_THEME: usage('no theme of that name'),
  E_MNEMONIC_REQUIRED: usage('regenerating a key needs --mnemonic or --mnemonic-file'),
  E_WEAK_PASSWORD: usage('a new password is too short'),
  E_PASSWORD_MISMATCH: usage('the two typed passwords differ; nothing was written'),
  E_NOT_ENCRYPTED: usage('the key has no password to change'),
  E_WALLET_EXISTS: usage('a wallet file exists; pass --overwrite to replace it'),
  E_WALLET_NOT_FOUND: usage('no such wallet or key file'),
  E_WALLET_INCOMPLETE: usage('the wallet lacks its coldkey or hotkey'),
  E_WALLET_MISMATCH: usage("the unlocked key does not match the wallet's public file"),
  E_WALLET_BUSY: usage('another tao process is changing the wallet (it holds wallets/.<name>.lock); retry'),
  E_WALLET_SYMLINK: usage('a wallet directory or key file is a symbolic link; tao does not follow them'),
  E_KEYFILE_PERMISSIONS: usage('an unencrypted keyfile can be read by other users; chmod 600 it'),
  E_NO_COLDKEY: usage('the wallet has only a public coldkey; it cannot sign'),
  E_NOT_A_BTCLI_WALLET: usage('the --from directory is not a btcli wallet'),
  E_UNSUPPORTED_KEYFILE: usage('a btcli keyfile format tao cannot read'),
  E_HOME_NOT_WRITABLE: usage('TAO_HOME (or a file in it) cannot be written'),
  E_INVALID_PARAMS: usage('the node refused the parameters of a request'),
  E_BAD_REQUEST: usage('a request to the supervisor or the node is malformed'),
  E_TOO_LARGE: usage('a request body is above the size limit'),
  E_UNKNOWN_METHOD: usage('the supervisor does not know the request method'),
  E_NO_CHILD: usage('the supervisor has no child of that name'),
  E_BAD_SPEC: usage('a supervisor child spec is invalid'),
  E_HOSTED: usage(
    "a neighbour runs inside tao up's neighbours host process: remove the host, not one member",
  ),
  E_HOST_UNREACHABLE: usage(
    "the neighbours' host process did not answer for its member (an adopted host): stop or restart the host itself",
  ),
  E_SPEC_CONFLICT: usage('a supervisor child of that name runs with another spec'),
  E_DAEMON_RUNNING: usage('a supervisor daemon already runs for this TAO_HOME'),
  E_PURGE_BUSY: usage('tao down --purge: a process still uses what it would delete'),
  E_BAD_NETWORK: usage('--network is not finney, test, local, localnet or a ws(s):// / http(s):// URL'),
  E_NO_LOCALNET: usage('--network localnet, but no tao localnet runs in this home'),
  E_NOT_SUBTENSOR: usage(
    "the --network endpoint is not Subtensor (tao's own ledger, or another Substrate chain)",
  ),
  E_OLD_CHAIN: usage(
    'the chain was created by an older tao (before dynamic TAO): start a new one (tao node reset --yes on dev chains)',
  ),
  E_UNSUPPORTED: usage('the command (or this Subtensor runtime) has no Subtensor path'),
  E_BAD_TOLERANCE: usage('--tolerance is not a decimal fraction in 0..1'),
  E_NODE_RUNNING: usage('a ledger node already runs (stop it first: tao node stop)'),
  E_NODE_LOCKED: usage('the data dir is in use by another node (LevelDB lock held)'),
  E_PORT_IN_USE: usage('the RPC port is in use'),
  E_PORT: usage('a peer cannot listen on its host:port'),
  E_NO_PEER: usage('no peer of that name'),
  E_PEER_EXITED: usage('a peer exited during startup with a usage error (its reason is in the message)'),
  E_PEER_RUNNING: usage(
    'tao peer start: a peer of that name already runs with other settings (--replace replaces it)',
  ),
  E_DEVICE: usage('--device is not auto, cpu or cuda'),
  E_NO_CUDA: usage('--device cuda is not available on this machine'),
  E_MODEL: usage('an ONNX model cannot be loaded'),
  E_MODEL_SIGNATURE: usage('an ONNX model has the wrong inputs or outputs'),
  E_MODEL_OUTPUT: usage('an ONNX model does not output probabilities (an axon answers HTTP 500 with it)'),
  E_STORAGE: usage(
    'the chain data dir is damaged (lost CURRENT, a missing block, a corrupt table), not a chain, or the disk is full; the message names the dir and the file when known',
  ),
  E_STATE_CORRUPT: usage("the stored state does not match the head's state root"),
  E_NO_CHAIN: usage('no chain in the data dir'),
  E_VERIFY_FAILED: usage('tao node verify found a block that does not replay'),

  // 3: authentication
  E_BAD_PASSWORD: auth('wrong password: the keyfile did not unlock'),
  E_PASSWORD_REQUIRED: auth('a password is needed and none is available without a terminal'),
  E_KEYFILE_TAMPERED: auth('a keyfile failed its integrity check (changed after it was written)'),
  E_KEYFILE_CORRUPT: auth('a keyfile is corrupted or truncated'),
  E_KEYCHAIN_UNAVAILABLE: auth('the OS keychain is not available'),

  // 4: unreachable
  E_NODE_UNREACHABLE: unreachable('the ledger node does not answer at the URL'),
  E_SUPERVISOR_UNREACHABLE: unreachable('the supervisor daemon is not running'),
  E_TX_TIMEOUT: unreachable('the transaction was not included before the wait timed out'),

  // 5: rejected by the ledger
  E_CHAIN_REJECTED: rejected("Subtensor rejected the extrinsic (the message leads with the pallet's error)"),
  E_TX_INVALID: rejected("Subtensor's pool refused the transaction as invalid"),
  E_TX_DROPPED: rejected('Subtensor dropped the transaction twice; nothing was included'),
  E_START_TOO_EARLY: rejected(
    'tao subnet start before the runtime allows start_call (blocks after creation)',
  ),
  E_BURN_ROSE: rejected(
    'the registration burn rose past the one shown plus --tolerance; refused before signing',
  ),
  E_COMMIT_REVEAL: rejected(
    'the subnet has commit_reveal_weights_enabled: plain weights are refused (timelocked commit-reveal needs drand)',
  ),
  E_REJECTED: rejected('the ledger rejected the request (no more precise code)'),
  E_METHOD_NOT_FOUND: rejected('the node does not offer the method (dev_* exist only on dev chains)'),
  E_UNKNOWN_BLOCK: rejected('no block of that number'),
  E_MALFORMED_TX: rejected('the transaction envelope is malformed'),
  E_BAD_CALL: rejected("the transaction's call is malformed (or a dev control's argument)"),
  E_WRONG_CHAIN: rejected('the transaction is signed for another chain (genesis hash)'),
  E_STALE_NONCE: rejected('the nonce was already used'),
  E_FUTURE_NONCE: rejected('the nonce is ahead of the next one'),
  E_EXPIRED: rejected('the transaction expired'),
  E_DUPLICATE_TX: rejected('the transaction is already pending'),
  E_NONCE_IN_POOL: rejected('a transaction with this nonce from this signer is already pending'),
  E_POOL_FULL: rejected('the transaction pool is full; retry shortly'),
  E_INSUFFICIENT_BALANCE: rejected('the free balance does not cover amount + fee'),
  E_INSUFFICIENT_STAKE: rejected('not enough stake on the hotkey'),
  E_SLIPPAGE: rejected(
    "a protected stake would move the pool's price past the limit price (--tolerance); refused before signing",
  ),
  E_OVERFLOW: rejected('a balance would exceed 2^64 − 1 rao'),
  E_SUPPLY_CAP: rejected('the faucet would exceed the supply cap'),
  E_FAUCET_LIMIT: rejected('above the faucet limit per call'),
  E_NOT_DEV_CHAIN: rejected('a dev-only feature (faucet, dev_*, --signer-uri) on a non-dev chain'),
  E_UNKNOWN_SUBNET: rejected('no such subnet'),
  E_SUBNET_NOT_STARTED: rejected('the subnet has not been started (start_call): no staking or emission yet'),
  E_ALREADY_STARTED: rejected('start_call on a subnet that was already started'),
  E_NOT_SUBNET_OWNER: rejected('the subnet belongs to another coldkey'),
  E_AMOUNT_TOO_LOW: rejected('a stake, unstake or move below the minimum stake (2,000,000 rao)'),
  E_PRICE_LIMIT: rejected(
    'a limit-price stake or unstake cannot fill at its limit (or the price is already past it)',
  ),
  E_INSUFFICIENT_LIQUIDITY: rejected("the subnet pool's reserves cannot take or pay the swap"),
  E_SAME_STAKE: rejected('a stake move whose origin and destination are the same stake'),
  E_UNKNOWN_HOTKEY: rejected('the hotkey is not registered on any subnet'),
  E_NOT_REGISTERED: rejected('the hotkey is not registered on the subnet'),
  E_ALREADY_REGISTERED: rejected('the hotkey is already registered on the subnet'),
  E_NOT_HOTKEY_OWNER: rejected('the hotkey belongs to another coldkey'),
  E_TOO_MANY_SUBNETS: rejected('the chain has its maximum number of subnets'),
  E_TAKE_TOO_HIGH: rejected("the delegate take is above the chain's maximum"),
  E_BAD_AXON: rejected('the axon ip/port/protocol is invalid'),
  E_WEIGHTS_LENGTH_MISMATCH: rejected('uids and weights differ in length'),
  E_TOO_MANY_WEIGHTS: rejected('more weights than neurons on the subnet'),
  E_TOO_FEW_WEIGHTS: rejected('fewer weights than the subnet requires'),
  E_NOT_ENOUGH_STAKE_TO_SET_WEIGHTS: rejected("the hotkey's stake is below the weights threshold"),
  E_INCORRECT_WEIGHT_VERSION: rejected("version_key is below the subnet's"),
  E_WEIGHTS_RATE_LIMIT: rejected('weights were set too recently'),
  E_NO_VALIDATOR_PERMIT: rejected('the uid has no validator permit'),
  E_DUPLICATE_UIDS: rejected('a uid appears twice'),
  E_UNKNOWN_UID: rejected('a uid does not exist on the subnet'),
  E_SELF_WEIGHT: rejected('a neuron cannot weight itself'),
  E_MAX_WEIGHT_EXCEEDED: rejected('a normalised weight exceeds max_weight_limit'),

  // 130: cancelled
  E_CANCELLED: { exit: 130, meaning: 'cancelled by the user (declined, Ctrl-C)' },

  // never an exit: HTTP answers of a peer's axon to other peers
  E_UNAUTHENTICATED: wire('axon: a signed request header is missing'),
  E_REPLAY: wire('axon: the nonce was already used or is too old'),
  E_NOT_FOUND: wire('axon: no such endpoint'),
  E_BUSY: wire('axon: the queue is full; retry later'),
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The registered exit code of `code`, or undefined for a code tao does not list (e.g. from a newer node). */
export function registeredExit(code: string): ExitCode | undefined {
  const info = (ERROR_CODES as Record<string, ErrorCodeInfo>)[code];
  return info?.exit ?? undefined;
}

export const CODES_BEGIN = '<!-- error-codes:begin (generated by src/core/error-codes.ts) -->';
export const CODES_END = '<!-- error-codes:end -->';

/** The README table: every code by exit code, then name. */
export function errorCodesMarkdown(): string {
  const rows = Object.entries(ERROR_CODES as Record<string, ErrorCodeInfo>)
    .sort(([a, x], [b, y]) => (x.exit ?? 999) - (y.exit ?? 999) || a.localeCompare(b))
    .map(([code, info]) => `| \`${code}\` | ${info.exit ?? '—'} | ${info.meaning.replace(/\|/g, '\\|')} |`);
  return ['| code | exit | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The README block, markers included. */
export const errorCodesBlock = (): string => `${CODES_BEGIN}\n${errorCodesMarkdown()}\n${CODES_END}`;

if (process.argv[1]?.endsWith('error-codes.js')) process.stdout.write(`${errorCodesBlock()}\n`);
