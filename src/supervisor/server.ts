/** The control socket's server side: decodes requests, calls the Supervisor, streams `follow` lines. */
import { type Server, type Socket, createServer } from 'node:net';
import { type Request, type Response, encode, ndjsonReader } from './protocol.js';
import { type Supervisor, SupervisorError } from './supervisor.js';
import type { DaemonInfo } from './types.js';

export interface ControlServer {
  server: Server;
  /** Ends every connection (followers included). */
  closeAll(): void;
}

const str = (params: Record<string, unknown>, key: string): string => {
  const v = params[key];
  if (typeof v !== 'string' || v.length === 0)
    throw new SupervisorError('E_BAD_REQUEST', `params.${key} is required`);
  return v;
};

const count = (params: Record<string, unknown>, key: string, fallback: number): number => {
  const v = params[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new SupervisorError('E_BAD_REQUEST', `params.${key} must be a whole number ≥ 0`);
  }
  return v;
};

export function createControlServer(
  supervisor: Supervisor,
  info: DaemonInfo,
  onShutdown: (stopChildren: boolean) => void,
): ControlServer {
  const sockets = new Set<Socket>();

  async function handle(req: Request, socket: Socket, unsubs: (() => void)[]): Promise<unknown> {
    const params = req.params ?? {};
    switch (req.method) {
      case 'ping':
        return { pong: true, pid: info.pid, version: info.version, startedAt: info.startedAt };
      case 'status':
        return { daemon: info, children: supervisor.list() };
      case 'start':
        return supervisor.start(params.spec, params.replace === true);
      case 'stop':
        return supervisor.stop(str(params, 'name'));
      case 'restart':
        return supervisor.restart(str(params, 'name'));
      case 'remove':
        return supervisor.remove(str(params, 'name'));
      case 'logs':
        return { lines: supervisor.logs(str(params, 'name'), count(params, 'lines', 100)) };
      case 'follow': {
        const name = str(params, 'name');
        const backlog = count(params, 'lines', 0);
        supervisor.ring(name);
        socket.write(encode({ id: req.id, result: { following: name } }));
        unsubs.push(
          supervisor.follow(name, backlog, (line) => {
            if (!socket.destroyed) socket.write(encode({ id: req.id, event: 'log', line }));
          }),
        );
        return undefined;
      }
      case 'shutdown': {
        const stopChildren = params.stopChildren !== false;
        setImmediate(() => onShutdown(stopChildren));
        return { stopping: true, stopChildren };
      }
      default:
        throw new SupervisorError('E_UNKNOWN_METHOD', `unknown method '${req.method}'`);
    }
  }

  const server = createServer((socket) => {
    sockets.add(socket);
    const unsubs: (() => void)[] = [];
    const send = (res: Response) => {
      if (!socket.destroyed) socket.write(encode(res));
    };
    socket.setEncoding('utf8');
    socket.on(
      'data',
      ndjsonReader(
        (message) => {
          const req = message as Partial<Request>;
          const id = req && (typeof req.id === 'number' || typeof req.id === 'string') ? req.id : null;
          if (id === null || typeof req.method !== 'string') {
            send({ id, error: { code: 'E_BAD_REQUEST', message: 'a request is {id, method, params}' } });
            return;
          }
          handle(req as Request, socket, unsubs).then(
            (result) => {
              if (result !== undefined) send({ id, result });
            },
            (error: unknown) => {
              const code = error instanceof SupervisorError ? error.code : 'E_INTERNAL';
              send({ id, error: { code, message: (error as Error).message ?? String(error) } });
            },
          );
        },
        (reason) => {
          send({ id: null, error: { code: 'E_BAD_REQUEST', message: reason } });
          if (reason === 'message too long') socket.destroy();
        },
      ),
    );
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      for (const unsub of unsubs) unsub();
    });
  });

  return {
    server,
    closeAll: () => {
      for (const socket of sockets) socket.end();
      setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 200).unref();
    },
  };
}
