/**
 * `tao wallet import --from DIR`: converts a btcli wallet directory (coldkey, coldkeypub.txt, hotkeys/) into
 * tao's format. Encrypted btcli files are opened with the wallet's btcli password (Argon2i is derived once:
 * btcli's salt is fixed, so every file under one password shares the key); the tao files are encrypted with
 * that same password unless --no-password. The btcli directory is only read, never changed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '../core/errors.js';
import { encodeAddress } from '../crypto/ss58.js';
import { ensurePrivateDir, writeFileAtomic } from './atomic.js';
import {
  type Argon2Limits,
  BTCLI_LIMITS,
  btcliFileKind,
  btcliKey,
  openNacl,
  parseBtcliPayload,
  storedKeyFromBtcli,
} from './btcli.js';
import { walletExists } from './errors.js';
import { buildKeyfile, type StoredKey, writeKey } from './keystore.js';
import { checkName, walletPaths } from './layout.js';
import { withWalletLock } from './lock.js';
import { newPassword, notify, type PasswordContext, withPassword } from './password.js';
import { parsePubFile, pubFileText } from './pubfile.js';

export interface ImportOptions {
  from: string;
  noPassword?: boolean;
  overwrite?: boolean;
  /** Argon2 limits of the btcli files (tests of the slow path only ever use the real ones). */
  limits?: Argon2Limits;
}

export interface ImportResult {
  wallet: string;
  from: string;
  coldkey: { ss58: string; scheme: string } | null;
  watch_only: boolean;
  hotkeys: { name: string; ss58: string }[];
  skipped: { name: string; reason: string }[];
  encrypted: boolean;
}

function readBytes(path: string): Uint8Array | null {
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    return null;
  }
}

function unsupported(path: string): never {
  throw usageError(
    'E_UNSUPPORTED_KEYFILE',
    `${path} is in a btcli keyfile format tao cannot read (legacy Ansible vault / Fernet, or unknown)`,
    'open the wallet with a recent btcli and re-save it, then import again',
  );
}

/** Opens btcli files, deriving the Argon2i key once per password. */
class BtcliOpener {
  private keys = new Map<string, Promise<Uint8Array>>();
  constructor(private readonly limits: Argon2Limits) {}
  key(password: string): Promise<Uint8Array> {
    let k = this.keys.get(password);
    if (!k) {
      k = btcliKey(password, this.limits);
      this.keys.set(password, k);
    }
    return k;
  }
  async open(bytes: Uint8Array, path: string, password: string): Promise<StoredKey> {
    const plain = openNacl(bytes, await this.key(password), path);
    return storedKeyFromBtcli(parseBtcliPayload(plain, path), path);
  }
}

function hotkeyFiles(dir: string): string[] {
  try {
    return readdirSync(join(dir, 'hotkeys'))
      .filter(
        (n) => !n.endsWith('pub.txt') && !n.startsWith('.') && !n.includes('.bak-') && !n.includes('.tmp-'),
      )
      .filter((n) => statSync(join(dir, 'hotkeys', n)).isFile())
      .sort();
  } catch {
    return [];
  }
}

export async function handleImport(ctx: PasswordContext, opts: ImportOptions): Promise<ImportResult> {
  return withWalletLock(ctx.home, ctx.wallet, () => importWallet(ctx, opts));
}

async function importWallet(ctx: PasswordContext, opts: ImportOptions): Promise<ImportResult> {
  const from = resolve(opts.from);
  const src = { coldkey: join(from, 'coldkey'), coldkeypub: join(from, 'coldkeypub.txt') };
  const hotNames = hotkeyFiles(from);
  if (!existsSync(src.coldkey) && !existsSync(src.coldkeypub) && hotNames.length === 0)
    throw usageError(
      'E_NOT_A_BTCLI_WALLET',
      `${from} is not a btcli wallet directory (no coldkey, coldkeypub.txt or hotkeys/)`,
      'point --from at one wallet, e.g. ~/.bittensor/wallets/default',
    );
  const target = walletPaths(ctx.home, ctx.wallet);
  const skipped: ImportResult['skipped'] = [];
  const hotkeysToImport: string[] = [];
  for (const name of hotNames) {
    try {
      checkName('hotkey', name);
      hotkeysToImport.push(name);
    } catch {
      skipped.push({ name, reason: 'not a valid tao hotkey name' });
    }
  }
  if (!opts.overwrite) {
    const targets = [
      target.coldkey,
      target.coldkeypub,
      ...hotkeysToImport.flatMap((h) => [target.hotkey(h), target.hotkeypub(h)]),
    ];
    for (const t of targets) if (existsSync(t)) throw walletExists(`wallet '${ctx.wallet}'`, t);
  }

  const opener = new BtcliOpener(opts.limits ?? BTCLI_LIMITS);
  const slowNote = () => {
    if ((opts.limits ?? BTCLI_LIMITS) === BTCLI_LIMITS)
      notify(ctx, "deriving btcli's Argon2i key (512 MiB, 8 passes): this takes a while…");
  };

  // The coldkey: encrypted, plain JSON, or absent (then the public file makes a watch-only wallet).
  let coldkey: StoredKey | null = null;
  let btcliPassword: string | undefined;
  const coldBytes = readBytes(src.coldkey);
  if (coldBytes) {
    const kind = btcliFileKind(coldBytes);
    if (kind === 'nacl') {
      slowNote();
      const r = await withPassword({ ...ctx, keychain: false }, `unlock the btcli coldkey in ${from}`, (pw) =>
        opener.open(coldBytes, src.coldkey, pw),
      );
      coldkey = r.value;
      btcliPassword = r.password;
    } else if (kind === 'json') {
      coldkey = storedKeyFromBtcli(parseBtcliPayload(coldBytes, src.coldkey), src.coldkey);
    } else unsupported(src.coldkey);
  }

  const hotkeys: { name: string; key: StoredKey }[] = [];
  for (const name of hotkeysToImport) {
    const path = join(from, 'hotkeys', name);
    const bytes = readBytes(path)!;
    const kind = btcliFileKind(bytes);
    try {
      if (kind === 'json')
        hotkeys.push({ name, key: storedKeyFromBtcli(parseBtcliPayload(bytes, path), path) });
      else if (kind === 'nacl') {
        if (btcliPassword === undefined) {
          slowNote();
          const r = await withPassword({ ...ctx, keychain: false }, `unlock btcli hotkey '${name}'`, (pw) =>
            opener.open(bytes, path, pw),
          );
          btcliPassword = r.password;
          hotkeys.push({ name, key: r.value });
        } else hotkeys.push({ name, key: await opener.open(bytes, path, btcliPassword) });
      } else skipped.push({ name, reason: 'unsupported btcli keyfile format' });
    } catch (error) {
      skipped.push({ name, reason: (error as Error).message });
    }
  }

  // tao's files: the btcli password, else a new one, unless --no-password.
  let password: string | null = null;
  if (!opts.noPassword && (coldkey || hotkeys.length > 0))
    password = btcliPassword ?? (await newPassword(ctx, `encrypt the imported wallet '${ctx.wallet}'`));

  ensurePrivateDir(target.dir);
  let coldSummary: ImportResult['coldkey'] = null;
  let watchOnly = false;
  if (coldkey) {
    writeKey(target.coldkey, target.coldkeypub, await buildKeyfile(coldkey, password), {
      overwrite: opts.overwrite,
      what: `coldkey of wallet '${ctx.wallet}'`,
    });
    coldSummary = { ss58: encodeAddress(coldkey.pair.publicKey), scheme: coldkey.pair.scheme };
  } else {
    const pubText = readBytes(src.coldkeypub);
    const pub = pubText ? parsePubFile(new TextDecoder().decode(pubText)) : null;
    if (pub) {
      writeFileAtomic(target.coldkeypub, pubFileText(pub.publicKey, pub.ss58Address), {
        overwrite: opts.overwrite,
        what: `public coldkey of wallet '${ctx.wallet}'`,
      });
      coldSummary = { ss58: pub.ss58Address, scheme: 'sr25519' };
      watchOnly = true;
    }
  }
  ensurePrivateDir(target.hotkeys);
  for (const h of hotkeys) {
    writeKey(target.hotkey(h.name), target.hotkeypub(h.name), await buildKeyfile(h.key, password), {
      overwrite: opts.overwrite,
      what: `hotkey '${h.name}' of wallet '${ctx.wallet}'`,
    });
  }
  return {
    wallet: ctx.wallet,
    from,
    coldkey: coldSummary,
    watch_only: watchOnly,
    hotkeys: hotkeys.map((h) => ({ name: h.name, ss58: encodeAddress(h.key.pair.publicKey) })),
    skipped,
    encrypted: password !== null,
  };
}
