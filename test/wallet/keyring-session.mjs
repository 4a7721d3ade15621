// Runs inside `dbus-run-session` (see test/e2e/keyring.test.ts): starts a real gnome-keyring Secret Service
// on the private session bus, then drives the real tao binary through remember → sign without a
// password → forget → sign fails. Prints one JSON document with every step's exit code and output.
import { spawn, spawnSync } from 'node:child_process';

const { TAO_BIN, PW_FILE } = process.env;
const daemon = spawn(
  'gnome-keyring-daemon',
  ['--replace', '--unlock', '--foreground', '--components=secrets'],
  {
    stdio: ['pipe', 'pipe', 'ignore'],
  },
);
daemon.stdin.end('keyring-login-password');

const ready = await new Promise((resolve) => {
  let out = '';
  const timer = setTimeout(() => resolve(false), 15_000);
  daemon.stdout.on('data', (chunk) => {
    out += chunk;
    for (const line of out.split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) process.env[m[1]] = m[2];
    }
    if (out.includes('GNOME_KEYRING_CONTROL=')) {
      clearTimeout(timer);
      resolve(true);
    }
  });
  daemon.on('exit', () => resolve(false));
});

const tao = (...args) => {
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.TAO_PASSWORD;
  const r = spawnSync(process.execPath, [TAO_BIN, '--json', ...args], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const steps = {};
if (ready) {
  steps.remember = tao('wallet', 'unlock', '--remember', '--password-file', PW_FILE);
  steps.signFromKeychain = tao('wallet', 'sign', '--message', 'from the keychain');
  steps.unlockFromKeychain = tao('wallet', 'unlock');
  steps.forget = tao('wallet', 'unlock', '--forget');
  steps.signAfterForget = tao('wallet', 'sign', '--message', 'no password now');
}
daemon.kill('SIGTERM');
process.stdout.write(`${JSON.stringify({ ready, steps })}\n`);
