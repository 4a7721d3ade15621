// How long unlocking a coldkey takes (scrypt N=2^17, r=8, p=1 + XChaCha20-Poly1305 + key expansion), in
// process, median of 5; and a whole `tao wallet sign` with --password-file for comparison. Target 0.3–1 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtMs, median, printTable } from './table.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'tao.js');
const { unlockColdkey, DEFAULT_SCRYPT } = await import('../dist/wallet/index.js');
const home = mkdtempSync(join(tmpdir(), 'tao-bench-unlock-'));
const env = { ...process.env, TAO_HOME: home, NO_COLOR: '1', TAO_NO_KEYCHAIN: '1' };
const RUNS = 5;

try {
  const pw = join(home, 'pw');
  writeFileSync(pw, 'benchmark password\n');
  const made = spawnSync(process.execPath, [bin, '--json', 'wallet', 'create', '--password-file', pw], {
    env,
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`wallet create failed: ${made.stderr}`);

  const inProcess = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await unlockColdkey({ home, wallet: 'default', passwordFile: pw, keychain: false });
    inProcess.push(performance.now() - t);
  }
  const cli = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(
      process.execPath,
      [bin, '--json', 'wallet', 'sign', '--message', 'x', '--password-file', pw],
      { env },
    );
    cli.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`sign failed: ${r.stderr}`);
  }
  const kdf = `scrypt N=2^${Math.log2(DEFAULT_SCRYPT.N)} r=${DEFAULT_SCRYPT.r} p=${DEFAULT_SCRYPT.p}`;
  printTable(
    ['operation', `median of ${RUNS}`, 'min', 'max'],
    [
      [
        `unlockColdkey (${kdf})`,
        fmtMs(median(inProcess)),
        fmtMs(Math.min(...inProcess)),
        fmtMs(Math.max(...inProcess)),
      ],
      [
        'tao wallet sign (whole process)',
        fmtMs(median(cli)),
        fmtMs(Math.min(...cli)),
        fmtMs(Math.max(...cli)),
      ],
    ],
  );
} finally {
  rmSync(home, { recursive: true, force: true });
}
