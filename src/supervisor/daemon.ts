/**
 * The daemon's foreground entry (`tao daemon run`): claim the TAO_HOME, listen on the control socket,
 * supervise children until asked to shut down or signalled. `tao daemon start` runs this detached.
 */
import { join } from 'node:path';
import { paths } from '../core/paths.js';
import { VERSION } from '../core/version.js';
import { acquireInstance, secureSocket } from './instance.js';
import { stopOrphans, takeOrphans } from './orphans.js';
import { createControlServer } from './server.js';
import { Supervisor } from './supervisor.js';
import type { DaemonInfo } from './types.js';

export interface DaemonOptions {
  /** Started by `tao daemon start`: no terminal, so SIGHUP is ignored instead of meaning "stop". */
  detached?: boolean;
}

const say = (text: string) => process.stdout.write(`${new Date().toISOString()} supervisor: ${text}\n`);

/** Runs until shutdown; resolves after the socket and pid file are removed. */
export async function runDaemon(home: string, options: DaemonOptions = {}): Promise<void> {
  process.umask(0o077);
  const { files, release } = await acquireInstance(home);
  const registry = join(files.runDir, 'children.json');
  const orphans = takeOrphans(registry);
  const supervisor = new Supervisor(paths(home).logs, registry);
  const unknown = orphans.filter((o) => !supervisor.adopt(o));
  for (const o of orphans)
    if (!unknown.includes(o)) say(`adopted ${o.name} (pid ${o.pid}), left running by a supervisor that died`);
  await stopOrphans(unknown);
  for (const o of unknown)
    say(`stopped ${o.name} (pid ${o.pid}), left running by a supervisor that died (its spec is unknown)`);
  const info: DaemonInfo = {
    pid: process.pid,
    startedAt: Date.now(),
    version: VERSION,
    home,
    socket: files.socket,
  };

  let finished!: () => void;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  let shuttingDown = false;
  const shutdown = async (stopChildren: boolean, why: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say(`shutting down (${why}); ${stopChildren ? 'stopping children' : 'leaving children running'}`);
    control.server.close();
    // Followers stay connected while the children stop, so a console sees their last lines.
    if (stopChildren) await supervisor.stopAll();
    control.closeAll();
    supervisor.dropRegistry();
    release();
    say('stopped');
    finished();
  };

  const control = createControlServer(
    supervisor,
    info,
    (stopChildren) => void shutdown(stopChildren, 'requested'),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      control.server.once('error', reject);
      control.server.listen(files.socket, () => resolve());
    });
    secureSocket(files.socket);
  } catch (error) {
    control.server.close();
    release();
    throw error;
  }

  process.on('SIGTERM', () => void shutdown(true, 'SIGTERM'));
  process.on('SIGINT', () => void shutdown(true, 'SIGINT'));
  process.on('SIGHUP', () => {
    if (options.detached) say('SIGHUP ignored (detached)');
    else void shutdown(true, 'SIGHUP');
  });
  say(`pid ${process.pid} listening on ${files.socket}`);
  await done;
}
