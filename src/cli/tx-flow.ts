/**
 * The one flow every ledger-writing command follows: show exactly what will be signed → confirm once
 * (default No; never with --yes/--json) → unlock the key → sign → submit → wait for inclusion → report
 * {tx_hash, block, status}, or the ledger's rejection (exit 5). Ctrl-C at any point exits 130.
 */
import type { Command } from 'commander';
import type { NodeClient } from '../client/node-client.js';
import { freeAfter, type TxPlan } from '../client/tx-plan.js';
import type { AccountInfo, SystemInfo } from '../client/types.js';
import { formatTao, parseTao } from '../core/amount.js';
import { cancelledError, ExitCode, rejectedError, TaoError, usageError } from '../core/errors.js';
import type { KeyPair } from '../crypto/keys.js';
import type { GlobalOptions } from './context.js';
import { printError } from './handle-error.js';
import { keyValues } from './output.js';

export type SignerRole = 'coldkey' | 'hotkey';

/** Options every tx command takes (added by addTxOptions). */
export interface TxFlags {
  signerUri?: string;
  expiryBlocks?: string;
  waitTimeout?: string;
  wait?: boolean;
}

export interface TxReport {
  tx_hash: string;
  block: number | null;
  status: 'included' | 'pending';
}

export function addTxOptions(cmd: Command): Command {
  return cmd
    .option('--expiry-blocks <n>', 'blocks after the head until the transaction expires', '64')
    .option('--wait-timeout <seconds>', 'how long to wait for inclusion', '120')
    .option('--no-wait', 'return after submitting, without waiting for inclusion (status "pending")')
    .option('--signer-uri <uri>', 'DEV LEDGER ONLY: sign with a well-known dev key such as //Alice');
}

/** tao's ledger client; a Subtensor --network here means this command has no Subtensor path (exit 2). */
export async function connect(globals: GlobalOptions): Promise<NodeClient> {
  const { networkOf } = await import('./network.js');
  const network = await networkOf(globals);
  if (network.backend === 'subtensor')
    throw new TaoError(
      'E_UNSUPPORTED',
      `this command works on tao's ledger only; it has no Subtensor backend yet (--network ${globals.network})`,
      ExitCode.usage,
    );
  const { NodeClient } = await import('../client/node-client.js');
  return new NodeClient(network.url);
}

export function positiveInt(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
    throw usageError('E_USAGE', `${flag} must be a positive integer, got '${text}'`);
  return Number(text);
}

/** A required flag: prompted for on a terminal, exit 2 otherwise (--yes, --json, no TTY). */
export async function requireValue(
  globals: GlobalOptions,
  value: string | undefined,
  flag: string,
  question: string,
): Promise<string> {
  if (value !== undefined && value !== '') return value;
  if (!globals.interactive)
    throw usageError('E_MISSING_VALUE', `missing ${flag}`, 'run with --help for usage');
  const { readLine } = await import('../core/prompt.js');
  const answer = (await readLine(`${question}: `)).trim();
  if (answer === '') throw usageError('E_MISSING_VALUE', `missing ${flag}`);
  return answer;
}

/** Validates an SS58 address given by the user (exit 2, E_BAD_ADDRESS): crypto/check-address.ts. */
export async function checkAddress(address: string, flag: string): Promise<string> {
  const { checkAddress: check } = await import('../crypto/check-address.js');
  return check(address, flag);
}

/**
 * A wallet key's address read from its public file, no password needed. Imports wallet/store.js rather
 * than the wallet index on purpose: reads (balance, stake list) must not load keyfile crypto and keychain.
 */
export async function walletAddress(globals: GlobalOptions, role: SignerRole): Promise<string> {
  const { coldkeyAddress, hotkeyAddress } = await import('../wallet/store.js');
  return role === 'coldkey'
    ? coldkeyAddress(globals.home, globals.wallet)
    : hotkeyAddress(globals.home, globals.wallet, globals.hotkey);
}

export interface Signer {
  role: SignerRole;
  address: string;
  /** For people: "wallet default (coldkey)" or "dev key //Alice". */
  label: string;
  unlock: () => Promise<KeyPair>;
}

const DEV_URI = /^\/\/[A-Za-z0-9_-]+(\/\/?[A-Za-z0-9_-]+)*$/;

/** The key that signs: the wallet's coldkey/hotkey, or a dev URI (refused unless the node is a dev chain). */
export async function resolveSigner(
  globals: GlobalOptions,
  role: SignerRole,
  info: Pick<SystemInfo, 'dev' | 'chain'>,
  signerUri?: string,
): Promise<Signer> {
  if (signerUri !== undefined) {
    if (!DEV_URI.test(signerUri))
      throw usageError(
        'E_BAD_SIGNER_URI',
        '--signer-uri takes a dev derivation such as //Alice only (never a mnemonic or seed in argv)',
      );
    if (!info.dev)
      throw rejectedError(
        'E_NOT_DEV_CHAIN',
        `--signer-uri is for dev chains only; the node at ${globals.network ?? globals.node} runs chain '${info.chain}'`,
      );
    const { keyPairFromUri } = await import('../crypto/keys.js');
    const { encodeAddress } = await import('../crypto/ss58.js');
    const pair = keyPairFromUri(signerUri);
    return {
      role,
      address: encodeAddress(pair.publicKey),
      label: `dev key ${signerUri}`,
      unlock: async () => pair,
    };
  }
  const address = await walletAddress(globals, role);
  const label =
    role === 'coldkey'
      ? `wallet '${globals.wallet}' coldkey`
      : `wallet '${globals.wallet}' hotkey '${globals.hotkey}'`;
  return { role, address, label, unlock: () => unlockWalletKey(globals, role) };
}

async function unlockWalletKey(globals: GlobalOptions, role: SignerRole): Promise<KeyPair> {
  const { unlockColdkey, unlockHotkey } = await import('../wallet/index.js');
  const ctx = {
    home: globals.home,
    wallet: globals.wallet,
    hotkey: globals.hotkey,
    interactive: globals.interactive,
    json: globals.json,
    ...(globals.passwordFile !== undefined ? { passwordFile: globals.passwordFile } : {}),
  };
  return role === 'coldkey' ? unlockColdkey(ctx) : unlockHotkey(ctx);
}

export interface TxContext {
  client: NodeClient;
  info: SystemInfo;
  signer: Signer;
  account: AccountInfo;
  head: number;
}

export interface RunTxOptions {
  role: SignerRole;
  flags: TxFlags;
  /** Checks to make before anything else (e.g. faucet: dev chain only). */
  precheck?: (info: SystemInfo) => void;
  build: (ctx: TxContext) => TxPlan | Promise<TxPlan>;
  /** A client already connected (the command may need it before and after the tx). */
  client?: NodeClient;
}

export function previewText(ctx: TxContext, plan: TxPlan, fee: bigint, expiry: number): string {
  const after = freeAfter(plan, ctx.account.free, fee);
  return [
    `${plan.title} — this is what will be signed:`,
    keyValues([
      ['from', `${ctx.signer.address} (${ctx.signer.label})`],
      ...plan.details,
      ['fee', `${formatTao(fee)} τ`],
      ['free balance', `${formatTao(ctx.account.free)} τ`],
      [
        'balance after',
        `${formatTao(after)} τ${after < 0n ? '  (insufficient: the ledger will reject it)' : ''}`,
      ],
      ['nonce', String(ctx.account.nonce + ctx.account.pending)],
      ['valid until', `block ${expiry} (head ${ctx.head})`],
      ['chain', `${ctx.info.chain} ${ctx.info.genesisHash.slice(0, 18)}…`],
    ]),
  ].join('\n');
}

/**
 * The preview of what will be signed, then the one confirmation (default No) on a terminal; with --yes the
 * preview is printed and signing goes on; --json signs silently; anything else has nobody to ask (exit 2).
 */
export async function confirmPreview(globals: GlobalOptions, preview: () => string): Promise<void> {
  if (globals.interactive) {
    process.stderr.write(`${preview()}\n`);
    const { confirmOrCancel } = await import('../core/prompt.js');
    await confirmOrCancel('Sign and submit?');
  } else if (!globals.json && !globals.yes) {
    throw usageError(
      'E_CONFIRMATION_REQUIRED',
      'not a terminal, so there is nobody to confirm: pass --yes to sign and submit',
    );
  } else if (!globals.json) {
    process.stderr.write(`${preview()}\n`);
  }
}

/** Exit 130 on Ctrl-C, saying whether anything was already sent. */
function onInterrupt(json: boolean, sent: () => string | undefined): () => void {
  const handler = () => {
    const hash = sent();
    const message = hash
      ? `cancelled while waiting; transaction ${hash} was already submitted and may still be included`
      : 'cancelled; nothing was signed or sent';
    process.exit(printError(cancelledError(message), json));
  };
  process.on('SIGINT', handler);
  return () => process.off('SIGINT', handler);
}

export async function runTx(globals: GlobalOptions, options: RunTxOptions): Promise<TxReport> {
  const expiryBlocks = positiveInt(options.flags.expiryBlocks, '--expiry-blocks', 64);
  const waitSeconds = positiveInt(options.flags.waitTimeout, '--wait-timeout', 120);
  let submitted: string | undefined;
  const release = onInterrupt(globals.json, () => submitted);
  try {
    const client = options.client ?? (await connect(globals));
    const info = await client.systemInfo();
    options.precheck?.(info);
    const signer = await resolveSigner(globals, options.role, info, options.flags.signerUri);
    const [account, head] = await Promise.all([client.accountInfo(signer.address), client.head()]);
    const ctx: TxContext = { client, info, signer, account, head: head.number };
    const plan = await options.build(ctx);
    const expiry = head.number + expiryBlocks;
    const { feeOf, signCall } = await import('../client/send.js');
    const fee = await feeOf(client, plan.call.type);

    await confirmPreview(globals, () => previewText(ctx, plan, fee, expiry));

    const pair = await signer.unlock();
    const { encodeAddress } = await import('../crypto/ss58.js');
    if (encodeAddress(pair.publicKey) !== signer.address)
      throw usageError(
        'E_WALLET_MISMATCH',
        `the unlocked ${options.role} is ${encodeAddress(pair.publicKey)}, but its public file says ${signer.address}`,
      );
    const tx = signCall(pair, plan.call, { info, account, expiry });
    submitted = await client.submitTx(tx);
    if (options.flags.wait === false) return { tx_hash: submitted, block: null, status: 'pending' };
    if (!globals.json) process.stderr.write(`submitted ${submitted}; waiting for inclusion…\n`);
    const outcome = await client.waitForTx(submitted, { timeoutMs: waitSeconds * 1000, expiry });
    if (outcome.status === 'rejected') {
      throw rejectedError(
        outcome.error.code,
        `${outcome.error.message} (transaction ${submitted}${outcome.block !== undefined ? `, block ${outcome.block}` : ''})`,
      );
    }
    return { tx_hash: submitted, block: outcome.block, status: 'included' };
  } finally {
    release();
  }
}

/** `--amount X` (TAO) → rao; `--all` handled by the caller. */
export function amountFlag(text: string): bigint {
  return parseTao(text, '--amount');
}

export function renderTxReport(what: string, report: TxReport): string {
  if (report.status === 'pending')
    return `${what}: submitted, not waiting for inclusion\ntx ${report.tx_hash}`;
  return `${what}: included in block ${report.block}\ntx ${report.tx_hash}`;
}
