/**
 * Signing from the console: unlock the wallet's coldkey with the password typed in the dialog (or the
 * keychain / --password-file / TAO_PASSWORD, or none for an unencrypted key), sign the call against the
 * node's current state, submit it, and follow it to inclusion or rejection. Never prompts on the
 * terminal (Ink owns it) and never writes to stderr. The unlock (unlockConsoleColdkey, passwordKnown) also
 * serves the dialogs on Subtensor (subtensor-source.ts).
 */
import type { NodeClient } from '../../client/index.js';
import { TaoError } from '../../core/errors.js';
import type { KeyPair } from '../../crypto/keys.js';
import type { PasswordSource, TxFate, TxSubmitted } from './types.js';

export interface SignerOptions {
  home: string;
  /** The wallet whose coldkey signs; null when the console found no wallet. */
  wallet: string | null;
  /** The global --password-file, used when the dialog does not ask for a password. */
  passwordFile?: string;
  env?: NodeJS.ProcessEnv;
}

export class TxSigner {
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly client: NodeClient,
    private readonly options: SignerOptions,
  ) {}

  /**
   * True when no password needs to be typed: the coldkey is unencrypted, or --password-file,
   * TAO_PASSWORD or the OS keychain provide it.
   */
  passwordKnown(): Promise<boolean> {
    return passwordKnown(this.options);
  }

  /** Unlocks, signs and submits `call`; resolves with the hash once the node accepted it into its pool. */
  async submit(call: { type: string } & Record<string, unknown>, auth: PasswordSource): Promise<TxSubmitted> {
    const [pair, { prepareTx }] = await Promise.all([
      unlockConsoleColdkey(this.options, auth),
      import('../../client/index.js'),
    ]);
    const tx = await prepareTx(this.client, pair, call);
    const txHash = await this.client.submitTx(tx);
    this.expiries.set(txHash.toLowerCase(), tx.expiry);
    return { txHash };
  }

  /** The transaction's fate: included in block N, rejected with the ledger's reason, or unknown. */
  async waitForTx(txHash: string, signal?: AbortSignal): Promise<TxFate> {
    const expiry = this.expiries.get(txHash.toLowerCase());
    try {
      const outcome = await this.client.waitForTx(txHash, {
        timeoutMs: 120_000,
        ...(expiry !== undefined ? { expiry } : {}),
        ...(signal ? { signal } : {}),
      });
      return outcome.status === 'included'
        ? { status: 'included', block: outcome.block }
        : { status: 'rejected', code: outcome.error.code, message: outcome.error.message };
    } catch (error) {
      if (signal?.aborted) return { status: 'unknown', message: 'stopped waiting' };
      return { status: 'unknown', message: error instanceof Error ? error.message : String(error) };
    } finally {
      this.expiries.delete(txHash.toLowerCase());
    }
  }
}

function walletOf(options: SignerOptions): string {
  if (!options.wallet)
    throw new TaoError('E_WALLET_NOT_FOUND', 'no wallet: create one with tao wallet create', 2);
  return options.wallet;
}

/** True when no password needs to be typed (unencrypted coldkey, --password-file, TAO_PASSWORD, keychain). */
export async function passwordKnown(options: SignerOptions): Promise<boolean> {
  const env = options.env ?? process.env;
  if (!options.wallet) return false;
  const { loadWalletInfo, keychainAccount } = await import('../../wallet/index.js');
  try {
    const info = loadWalletInfo(options.home, options.wallet);
    if (info.coldkey?.encrypted === false) return true;
  } catch {
    return false;
  }
  if (options.passwordFile !== undefined) return true;
  if (env.TAO_PASSWORD) return true;
  const { keychainDisabled, keychainGet } = await import('../../wallet/keychain.js');
  if (keychainDisabled(env)) return false;
  const stored = await keychainGet(keychainAccount(options.home, options.wallet));
  return stored.ok && stored.value !== null;
}

/**
 * The console's coldkey, unlocked with the password typed in a dialog (that only: no file, environment or
 * keychain), or else from --password-file / TAO_PASSWORD / the keychain; never prompts on the terminal.
 */
export async function unlockConsoleColdkey(options: SignerOptions, auth: PasswordSource): Promise<KeyPair> {
  const wallet = walletOf(options);
  const { unlockColdkey } = await import('../../wallet/index.js');
  const quiet = () => undefined;
  return unlockColdkey(
    auth.kind === 'password'
      ? {
          home: options.home,
          wallet,
          env: { TAO_PASSWORD: auth.password },
          keychain: false,
          interactive: false,
          notice: quiet,
        }
      : {
          home: options.home,
          wallet,
          ...(options.passwordFile !== undefined ? { passwordFile: options.passwordFile } : {}),
          env: options.env ?? process.env,
          interactive: false,
          notice: quiet,
        },
  );
}
