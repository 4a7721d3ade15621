/**
 * The commander program: global flags of docs/cli.md, one registered group per file, and exit-code mapping
 * for commander's own usage errors. Command files only register; their handlers load lazily on action.
 */
import { Command, type CommanderError, Option } from 'commander';
import { ExitCode, TaoError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { commandGroups } from './groups.js';

export function buildProgram(): Command {
  const program = new Command('tao')
    .description('Operator console and wallet for a Bittensor-style decentralized AI market')
    .version(VERSION, '-V, --version', 'print the version')
    .addOption(new Option('--home <dir>', 'root of everything tao writes').env('TAO_HOME'))
    .addOption(new Option('--node <url>', 'ledger node RPC endpoint').env('TAO_NODE'))
    .addOption(
      new Option(
        '--network <name|url>',
        'finney, test, local, localnet or a ws(s):// Subtensor endpoint; http(s):// = a tao ledger',
      ),
    )
    .addOption(new Option('--wallet <name>', 'which wallet').env('TAO_WALLET'))
    .addOption(new Option('--hotkey <name>', 'which hotkey of that wallet').env('TAO_HOTKEY'))
    .option('--json', 'exactly one JSON document on stdout; never prompts')
    .option('-y, --yes', 'accept confirmations; a missing value is an error instead of a prompt')
    .option('--password-file <file>', "file holding the coldkey password ('-' = stdin)")
    .showSuggestionAfterError(true);
  program.addHelpText(
    'after',
    '\nExamples:\n  $ tao wallet create            create a wallet (coldkey + default hotkey)\n  $ tao wallet list --json       list wallets for a script\n\nPassword sources: --password-file, TAO_PASSWORD, the OS keychain (tao wallet unlock --remember), a prompt on a TTY.',
  );
  for (const register of commandGroups) register(program);
  applyToAll(program, (cmd) => {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: () => undefined });
  });
  return program;
}

function applyToAll(cmd: Command, fn: (cmd: Command) => void): void {
  fn(cmd);
  for (const sub of cmd.commands) applyToAll(sub, fn);
}

/** Adds an "Example:" block to a command's --help. */
export function withExamples(cmd: Command, ...examples: string[]): Command {
  return cmd.addHelpText(
    'after',
    `\nExample${examples.length > 1 ? 's' : ''}:\n${examples.map((e) => `  $ ${e}`).join('\n')}`,
  );
}

/** Maps commander's own errors to ours (usage → exit 2); help and version are success. */
export function fromCommanderError(error: CommanderError): TaoError | null {
  if (
    error.code === 'commander.helpDisplayed' ||
    error.code === 'commander.version' ||
    error.code === 'commander.help'
  ) {
    return null;
  }
  const message = error.message.replace(/^error: /, '');
  return new TaoError(`E_USAGE`, message, ExitCode.usage, 'run with --help for usage');
}
