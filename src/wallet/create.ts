/**
 * Making keys: `create` (coldkey + default hotkey), `new-coldkey`, `new-hotkey`, and the `regen-*` commands
 * that rebuild a key from its mnemonic (or a watch-only coldkeypub.txt from an address). Every input is
 * gathered and checked before anything is written; existing files are kept unless `overwrite` is given.
 * Each runs under the wallet's lock (src/wallet/lock.ts), so two at once never mix their files.
 */
import { existsSync } from 'node:fs';
import { usageError } from '../core/errors.js';
import { fromHex, toHex } from '../crypto/hex.js';
import { isScheme, type Scheme } from '../crypto/keys.js';
import {
  generateMnemonic,
  MNEMONIC_LENGTHS,
  type MnemonicLength,
  miniSecretFromMnemonic,
  normalizeMnemonic,
  validateMnemonic,
} from '../crypto/mnemonic.js';
import { decodeAddress, encodeAddress } from '../crypto/ss58.js';
import { ensurePrivateDir, writeFileAtomic } from './atomic.js';
import { walletExists } from './errors.js';
import { readSecretFile } from './input.js';
import { buildKeyfile, type StoredKey, storedFromMiniSecret, writeKey } from './keystore.js';
import { walletPaths } from './layout.js';
import { newPassword, type PasswordContext } from './password.js';
import { refuseWalletLinks } from './links.js';
import { acquireWalletLock, withWalletLock } from './lock.js';
import { pubFileText } from './pubfile.js';
import { unlockKeyfileAt } from './unlock.js';

export interface KeyOptions {
  words?: number;
  scheme?: string;
  noPassword?: boolean;
  overwrite?: boolean;
}

export interface WalletContext extends PasswordContext {
  hotkey: string;
}

export interface KeySummary {
  ss58: string;
  scheme: Scheme;
  public_key: string;
}

export interface MadeKeys {
  wallet: string;
  coldkey?: KeySummary;
  hotkey?: KeySummary & { name: string };
  encrypted: boolean;
  backups: string[];
  /** The new mnemonics: shown once by the CLI on a terminal (or in JSON with --show-mnemonic). */
  mnemonics: { coldkey?: string; hotkey?: string };
}

export function parseScheme(scheme: string | undefined): Scheme {
  const s = scheme ?? 'sr25519';
  if (!isScheme(s)) throw usageError('E_BAD_SCHEME', `unknown key scheme "${s}": use sr25519 or ed25519`);
  return s;
}

export function parseWords(words: number | string | undefined): MnemonicLength {
  const n = words === undefined ? 12 : Number(words);
  if (!MNEMONIC_LENGTHS.includes(n))
    throw usageError('E_BAD_WORDS', `--words must be 12, 15, 18, 21 or 24, got "${String(words)}"`);
  return n as MnemonicLength;
}

const summary = (key: StoredKey): KeySummary => ({
  ss58: encodeAddress(key.pair.publicKey),
  scheme: key.pair.scheme,
  public_key: toHex(key.pair.publicKey),
});

/** Refuses (E_WALLET_EXISTS) before any prompt when a target exists and --overwrite was not given. */
function refuseExisting(targets: readonly [string, string][], overwrite: boolean | undefined): void {
  if (overwrite) return;
  for (const [what, path] of targets) if (existsSync(path)) throw walletExists(what, path);
}

/** The password new keys are encrypted with: null for --no-password. */
async function passwordForNewColdkey(ctx: WalletContext, opts: KeyOptions): Promise<string | null> {
  if (opts.noPassword) return null;
  return newPassword(ctx, `encrypt the coldkey of wallet '${ctx.wallet}'`);
}

/**
 * Hotkeys are encrypted with the coldkey's password: when the wallet has a coldkey, it must unlock with
 * the given password (an unencrypted coldkey means unencrypted hotkeys); without one, a new password.
 */
async function passwordForHotkey(ctx: WalletContext, opts: KeyOptions): Promise<string | null> {
  if (opts.noPassword) return null;
  const p = walletPaths(ctx.home, ctx.wallet);
  if (existsSync(p.coldkey)) {
    const unlocked = await unlockKeyfileAt(ctx, p.coldkey, `coldkey of wallet '${ctx.wallet}'`);
    return unlocked.password ?? null;
  }
  return newPassword(ctx, `encrypt hotkey '${ctx.hotkey}' of wallet '${ctx.wallet}'`);
}

async function writeColdkey(
  ctx: WalletContext,
  key: StoredKey,
  password: string | null,
  overwrite?: boolean,
) {
  const p = walletPaths(ctx.home, ctx.wallet);
  ensurePrivateDir(p.dir);
  const file = await buildKeyfile(key, password);
  return writeKey(p.coldkey, p.coldkeypub, file, { overwrite, what: `coldkey of wallet '${ctx.wallet}'` });
}

async function writeHotkey(ctx: WalletContext, key: StoredKey, password: string | null, overwrite?: boolean) {
  const p = walletPaths(ctx.home, ctx.wallet);
  ensurePrivateDir(p.hotkeys);
  const file = await buildKeyfile(key, password);
  return writeKey(p.hotkey(ctx.hotkey), p.hotkeypub(ctx.hotkey), file, {
    overwrite,
    what: `hotkey '${ctx.hotkey}' of wallet '${ctx.wallet}'`,
  });
}

function freshKey(words: MnemonicLength, scheme: Scheme): { key: StoredKey; mnemonic: string } {
  const mnemonic = generateMnemonic(words);
  return { key: storedFromMiniSecret(miniSecretFromMnemonic(mnemonic), scheme), mnemonic };
}

const coldTargets = (ctx: WalletContext): [string, string][] => {
  const p = walletPaths(ctx.home, ctx.wallet);
  return [
    [`coldkey of wallet '${ctx.wallet}'`, p.coldkey],
    [`public coldkey of wallet '${ctx.wallet}'`, p.coldkeypub],
  ];
};
const hotTargets = (ctx: WalletContext): [string, string][] => {
  const p = walletPaths(ctx.home, ctx.wallet);
  return [
    [`hotkey '${ctx.hotkey}' of wallet '${ctx.wallet}'`, p.hotkey(ctx.hotkey)],
    [`public hotkey '${ctx.hotkey}' of wallet '${ctx.wallet}'`, p.hotkeypub(ctx.hotkey)],
  ];
};

/** `tao wallet create`: a coldkey and the hotkey `ctx.hotkey`, each from its own new mnemonic. */
export async function handleCreate(ctx: WalletContext, opts: KeyOptions): Promise<MadeKeys> {
  const words = parseWords(opts.words);
  const scheme = parseScheme(opts.scheme);
  return withWalletLock(ctx.home, ctx.wallet, async () => {
    refuseExisting([...coldTargets(ctx), ...hotTargets(ctx)], opts.overwrite);
    const password = await passwordForNewColdkey(ctx, opts);
    const cold = freshKey(words, scheme);
    const hot = freshKey(words, scheme);
    const backups = [
      ...(await writeColdkey(ctx, cold.key, password, opts.overwrite)),
      ...(await writeHotkey(ctx, hot.key, password, opts.overwrite)),
    ];
    return {
      wallet: ctx.wallet,
      coldkey: summary(cold.key),
      hotkey: { name: ctx.hotkey, ...summary(hot.key) },
      encrypted: password !== null,
      backups,
      mnemonics: { coldkey: cold.mnemonic, hotkey: hot.mnemonic },
    };
  });
}

/** `tao wallet new-coldkey`. */
export async function handleNewColdkey(ctx: WalletContext, opts: KeyOptions): Promise<MadeKeys> {
  const words = parseWords(opts.words);
  const scheme = parseScheme(opts.scheme);
  return withWalletLock(ctx.home, ctx.wallet, async () => {
    refuseExisting(coldTargets(ctx), opts.overwrite);
    const password = await passwordForNewColdkey(ctx, opts);
    const cold = freshKey(words, scheme);
    const backups = await writeColdkey(ctx, cold.key, password, opts.overwrite);
    return {
      wallet: ctx.wallet,
      coldkey: summary(cold.key),
      encrypted: password !== null,
      backups,
      mnemonics: { coldkey: cold.mnemonic },
    };
  });
}

/** `tao wallet new-hotkey`. */
export async function handleNewHotkey(ctx: WalletContext, opts: KeyOptions): Promise<MadeKeys> {
  const words = parseWords(opts.words);
  const scheme = parseScheme(opts.scheme);
  return withWalletLock(ctx.home, ctx.wallet, async () => {
    refuseExisting(hotTargets(ctx), opts.overwrite);
    const password = await passwordForHotkey(ctx, opts);
    const hot = freshKey(words, scheme);
    const backups = await writeHotkey(ctx, hot.key, password, opts.overwrite);
    return {
      wallet: ctx.wallet,
      hotkey: { name: ctx.hotkey, ...summary(hot.key) },
      encrypted: password !== null,
      backups,
      mnemonics: { hotkey: hot.mnemonic },
    };
  });
}

export interface RegenOptions extends KeyOptions {
  mnemonic?: string;
  mnemonicFile?: string;
}

/** The mnemonic of --mnemonic or --mnemonic-file (`-` = stdin), validated (E_BAD_MNEMONIC, exit 2). */
export function mnemonicFrom(opts: RegenOptions): string {
  if (opts.mnemonic !== undefined && opts.mnemonicFile !== undefined)
    throw usageError('E_USAGE', 'give either --mnemonic or --mnemonic-file, not both');
  let phrase: string;
  if (opts.mnemonic !== undefined) phrase = opts.mnemonic;
  else if (opts.mnemonicFile !== undefined) phrase = readSecretFile(opts.mnemonicFile, 'mnemonic');
  else
    throw usageError(
      'E_MNEMONIC_REQUIRED',
      'the mnemonic is required: pass --mnemonic "word1 word2 …" or --mnemonic-file FILE (- for stdin)',
    );
  validateMnemonic(phrase);
  return normalizeMnemonic(phrase);
}

/** `tao wallet regen-coldkey`. */
export async function handleRegenColdkey(ctx: WalletContext, opts: RegenOptions): Promise<MadeKeys> {
  const scheme = parseScheme(opts.scheme);
  const mnemonic = mnemonicFrom(opts);
  return withWalletLock(ctx.home, ctx.wallet, async () => {
    refuseExisting(coldTargets(ctx), opts.overwrite);
    const password = await passwordForNewColdkey(ctx, opts);
    const key = storedFromMiniSecret(miniSecretFromMnemonic(mnemonic), scheme);
    const backups = await writeColdkey(ctx, key, password, opts.overwrite);
    return {
      wallet: ctx.wallet,
      coldkey: summary(key),
      encrypted: password !== null,
      backups,
      mnemonics: {},
    };
  });
}

/** `tao wallet regen-hotkey`. */
export async function handleRegenHotkey(ctx: WalletContext, opts: RegenOptions): Promise<MadeKeys> {
  const scheme = parseScheme(opts.scheme);
  const mnemonic = mnemonicFrom(opts);
  return withWalletLock(ctx.home, ctx.wallet, async () => {
    refuseExisting(hotTargets(ctx), opts.overwrite);
    const password = await passwordForHotkey(ctx, opts);
    const key = storedFromMiniSecret(miniSecretFromMnemonic(mnemonic), scheme);
    const backups = await writeHotkey(ctx, key, password, opts.overwrite);
    return {
      wallet: ctx.wallet,
      hotkey: { name: ctx.hotkey, ...summary(key) },
      encrypted: password !== null,
      backups,
      mnemonics: {},
    };
  });
}

/** `tao wallet regen-coldkeypub --ss58 ADDR`: a watch-only wallet (public file only). */
export function handleRegenColdkeypub(
  ctx: WalletContext,
  opts: { ss58?: string; publicKey?: string; overwrite?: boolean },
): { wallet: string; coldkey: { ss58: string; public_key: string }; backups: string[] } {
  if ((opts.ss58 === undefined) === (opts.publicKey === undefined))
    throw usageError('E_USAGE', 'give exactly one of --ss58 ADDRESS or --public-key HEX');
  let publicKey: Uint8Array;
  if (opts.ss58 !== undefined) publicKey = decodeAddress(opts.ss58);
  else {
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(opts.publicKey!))
      throw usageError('E_BAD_PUBLIC_KEY', 'a public key is 32 bytes of hex (64 hex digits, optional 0x)');
    publicKey = fromHex(opts.publicKey!);
  }
  const p = walletPaths(ctx.home, ctx.wallet);
  const ss58 = encodeAddress(publicKey);
  const hex = toHex(publicKey);
  const lock = acquireWalletLock(ctx.home, ctx.wallet);
  let backup: string | undefined;
  try {
    refuseWalletLinks(ctx.home, ctx.wallet);
    ensurePrivateDir(p.dir);
    ({ backup } = writeFileAtomic(p.coldkeypub, pubFileText(hex, ss58), {
      overwrite: opts.overwrite,
      what: `public coldkey of wallet '${ctx.wallet}'`,
    }));
  } finally {
    lock.release();
  }
  return { wallet: ctx.wallet, coldkey: { ss58, public_key: hex }, backups: backup ? [backup] : [] };
}
