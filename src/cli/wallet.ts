/**
 * `tao wallet …`: keys and encrypted wallets. Thin: parse flags, call a handler from src/wallet (loaded
 * lazily so `tao wallet list` never loads scrypt, ciphers or the keychain), print with `emit`. The ledger
 * commands (balance, transfer, faucet) attach to this same group: find it by name 'wallet'.
 */
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { globalsOf } from './context.js';
import { usageError } from '../core/errors.js';
import { bold, emit, keyValues, printJson, printText, table, yellow } from './output.js';
import { withExamples } from './program.js';

export const WALLET_GROUP = 'wallet';

interface KeyFlags {
  words?: string;
  scheme?: string;
  password?: boolean; // false with --no-password
  overwrite?: boolean;
  showMnemonic?: boolean;
  mnemonic?: string;
  mnemonicFile?: string;
}

type Made = import('../wallet/create.js').MadeKeys;

function keyOptions(flags: KeyFlags) {
  return {
    words: flags.words === undefined ? undefined : Number(flags.words),
    scheme: flags.scheme,
    noPassword: flags.password === false,
    overwrite: flags.overwrite,
    mnemonic: flags.mnemonic,
    mnemonicFile: flags.mnemonicFile,
  };
}

function context(cmd: Command) {
  return globalsOf(cmd);
}

function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The warning box a new mnemonic is shown in, once, on the terminal. */
function mnemonicBox(label: string, mnemonic: string): string {
  const width = 66;
  const body = [
    'WRITE THIS DOWN NOW. It is shown only this once and is the only',
    `backup of the ${label}. Anyone who has it controls the key.`,
    '',
    ...wrapWords(mnemonic, width),
  ];
  const rule = '─'.repeat(width + 2);
  return [`┌${rule}┐`, ...body.map((l) => `│ ${l.padEnd(width)} │`), `└${rule}┘`].map(yellow).join('\n');
}

/** Shows new mnemonics (text mode): on a TTY, or anywhere with --show-mnemonic; else says it did not. */
function showMnemonics(made: Made, flags: KeyFlags): void {
  const entries = Object.entries(made.mnemonics).filter(([, m]) => m) as [string, string][];
  if (entries.length === 0) return;
  if (process.stdout.isTTY || flags.showMnemonic) {
    for (const [label, m] of entries) printText(mnemonicBox(label, m));
  } else {
    process.stderr.write(
      'tao: the new mnemonic was NOT shown (stdout is not a terminal); without it there is no backup of the key. Re-run with --show-mnemonic to print it.\n',
    );
  }
}

function madeJson(made: Made, flags: KeyFlags) {
  const out: Record<string, unknown> = { wallet: made.wallet };
  if (made.coldkey) out.coldkey = made.coldkey;
  if (made.hotkey) {
    out.hotkey =
      flags.showMnemonic && made.mnemonics.hotkey
        ? { ...made.hotkey, mnemonic: made.mnemonics.hotkey }
        : made.hotkey;
  }
  out.encrypted = made.encrypted;
  if (made.backups.length > 0) out.backups = made.backups;
  if (flags.showMnemonic && made.mnemonics.coldkey) out.mnemonic = made.mnemonics.coldkey;
  return out;
}

function renderMade(made: Made): string {
  const rows: [string, string][] = [['wallet', made.wallet]];
  if (made.coldkey) rows.push(['coldkey', `${made.coldkey.ss58}  (${made.coldkey.scheme})`]);
  if (made.hotkey) rows.push([`hotkey ${made.hotkey.name}`, `${made.hotkey.ss58}  (${made.hotkey.scheme})`]);
  rows.push(['encrypted', made.encrypted ? 'yes' : 'NO (--no-password)']);
  for (const b of made.backups) rows.push(['backup', b]);
  return keyValues(rows);
}

function printMade(json: boolean, made: Made, flags: KeyFlags): void {
  if (json) emit(true, madeJson(made, flags), () => '');
  else {
    showMnemonics(made, flags);
    printText(renderMade(made));
  }
}

function keyCommand(
  wallet: Command,
  name: string,
  description: string,
  example: string,
  run: 'handleCreate' | 'handleNewColdkey' | 'handleNewHotkey' | 'handleRegenColdkey' | 'handleRegenHotkey',
  regen: boolean,
): void {
  const cmd = wallet.command(name).description(description);
  if (regen) {
    cmd
      .option(
        '--mnemonic <words>',
        'the mnemonic, quoted (prefer --mnemonic-file: argv is visible to other users)',
      )
      .option('--mnemonic-file <file>', "file holding the mnemonic ('-' = stdin)");
  } else {
    cmd
      .option('--words <n>', 'mnemonic length: 12, 15, 18, 21 or 24', '12')
      .option('--show-mnemonic', 'also print the mnemonic where it is not a terminal (and in --json)');
  }
  cmd
    .option('--scheme <scheme>', 'sr25519 or ed25519', 'sr25519')
    .option('--no-password', 'store the key unencrypted (not recommended for coldkeys)')
    .option('--overwrite', 'replace existing files, keeping .bak-<timestamp> backups')
    .action(async (flags: KeyFlags, self: Command) => {
      const ctx = context(self);
      const handlers = await import('../wallet/create.js');
      const made = await handlers[run](ctx, keyOptions(flags));
      printMade(ctx.json, made, flags);
    });
  withExamples(cmd, example);
}

export function registerWallet(program: Command): void {
  const wallet = program
    .command(WALLET_GROUP)
    .description('coldkey/hotkey wallets: create, list, regenerate, sign, unlock');
  withExamples(wallet, 'tao wallet create --wallet alice', 'tao wallet list --json');

  keyCommand(
    wallet,
    'create',
    'create a wallet: a coldkey and a hotkey (--hotkey, default "default")',
    'tao wallet create --wallet alice --words 24',
    'handleCreate',
    false,
  );
  keyCommand(
    wallet,
    'new-coldkey',
    'create a new coldkey',
    'tao wallet new-coldkey --wallet alice',
    'handleNewColdkey',
    false,
  );
  keyCommand(
    wallet,
    'new-hotkey',
    "create a new hotkey (encrypted with the coldkey's password)",
    'tao wallet new-hotkey --wallet alice --hotkey miner1',
    'handleNewHotkey',
    false,
  );
  keyCommand(
    wallet,
    'regen-coldkey',
    'rebuild the coldkey from its mnemonic',
    'tao wallet regen-coldkey --wallet alice --mnemonic-file backup.txt',
    'handleRegenColdkey',
    true,
  );
  keyCommand(
    wallet,
    'regen-hotkey',
    'rebuild a hotkey from its mnemonic',
    'tao wallet regen-hotkey --wallet alice --hotkey miner1 --mnemonic-file - < words.txt',
    'handleRegenHotkey',
    true,
  );

  const pub = wallet
    .command('regen-coldkeypub')
    .description('make a watch-only wallet from a coldkey address (coldkeypub.txt only)')
    .option('--ss58 <address>', 'the coldkey SS58 address')
    .option('--public-key <hex>', 'or its 32-byte public key in hex')
    .option('--overwrite', 'replace an existing coldkeypub.txt, keeping a backup')
    .action(async (flags: { ss58?: string; publicKey?: string; overwrite?: boolean }, self: Command) => {
      const ctx = context(self);
      const { handleRegenColdkeypub } = await import('../wallet/create.js');
      const r = handleRegenColdkeypub({ ...ctx }, flags);
      emit(ctx.json, r, (d) =>
        keyValues([
          ['wallet', d.wallet],
          ['coldkey', `${d.coldkey.ss58}  (watch-only)`],
        ]),
      );
    });
  withExamples(pub, 'tao wallet regen-coldkeypub --wallet cold --ss58 5F…');

  const list = wallet
    .command('list')
    .description('list wallets with their coldkey and hotkey addresses')
    .action(async (_flags: unknown, self: Command) => {
      const ctx = context(self);
      const { handleList } = await import('../wallet/listing.js');
      emit(ctx.json, handleList(ctx.home), (d) => {
        if (d.wallets.length === 0)
          return `no wallets in ${resolve(ctx.home, 'wallets')} (create one: tao wallet create)`;
        const rows: string[][] = [];
        for (const w of d.wallets) {
          rows.push([w.name, 'coldkey', w.coldkey ?? '-']);
          for (const h of w.hotkeys) rows.push(['', `hotkey ${h.name}`, h.ss58]);
        }
        return table(['wallet', 'key', 'address'], rows);
      });
    });
  withExamples(list, 'tao wallet list --json');

  const show = wallet
    .command('show')
    .description('show one wallet: addresses, public keys, schemes, whether encrypted')
    .action(async (_flags: unknown, self: Command) => {
      const ctx = context(self);
      const { handleShow } = await import('../wallet/listing.js');
      emit(ctx.json, handleShow(ctx.home, ctx.wallet), (d) => {
        const enc = (e: boolean | null) => (e === null ? 'n/a' : e ? 'encrypted' : 'UNENCRYPTED');
        const rows: [string, string][] = [
          ['wallet', d.wallet],
          ['path', d.path],
        ];
        if (d.coldkey)
          rows.push([
            'coldkey',
            `${d.coldkey.ss58}  ${d.coldkey.scheme}, ${d.coldkey.watch_only ? 'watch-only' : enc(d.coldkey.encrypted)}`,
          ]);
        else rows.push(['coldkey', '-']);
        for (const h of d.hotkeys)
          rows.push([`hotkey ${h.name}`, `${h.ss58}  ${h.scheme}, ${enc(h.encrypted)}`]);
        return keyValues(rows);
      });
    });
  withExamples(show, 'tao wallet show --wallet alice');

  const sign = wallet
    .command('sign')
    .description('sign a message (Substrate <Bytes> wrapping, verifiable in polkadot.js)')
    .requiredOption('--message <text>', 'the message (UTF-8 text)')
    .option('--use-hotkey', 'sign with the hotkey instead of the coldkey')
    .action(async (flags: { message: string; useHotkey?: boolean }, self: Command) => {
      const ctx = context(self);
      const { handleSign } = await import('../wallet/sign.js');
      const r = await handleSign(ctx, flags);
      emit(ctx.json, r, (d) =>
        keyValues([
          ['signature', d.signature],
          ['signer', `${d.address} (${d.key}, ${d.scheme})`],
        ]),
      );
    });
  withExamples(sign, 'tao wallet sign --message "hello" --password-file ~/.tao-pass');

  const verify = wallet
    .command('verify')
    .description('verify a message signature against an SS58 address')
    .requiredOption('--message <text>', 'the message that was signed')
    .requiredOption('--signature <hex>', 'the 64-byte signature in hex')
    .requiredOption('--address <ss58>', "the signer's SS58 address")
    .option('--scheme <scheme>', 'sr25519 or ed25519 (default: try both)')
    .action(
      async (
        flags: { message: string; signature: string; address: string; scheme?: string },
        self: Command,
      ) => {
        const ctx = context(self);
        const { handleVerify } = await import('../wallet/sign.js');
        const result = handleVerify(flags);
        // An invalid signature is a failure (exit 2, E_SIGNATURE_INVALID) so `if tao wallet verify …`
        // works; with --json the result document still goes to stdout, the error to stderr.
        if (result.valid) emit(ctx.json, result, (d) => `valid signature by ${d.address} (${d.scheme})`);
        else {
          if (ctx.json) printJson(result);
          throw usageError(
            'E_SIGNATURE_INVALID',
            `INVALID signature: it does not verify for ${result.address} and this message`,
          );
        }
      },
    );
  withExamples(verify, 'tao wallet verify --message hello --signature 0x… --address 5F…');

  const change = wallet
    .command('change-password')
    .description('re-encrypt the coldkey and its hotkeys under a new password')
    .option('--new-password-file <file>', "file holding the new password ('-' = stdin); or TAO_NEW_PASSWORD")
    .action(async (flags: { newPasswordFile?: string }, self: Command) => {
      const ctx = context(self);
      const { handleChangePassword } = await import('../wallet/manage.js');
      const r = await handleChangePassword(ctx, flags);
      emit(ctx.json, r, (d) =>
        keyValues([
          ['wallet', d.wallet],
          ['re-encrypted', d.changed.join(', ') || '-'],
          ...(d.skipped.length ? [['skipped', d.skipped.join(', ')] as [string, string]] : []),
          ['keychain', d.keychain_updated ? 'updated' : 'not remembered'],
        ]),
      );
    });
  withExamples(change, 'tao wallet change-password --password-file old.txt --new-password-file new.txt');

  const unlock = wallet
    .command('unlock')
    .description('check the password; --remember stores it in the OS keychain, --forget removes it')
    .option('--remember', 'store the verified password in the OS keychain (service "tao")')
    .option('--forget', 'remove the stored password from the OS keychain')
    .action(async (flags: { remember?: boolean; forget?: boolean }, self: Command) => {
      const ctx = context(self);
      const { handleUnlock } = await import('../wallet/manage.js');
      const r = await handleUnlock(ctx, flags);
      emit(ctx.json, r, (d) =>
        d.forgotten !== undefined
          ? d.forgotten
            ? `forgot the password of wallet '${d.wallet}'`
            : `no password of wallet '${d.wallet}' was remembered`
          : d.remembered
            ? `${bold('unlocked')}; the password of wallet '${d.wallet}' is remembered in the OS keychain`
            : `${bold('unlocked')}: the password is correct (source: ${d.source})`,
      );
    });
  withExamples(
    unlock,
    'tao wallet unlock --remember --password-file ~/.tao-pass',
    'tao wallet unlock --forget',
  );

  const imp = wallet
    .command('import')
    .description(
      'convert a btcli wallet directory into a tao wallet (name: --wallet, else the directory name)',
    )
    .requiredOption('--from <dir>', 'the btcli wallet directory, e.g. ~/.bittensor/wallets/default')
    .option('--no-password', 'store the imported keys unencrypted')
    .option('--overwrite', 'replace existing files, keeping backups')
    .action(async (flags: { from: string; password?: boolean; overwrite?: boolean }, self: Command) => {
      const ctx = context(self);
      const raw = self.optsWithGlobals() as { wallet?: string };
      const name = raw.wallet ?? basename(resolve(flags.from));
      const { handleImport } = await import('../wallet/import.js');
      const r = await handleImport(
        { ...ctx, wallet: name },
        { from: flags.from, noPassword: flags.password === false, overwrite: flags.overwrite },
      );
      emit(ctx.json, r, (d) =>
        keyValues([
          ['wallet', d.wallet],
          ['from', d.from],
          ['coldkey', d.coldkey ? `${d.coldkey.ss58}${d.watch_only ? '  (watch-only)' : ''}` : '-'],
          ...d.hotkeys.map((h) => [`hotkey ${h.name}`, h.ss58] as [string, string]),
          ...d.skipped.map((s) => [`skipped ${s.name}`, s.reason] as [string, string]),
          ['encrypted', d.encrypted ? 'yes' : 'NO (--no-password)'],
        ]),
      );
    });
  withExamples(imp, 'tao wallet import --from ~/.bittensor/wallets/default --password-file btcli-pass.txt');
}
