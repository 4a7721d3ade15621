/**
 * The real binary on what no other test ran: `tao console --theme` in a real pseudo-terminal (util-linux
 * `script`), bad "keys" in config.json (exit 2 before the console starts), and `tao node reset` (refused
 * without --yes and while the node runs; with --yes the chain starts over from genesis).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TAO_BIN, runTao, tempHome } from '../helpers/tao.js';
import { freePort, kill, type NodeProc, rpc, startNode } from './node-helpers.js';

const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript && process.env.CI) throw new Error('script (util-linux) is required under CI');

const homes: (() => void)[] = [];
afterAll(() => {
  for (const c of homes) c();
});
function home(): string {
  const h = tempHome('tao-untested-cli-');
  homes.push(h.cleanup);
  return h.home;
}

/** A colour SGR (foreground/background, 16/256/truecolor); the mono theme uses none. */
const COLOUR = /\x1b\[(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/;

/**
 * Runs `tao <args>` in a 100x30 pseudo-terminal; once `ready` appears on the screen it types `q`.
 * Resolves with the exit code and everything the terminal received (escape codes included).
 */
function inTerminal(
  taoHome: string,
  args: string[],
  ready = 'q quit',
): Promise<{ code: number | null; out: string }> {
  const cmd = `stty cols 100 rows 30; exec ${process.execPath} ${TAO_BIN} ${args.join(' ')}`;
  const child: ChildProcess = spawn('script', ['-qefc', cmd, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TAO_HOME: taoHome, TERM: 'xterm-256color', LANG: 'C.UTF-8', NO_COLOR: undefined },
  });
  let out = '';
  let quit = false;
  const onData = (d: Buffer) => {
    out += d.toString();
    if (!quit && out.includes(ready)) {
      quit = true;
      child.stdin!.write('q');
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

// A node nobody listens on: the console starts and shows that it reconnects.
const NOWHERE = '--node http://127.0.0.1:1';

describe.skipIf(!hasScript)('tao console --theme and config keys, in a terminal', () => {
  it('--theme mono draws without a colour code, the default theme with them; q exits 0', async () => {
    const h = home();
    const mono = await inTerminal(h, [NOWHERE, 'console', '--theme', 'mono']);
    expect(mono.code).toBe(0);
    expect(mono.out).toContain('http://127.0.0.1:1');
    expect(mono.out).not.toMatch(COLOUR);
    const colour = await inTerminal(h, [NOWHERE, 'console']);
    expect(colour.code).toBe(0);
    expect(colour.out).toMatch(COLOUR);
  }, 60_000);

  it('--theme with an unknown name exits 2 and lists the themes there are', async () => {
    const r = await inTerminal(home(), [NOWHERE, 'console', '--theme', 'nosuch']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('no theme named "nosuch"');
    expect(r.out).toMatch(/available: default, light, mono/);
  }, 30_000);

  it('bad "keys" in config.json exit 2 (E_BAD_KEYS) before the console draws anything', async () => {
    for (const keys of [{ 'no.such.action': 'z' }, { quit: 'ctrl+shift+nope' }, { quit: '2' }]) {
      const h = home();
      writeFileSync(join(h, 'config.json'), JSON.stringify({ keys }));
      const r = await inTerminal(h, [NOWHERE, 'console']);
      expect(r.code, JSON.stringify(keys)).toBe(2);
      expect(r.out, JSON.stringify(keys)).not.toContain('q quit');
    }
  }, 60_000);
});

describe('tao node reset', () => {
  let node: NodeProc | undefined;
  afterAll(() => kill(node));

  it('refuses without --yes and while the node runs; with --yes the chain starts over at genesis', async () => {
    const h = home();
    const port = await freePort();
    node = await startNode(h, port, ['--instant']);
    await rpc(node.url, 'dev_mine', { blocks: 3 });
    expect((await rpc(node.url, 'chain_head')).number).toBe(3);
    const running = await runTao(['--json', 'node', 'reset', '--yes'], { home: h });
    expect(running.code).toBe(2);
    expect(JSON.parse(running.stderr).error.code).toBe('E_NODE_RUNNING');
    await kill(node, 'SIGTERM');
    const data = join(h, 'node', 'data');
    expect(existsSync(data)).toBe(true);

    const unconfirmed = await runTao(['--json', 'node', 'reset'], { home: h });
    expect(unconfirmed.code).toBe(2);
    expect(JSON.parse(unconfirmed.stderr).error.code).toBe('E_CONFIRM_REQUIRED');
    expect(existsSync(data)).toBe(true);

    const reset = await runTao(['--json', 'node', 'reset', '--yes'], { home: h });
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({ reset: true, existed: true });
    expect(existsSync(data)).toBe(false);

    node = await startNode(h, port, ['--instant']);
    expect((await rpc(node.url, 'chain_head')).number).toBe(0);
  }, 90_000);
});
