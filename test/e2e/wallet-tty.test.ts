import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAO_BIN, tempHome } from '../helpers/tao.js';

// Runs tao on a real pseudo-terminal (util-linux `script`), answering each prompt as it appears.
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;

let home: string;
let cleanup: () => void;
beforeAll(() => {
  ({ home, cleanup } = tempHome('tao-e2e-tty-'));
});
afterAll(() => cleanup());

function onTty(args: string[], answers: string[]): Promise<{ code: number | null; out: string }> {
  const quoted = [process.execPath, TAO_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const env: Record<string, string | undefined> = {
    ...process.env,
    TAO_HOME: home,
    NO_COLOR: '1',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
  };
  delete env.TAO_PASSWORD;
  return new Promise((done) => {
    const child = spawn('script', ['-qec', quoted, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let answered = 0;
    const onData = (d: Buffer) => {
      out += d.toString();
      // Count prompts only (not the final "wrong password: …" error line, which has no trailing space).
      const asked = out.split(/(?:Password to|New password to|Repeat the new password)[^\n]*: /).length - 1;
      if (asked > answered && answered < answers.length) {
        const answer = answers[answered++]!;
        // A human types after the prompt appears; give the prompt a moment to switch the TTY to no-echo.
        setTimeout(() => child.stdin.write(`${answer}\r`), 150);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      done({ code, out });
    });
  });
}

describe.skipIf(!hasScript)('tao wallet on a terminal', () => {
  it('asks for the new password twice, then shows each mnemonic once in a warning box', async () => {
    const r = await onTty(['wallet', 'create'], ['tty password 1', 'tty password 1']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Repeat the new password/);
    expect(r.out.match(/WRITE THIS DOWN NOW/g)).toHaveLength(2);
    expect(r.out).not.toContain('tty password 1');
  }, 100_000);

  it('gives three tries for a wrong password, then exits 3 with E_BAD_PASSWORD', async () => {
    const r = await onTty(
      ['wallet', 'sign', '--message', 'x'],
      ['wrong 1', 'wrong 2', 'wrong 3', 'tty password 1'],
    );
    expect(r.code, r.out).toBe(3);
    expect(r.out.match(/try again/g)).toHaveLength(2);
    expect(r.out).toMatch(/wrong password/);
  }, 100_000);

  it('signs after a wrong first try', async () => {
    const r = await onTty(['wallet', 'sign', '--message', 'x'], ['wrong 1', 'tty password 1']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/signature\s+0x[0-9a-f]{128}/);
  }, 100_000);
});
