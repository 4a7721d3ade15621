/**
 * The README's first command works for a normal user on a fresh machine. The README says
 * `npm ci && <launcher> up`; here an unprivileged user with an empty HOME runs that launcher from a clone
 * they own (this checkout's package files and built dist/, its installed node_modules linked in, as
 * `npm ci` leaves a clone: no second install). As root the user is a throwaway system account made with
 * useradd; as anyone else the test already runs unprivileged. `npm link` (a global prefix of /usr) fails
 * this test with EACCES; a first `npx tao` that recompiles the checkout fails it too.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const USER = 'tao-test-user';
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The first command of the README's first sh block. */
function firstCommand(): string {
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return (
    block
      .split('\n')
      .find((l) => l.trim() !== '' && !l.trim().startsWith('#'))
      ?.trim() ?? ''
  );
}

/** Who runs the command: this process's own user when unprivileged, else a throwaway account. */
function unprivileged(): { user: string | null; skip?: string } {
  if (process.getuid?.() !== 0) return { user: null };
  if (spawnSync('id', ['-u', USER]).status === 0) return { user: USER };
  const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], {
    encoding: 'utf8',
  });
  if (made.status === 0) return { user: USER };
  return { user: null, skip: `running as root and useradd ${USER} failed: ${made.stderr.trim()}` };
}

const who = unprivileged();
let base: string;
let app: string;
let home: string;

beforeAll(() => {
  if (who.skip) return;
  base = mkdtempSync(join(tmpdir(), 'tao-first-'));
  chmodSync(base, 0o755);
  app = join(base, 'clone');
  home = join(base, 'home');
  mkdirSync(app);
  mkdirSync(home, { mode: 0o700 });
  for (const f of [
    'package.json',
    'package-lock.json',
    '.npmrc',
    'README.md',
    'tsconfig.json',
    'tsconfig.build.json',
  ])
    copyFileSync(join(ROOT, f), join(app, f));
  // Sources first, then their build, as `npm ci` (prepare) leaves a fresh clone.
  for (const d of ['bin', 'scripts', 'src', 'dist']) cpSync(join(ROOT, d), join(app, d), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
  if (who.user) spawnSync('chown', ['-R', who.user, app, home]);
});

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

function asUser(command: string): { status: number | null; stdout: string; stderr: string } {
  const env = {
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    npm_config_update_notifier: 'false',
  };
  const script = `cd '${app}' && ${command}`;
  const r = who.user
    ? spawnSync(
        'runuser',
        [
          '-u',
          who.user,
          '--',
          'env',
          '-i',
          ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
          'sh',
          '-c',
          script,
        ],
        { encoding: 'utf8', timeout: 120_000 },
      )
    : spawnSync('sh', ['-c', script], { encoding: 'utf8', env, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the README's first command", () => {
  const command = firstCommand();
  const launcher = /^npm ci && (.+) up$/.exec(command)?.[1];

  it('is npm ci, then tao up through a launcher', () => {
    expect(command).toMatch(/^npm ci && .+ up$/);
  });

  it.skipIf(who.skip !== undefined)(
    `works for an unprivileged user with a fresh HOME${who.skip ? ` (skipped: ${who.skip})` : ''}`,
    () => {
      const built = statSync(join(app, 'dist', 'cli', 'main.js')).mtimeMs;
      const v = asUser(`${launcher} --version`);
      expect(v.status, v.stderr).toBe(0);
      expect(v.stdout.trim()).toBe(version);
      const list = asUser(`${launcher} wallet list --json`);
      expect(list.status, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual({ wallets: [] });
      // The first launch found the clone built by npm ci and did not compile it again.
      expect(statSync(join(app, 'dist', 'cli', 'main.js')).mtimeMs).toBe(built);
      if (who.user) expect(statSync(home).uid).not.toBe(0);
    },
    240_000,
  );
});
