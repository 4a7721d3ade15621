import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runTao, TAO_BIN, tempHome } from '../helpers/tao.js';

// A real Secret Service (gnome-keyring) on a private D-Bus session. Missing tools skip the test locally,
// but fail it in CI (.ci/run installs dbus and gnome-keyring and sets CI=1).
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const available = has('dbus-run-session') && has('gnome-keyring-daemon');
const SCRIPT = resolve(import.meta.dirname, '../wallet/keyring-session.mjs');

interface Step {
  code: number | null;
  stdout: string;
  stderr: string;
}

let home: string;
let cleanup: () => void;
let pwFile: string;

beforeAll(async () => {
  ({ home, cleanup } = tempHome('tao-e2e-keyring-'));
  pwFile = join(home, 'password.txt');
  writeFileSync(pwFile, 'keychain test password\n');
  const r = await runTao(['--json', 'wallet', 'create', '--password-file', pwFile], {
    home,
    env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
  });
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => cleanup());

describe('the OS keychain through a real Secret Service', () => {
  it('has dbus-run-session and gnome-keyring-daemon in CI', () => {
    if (process.env.CI) expect(available, 'install dbus and gnome-keyring (see .ci/run)').toBe(true);
  });

  it.skipIf(!available)(
    'remembers the password, signs with no password source, then forgets it (E_PASSWORD_REQUIRED)',
    async () => {
      const sandbox = join(home, 'session');
      mkdirSync(join(sandbox, 'run'), { recursive: true, mode: 0o700 });
      const env: Record<string, string | undefined> = {
        ...process.env,
        HOME: sandbox,
        XDG_DATA_HOME: join(sandbox, 'data'),
        XDG_RUNTIME_DIR: join(sandbox, 'run'),
        XDG_CONFIG_HOME: join(sandbox, 'config'),
        TAO_HOME: home,
        TAO_BIN,
        PW_FILE: pwFile,
      };
      delete env.TAO_PASSWORD;
      delete env.DBUS_SESSION_BUS_ADDRESS;
      delete env.TAO_NO_KEYCHAIN;
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const child = spawn('dbus-run-session', ['--', process.execPath, SCRIPT], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          done({ code, stdout, stderr });
        });
      });
      expect(result.code, result.stderr).toBe(0);
      const { ready, steps } = parseJson<{ ready: boolean; steps: Record<string, Step> }>(result);
      expect(ready, 'gnome-keyring-daemon started').toBe(true);
      const show = (s: Step) => `exit ${s.code}\n${s.stdout}\n${s.stderr}`;
      expect(steps.remember!.code, show(steps.remember!)).toBe(0);
      expect(JSON.parse(steps.remember!.stdout)).toMatchObject({ wallet: 'default', remembered: true });
      expect(steps.signFromKeychain!.code, show(steps.signFromKeychain!)).toBe(0);
      expect(JSON.parse(steps.signFromKeychain!.stdout).signature).toMatch(/^0x[0-9a-f]{128}$/);
      expect(JSON.parse(steps.unlockFromKeychain!.stdout)).toMatchObject({
        remembered: true,
        source: 'keychain',
      });
      expect(steps.forget!.code, show(steps.forget!)).toBe(0);
      expect(JSON.parse(steps.forget!.stdout)).toMatchObject({ remembered: false, forgotten: true });
      expect(steps.signAfterForget!.code).toBe(3);
      expect(JSON.parse(steps.signAfterForget!.stderr).error.code).toBe('E_PASSWORD_REQUIRED');
    },
    180_000,
  );
});
