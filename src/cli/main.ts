/** Entry point of the `tao` binary: parse argv, run the command, print any failure once, exit. */
import { CommanderError } from 'commander';
import { printError } from './handle-error.js';
import { buildProgram, fromCommanderError, GroupNotLoaded, loadGroups } from './program.js';

export async function main(argv: string[]): Promise<void> {
  ignoreClosedStdout();
  const json = argv.includes('--json');
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return;
  }
  try {
    try {
      await program.parseAsync(argv);
    } catch (error) {
      // the program knows the groups by name only: load the one invoked and parse again
      if (!(error instanceof GroupNotLoaded)) throw error;
      await buildProgram(await loadGroups([error.group])).parseAsync(argv);
    }
  } catch (error) {
    if (error instanceof CommanderError) {
      const mapped = fromCommanderError(error);
      if (!mapped) {
        process.exitCode = 0;
        return;
      }
      process.exitCode = printError(mapped, json);
      return;
    }
    process.exitCode = printError(error, json);
  }
}

/**
 * `tao … | head`: once the reader closes the pipe, further output is dropped instead of an unhandled EPIPE
 * crashing the process mid-command (which could abandon a transaction between submit and report).
 */
function ignoreClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
