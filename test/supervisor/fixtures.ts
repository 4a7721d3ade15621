/** Small real child programs for supervisor tests, written to a temp dir, plus polling helpers. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildSpec } from '../../src/supervisor/types.js';

const SCRIPTS = {
  'forever.mjs': `
    // Like a real peer (src/peer/runtime/peer.ts): output is best effort, so a supervisor that dies (closing
    // the stdout pipe) does not kill it with EPIPE on its next tick.
    process.stdout.on('error', () => {});
    let n = 0;
    process.on('SIGTERM', () => process.stdout.write('got SIGTERM\\n', () => process.exit(0)));
    setInterval(() => console.log('tick ' + ++n), Number(process.argv[2] ?? 100));
    console.log('ready pid ' + process.pid);
  `,
  'crash-now.mjs': `
    console.error('boom: crashing on purpose');
    process.exit(3);
  `,
  'crash-after.mjs': `
    console.log('up, crashing in ' + process.argv[2] + ' ms');
    setTimeout(() => { console.error('crash after delay'); process.exit(4); }, Number(process.argv[2]));
  `,
  'ignore-term.mjs': `
    process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
    console.log('ready');
    setInterval(() => {}, 1000);
  `,
  'clean-exit.mjs': `
    console.log('done');
  `,
  'chatty.mjs': `
    const line = 'x'.repeat(Number(process.argv[3] ?? 100));
    for (let i = 0; i < Number(process.argv[2]); i++) console.log(i + ' ' + line);
    setInterval(() => {}, 1000);
  `,
  'health.mjs': `
    import { createServer } from 'node:http';
    const status = Number(process.argv[3] ?? 200);
    createServer((req, res) => { res.statusCode = req.url === '/health' ? status : 404; res.end('ok'); })
      .listen(Number(process.argv[2]), '127.0.0.1', () => console.log('serving /health with ' + status));
  `,
};

export type Script = keyof typeof SCRIPTS;

export function scriptDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tao-sup-'));
  for (const [name, body] of Object.entries(SCRIPTS)) writeFileSync(join(dir, name), body);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A spec running one of the scripts with node; `extra` overrides fields. */
export function nodeSpec(
  dir: string,
  name: string,
  script: Script,
  args: string[] = [],
  extra: Partial<ChildSpec> = {},
): ChildSpec {
  return { name, kind: 'test', command: process.execPath, args: [join(dir, script), ...args], ...extra };
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Zombie-aware: a process that exited but is not yet reaped counts as gone. */
export { pidAlive } from '../../src/supervisor/instance.js';
