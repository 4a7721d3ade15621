/** Handlers of `tao daemon start|stop|status`: plain functions returning the data the CLI prints. */
import { connectSupervisor, ensureSupervisor, stopSupervisor } from './client.js';
import { runFiles } from './instance.js';
import type { ChildStatus } from './types.js';
import { childJson } from './view.js';

export async function daemonStart(
  home: string,
): Promise<{ running: true; started: boolean; pid: number; socket: string }> {
  const client = await ensureSupervisor(home);
  try {
    const { pid } = await client.ping();
    return { running: true, started: client.started, pid, socket: client.socketPath };
  } finally {
    client.close();
  }
}

export async function daemonStop(
  home: string,
  stopChildren: boolean,
): Promise<{ stopped: boolean; pid: number | null; children_stopped: boolean }> {
  const result = await stopSupervisor(home, { stopChildren });
  return { ...result, children_stopped: result.stopped && stopChildren };
}

export async function daemonStatus(home: string): Promise<{
  running: boolean;
  children: ChildStatus[];
  json: { running: boolean; pid: number | null; socket: string; children: ReturnType<typeof childJson>[] };
}> {
  const socket = runFiles(home).socket;
  const client = await connectSupervisor(home).catch(() => null);
  if (!client)
    return { running: false, children: [], json: { running: false, pid: null, socket, children: [] } };
  try {
    const status = await client.status();
    return {
      running: true,
      children: status.children,
      json: { running: true, pid: status.daemon.pid, socket, children: status.children.map(childJson) },
    };
  } finally {
    client.close();
  }
}
