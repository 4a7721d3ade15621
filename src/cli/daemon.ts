/** `tao daemon …`: the supervisor daemon that keeps the node and peers running (start, stop, status, run). */
import type { Command } from 'commander';
import { globalsOf } from './context.js';
import { emit, keyValues, table } from './output.js';
import { withExamples } from './program.js';

export function registerDaemon(program: Command): void {
  const daemon = program
    .command('daemon')
    .description('the supervisor daemon that owns the ledger node and peers (restarts, logs, health)');

  withExamples(
    daemon
      .command('start')
      .description('start the supervisor in the background (no-op when it is already running)')
      .action(async (_opts, cmd: Command) => {
        const g = globalsOf(cmd);
        const { daemonStart } = await import('../supervisor/commands.js');
        emit(g.json, await daemonStart(g.home), (d) =>
          d.started ? `supervisor started (pid ${d.pid})` : `supervisor already running (pid ${d.pid})`,
        );
      }),
    'tao daemon start',
    'tao --home /srv/tao daemon start --json',
  );

  withExamples(
    daemon
      .command('stop')
      .description('stop the supervisor, and its children unless --keep-children')
      .option('--keep-children', 'leave the children running (their further output is lost)')
      .action(async (opts: { keepChildren?: boolean }, cmd: Command) => {
        const g = globalsOf(cmd);
        const { daemonStop } = await import('../supervisor/commands.js');
        emit(g.json, await daemonStop(g.home, !opts.keepChildren), (d) =>
          d.stopped ? `supervisor stopped (pid ${d.pid})` : 'supervisor was not running',
        );
      }),
    'tao daemon stop',
    'tao daemon stop --keep-children --json',
  );

  withExamples(
    daemon
      .command('status')
      .description('whether the supervisor runs, and the state of every child')
      .action(async (_opts, cmd: Command) => {
        const g = globalsOf(cmd);
        const { daemonStatus } = await import('../supervisor/commands.js');
        const { CHILD_HEADERS, childRow } = await import('../supervisor/view.js');
        const status = await daemonStatus(g.home);
        emit(g.json, status.json, () => {
          if (!status.running) return `supervisor not running (socket ${status.json.socket})`;
          const head = keyValues([
            ['supervisor', `running, pid ${status.json.pid}`],
            ['socket', status.json.socket],
          ]);
          if (status.children.length === 0) return `${head}\nno children`;
          return `${head}\n\n${table(CHILD_HEADERS, status.children.map(childRow))}`;
        });
      }),
    'tao daemon status',
    'tao daemon status --json',
  );

  withExamples(
    daemon
      .command('run')
      .description('run the supervisor in the foreground (what `daemon start` launches)')
      .option('--detached', 'started by `daemon start`: ignore SIGHUP')
      .action(async (opts: { detached?: boolean }, cmd: Command) => {
        const g = globalsOf(cmd);
        const { runDaemon } = await import('../supervisor/daemon.js');
        await runDaemon(g.home, { detached: Boolean(opts.detached) });
        // Children left running keep pipes open; the daemon's work is done.
        process.exit(0);
      }),
    'tao daemon run',
  );
}
