/** `tao console`: the interactive operator console (Ink). Everything heavy loads inside the action. */
import { type Command, Option } from 'commander';
import { usageError } from '../core/errors.js';
import { globalsOf } from './context.js';
import { withExamples } from './program.js';

export interface ConsoleFlags {
  readonly?: boolean;
  theme?: string;
  netuid?: string;
}

export async function handleConsole(cmd: Command, flags: ConsoleFlags): Promise<void> {
  const globals = globalsOf(cmd);
  if (globals.json) throw usageError('E_USAGE', 'tao console is interactive; --json is not supported');
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw usageError('E_NOT_A_TTY', 'tao console needs a terminal (stdin and stdout must be a TTY)');
  }
  const netuid = flags.netuid === undefined ? 1 : Number(flags.netuid);
  if (!Number.isInteger(netuid) || netuid < 0) throw usageError('E_USAGE', `--netuid must be a whole number`);
  // React's development build costs several ms per frame: choose production before React/Ink load.
  process.env.NODE_ENV ??= 'production';
  // Ink renders only a final frame when it thinks it runs in CI (is-in-ci reads CI at import). We have just
  // checked that stdin and stdout are a real terminal, so an operator's shell that exports CI=1 (common on
  // build boxes) must still get a live console.
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in process.env) process.env[key] = '0';
  const [{ readConfig }, { paths }, tui] = await Promise.all([
    import('../core/config.js'),
    import('../core/paths.js'),
    import('../tui/index.js'),
  ]);
  const config = readConfig(globals.home);
  const p = paths(globals.home);
  const keys = tui.readOwnKeys(p.wallet(globals.wallet));
  const { networkOf } = await import('./network.js');
  const network = await networkOf(globals);
  const walletName = keys.coldkey ? globals.wallet : null;
  // On a Subtensor chain the same views read the chain through @polkadot/api (loaded only here).
  const source =
    network.backend === 'subtensor'
      ? new (await import('../tui/data/subtensor-source.js')).SubtensorDataSource({
          url: network.url,
          netuid,
          walletName,
          coldkey: keys.coldkey,
          hotkeys: keys.hotkeys,
          home: globals.home,
          readonly: Boolean(flags.readonly),
          ...(globals.passwordFile !== undefined ? { passwordFile: globals.passwordFile } : {}),
        })
      : new tui.LiveDataSource({
          url: network.url,
          netuid,
          home: globals.home,
          walletName,
          coldkey: keys.coldkey,
          hotkeys: keys.hotkeys,
          readonly: Boolean(flags.readonly),
          ...(globals.passwordFile !== undefined ? { passwordFile: globals.passwordFile } : {}),
        });
  await tui.runConsole({
    source,
    readonly: Boolean(flags.readonly),
    theme: flags.theme ?? config.theme,
    userThemesDir: p.themes,
    keyOverrides: config.keys,
  });
}

export function registerConsole(program: Command): void {
  const cmd = program
    .command('console')
    .description(
      'the live operator console: ranking, neighbours, peer, wallet & stake, subnets; also on Subtensor with --network (q quits, ? help)',
    )
    .option('--readonly', 'register no action that signs or stops anything (shows RO)')
    .addOption(
      new Option('--theme <name>', 'colour theme: default, light, mono, or $TAO_HOME/themes/<name>.json'),
    )
    .option('--netuid <n>', 'subnet shown in Ranking and Overview', '1')
    .action(async (flags: ConsoleFlags, command: Command) => handleConsole(command, flags));
  withExamples(cmd, 'tao console --readonly --theme mono', 'tao console --network localnet --netuid 1');
}
