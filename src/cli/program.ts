/**
 * The commander program: global flags of docs/cli.md, one group per file, and exit-code mapping for
 * commander's own usage errors. A group's module is imported only when the group is invoked (groups.ts):
 * until then a stand-in with its name and help line takes its place. Command files only register; their
 * handlers load lazily on action.
 */
import { Command, type CommanderError, Option } from 'commander';
import { ExitCode, TaoError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { type CommandGroup, commandGroups, type Register } from './groups.js';

/** Registrations of the groups loaded so far, by their loader (one loader may serve several commands). */
export type LoadedGroups = ReadonlyMap<CommandGroup['load'], readonly Register[]>;

/** Thrown when a group's stand-in is invoked: load `group` (loadGroups) and parse again. */
export class GroupNotLoaded extends Error {
  constructor(readonly group: string) {
    super(`command group ${group} is not loaded`);
  }
}

/** Imports the modules of the named groups ('all': every group). */
export async function loadGroups(names: readonly string[] | 'all'): Promise<LoadedGroups> {
  const wanted = commandGroups.filter((g) => names === 'all' || names.includes(g.name));
  const loaders = [...new Set(wanted.map((g) => g.load))];
  const regs = await Promise.all(loaders.map((load) => load()));
  return new Map(loaders.map((load, k) => [load, regs[k]!]));
}

/** The program with every group registered (help listings, tests). */
export async function buildFullProgram(): Promise<Command> {
  return buildProgram(await loadGroups('all'));
}

/** The program: the `loaded` groups registered, stand-ins for the others. */
export function buildProgram(loaded: LoadedGroups = new Map()): Command {
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
  const registered = new Set<CommandGroup['load']>();
  for (const group of commandGroups) {
    const regs = loaded.get(group.load);
    if (!regs) program.addCommand(standIn(group));
    else if (!registered.has(group.load)) {
      registered.add(group.load);
      for (const register of regs) register(program);
    }
  }
  applyToAll(program, (cmd) => {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: () => undefined });
  });
  return program;
}

/** A group's command in `tao --help` (name, [options], help line) that asks for its module when run. */
class StandIn extends Command {
  override help(): never {
    throw new GroupNotLoaded(this.name()); // `tao help <group>` calls this directly
  }
}

function standIn(group: CommandGroup): Command {
  const cmd = new StandIn(group.name)
    .description(group.description)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new GroupNotLoaded(group.name);
    });
  // the help list shows `name [options]` for a command with any option, hidden or not
  if (group.options) cmd.addOption(new Option('--options').hideHelp());
  return cmd;
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
