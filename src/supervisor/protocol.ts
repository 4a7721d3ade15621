/**
 * The control socket's wire format: newline-delimited JSON. Requests `{id, method, params}`; answers
 * `{id, result}` or `{id, error:{code, message}}`; a `follow` stream adds `{id, event:'log', line}`.
 */
import type { LogLine } from './types.js';

export const METHODS = [
  'ping',
  'status',
  'start',
  'stop',
  'restart',
  'remove',
  'logs',
  'follow',
  'shutdown',
] as const;
export type Method = (typeof METHODS)[number];

export interface Request {
  id: number | string;
  method: string;
  params?: Record<string, unknown>;
}

export type Response =
  | { id: number | string | null; result: unknown }
  | { id: number | string | null; error: { code: string; message: string } };

export interface LogEvent {
  id: number | string;
  event: 'log';
  line: LogLine;
}

/** Longest accepted request line; anything longer closes the connection. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export const encode = (message: Response | LogEvent | Request): string => `${JSON.stringify(message)}\n`;

/** Splits a byte stream into JSON messages; returns a push function that calls `onMessage` per line. */
export function ndjsonReader(
  onMessage: (message: unknown) => void,
  onBadLine: (reason: string) => void,
  maxBytes = MAX_REQUEST_BYTES,
): (chunk: string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl !== -1) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line.length > 0) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          onBadLine('not JSON');
          nl = buffer.indexOf('\n');
          continue;
        }
        onMessage(parsed);
      }
      nl = buffer.indexOf('\n');
    }
    if (buffer.length > maxBytes) {
      buffer = '';
      onBadLine('message too long');
    }
  };
}
