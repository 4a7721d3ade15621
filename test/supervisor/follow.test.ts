/**
 * `follow` over the real control socket (the Supervisor and its server, real child processes): a follower
 * keeps getting lines when its child is removed and started again under the same name (`tao down`, then
 * `tao up`, with a console or `tao peer logs -f` open), and stops getting them once it unsubscribes; the
 * secrets a child was given never appear in what it logs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SupervisorClient } from '../../src/supervisor/client.js';
import { type ControlServer, createControlServer } from '../../src/supervisor/server.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import type { LogLine } from '../../src/supervisor/types.js';
import { nodeSpec, scriptDir, waitFor } from './fixtures.js';

let scripts: ReturnType<typeof scriptDir>;
let dir: string;
let sup: Supervisor;
let control: ControlServer;
let socket: string;
const closers: (() => void)[] = [];

beforeAll(() => {
  scripts = scriptDir();
});
afterAll(() => scripts.cleanup());

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await new Promise<void>((resolve) => {
    control.server.close(() => resolve());
    control.closeAll();
  });
  await sup.disposeAll();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'tao-follow-'));
  socket = join(dir, 'ctl.sock');
  sup = new Supervisor(join(dir, 'logs'));
  const info = { pid: process.pid, startedAt: Date.now(), version: 'test', home: dir, socket };
  control = createControlServer(sup, info, () => undefined);
  await new Promise<void>((resolve) => control.server.listen(socket, () => resolve()));
}

describe('follow over the control socket', () => {
  it('keeps following a child that is removed and started again under the same name', async () => {
    await serve();
    const client = await SupervisorClient.connect(socket);
    closers.push(() => client.close());
    await client.start(nodeSpec(scripts.dir, 'p', 'forever.mjs', ['50']));
    const got: LogLine[] = [];
    const following = await client.follow('p', (l) => got.push(l), { lines: 10 });
    closers.push(() => following.close());
    await waitFor('first child ticks', () => got.some((l) => l.text === 'tick 2'));
    await client.remove('p');
    const second = (await client.start(nodeSpec(scripts.dir, 'p', 'forever.mjs', ['50']))).child.pid;
    await waitFor("the new child's lines", () => got.some((l) => l.text === `ready pid ${second}`));
    const from = got.findIndex((l) => l.text === `ready pid ${second}`);
    await waitFor('new child ticks', () => got.slice(from).some((l) => l.text === 'tick 2'));
  });

  it('sends nothing more after the follower closes its stream', async () => {
    await serve();
    const client = await SupervisorClient.connect(socket);
    closers.push(() => client.close());
    await client.start(nodeSpec(scripts.dir, 'p', 'forever.mjs', ['30']));
    const got: LogLine[] = [];
    const following = await client.follow('p', (l) => got.push(l));
    await waitFor('ticks', () => got.length >= 2);
    following.close();
    await following.done;
    const count = got.length;
    await waitFor('more lines in the ring', () => sup.logs('p', 1000).length >= count + 5);
    expect(got.length).toBe(count);
    await client.remove('p');
    await client.start(nodeSpec(scripts.dir, 'p', 'forever.mjs', ['30']));
    await waitFor('the new child', () => sup.logs('p', 10).some((l) => l.text === 'tick 2'));
    expect(got.length).toBe(count); // a closed follower is not moved to the new child either
  });
});

describe('secrets in child output', () => {
  it('never reach the ring, the follow stream or the log file', async () => {
    await serve();
    const script = join(dir, 'leaky.mjs');
    writeFileSync(
      script,
      `console.log('password is ' + process.env.TAO_PASSWORD);
       console.error('argv ' + process.argv.slice(2).join(' '));
       console.log('done');
       setInterval(() => {}, 1000);`,
    );
    const client = await SupervisorClient.connect(socket);
    closers.push(() => client.close());
    const got: LogLine[] = [];
    await client.start({
      name: 'leaky',
      kind: 'test',
      command: process.execPath,
      args: [script, '--mnemonic', 'abandon ability able', '--seed=0xfeedface', '--port', '8080'],
      env: { TAO_PASSWORD: 'correct horse battery' },
    });
    const following = await client.follow('leaky', (l) => got.push(l), { lines: 100 });
    closers.push(() => following.close());
    await waitFor('the output', () => got.some((l) => l.text === 'done'));
    await waitFor('the stderr line', () => got.some((l) => l.text.startsWith('argv ')));
    const shown = got.map((l) => l.text).join('\n');
    expect(shown).toContain('password is <redacted>');
    expect(shown).toContain('argv --mnemonic <redacted> --seed=<redacted> --port 8080');
    const file = readFileSync(sup.list()[0]!.logFile, 'utf8');
    for (const text of [shown, file, (await client.logs('leaky', 100)).map((l) => l.text).join('\n')]) {
      expect(text).not.toContain('correct horse');
      expect(text).not.toContain('abandon ability');
      expect(text).not.toContain('feedface');
    }
  });
});
