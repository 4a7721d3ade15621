import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { signatureVerify } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';

// A btcli wallet made by libsodium itself (test/wallet/fixtures/btcli-real/make-fixture.py): the coldkey is
// a $NACL file under the real Argon2i SENSITIVE limits (8 passes, 512 MiB), so this test takes ~30 s of CPU.
const FIXTURE = resolve(import.meta.dirname, '../wallet/fixtures/btcli-real');
const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };

let home: string;
let cleanup: () => void;
beforeAll(() => {
  ({ home, cleanup } = tempHome('tao-e2e-import-'));
});
afterAll(() => cleanup());

describe('tao wallet import --from a real btcli wallet', () => {
  it('converts the libsodium-encrypted coldkey and the plain hotkey, with the addresses btcli shows', async () => {
    const pub = JSON.parse(readFileSync(join(FIXTURE, 'coldkeypub.txt'), 'utf8')) as { ss58Address: string };
    const hotPub = JSON.parse(readFileSync(join(FIXTURE, 'hotkeys', 'defaultpub.txt'), 'utf8')) as {
      ss58Address: string;
    };
    const before = readFileSync(join(FIXTURE, 'coldkey'));
    const pw = join(home, 'btcli-pass');
    writeFileSync(pw, 'btcli-fixture-pw\n');
    const r = await runTao(
      ['--json', '--wallet', 'imported', 'wallet', 'import', '--from', FIXTURE, '--password-file', pw],
      {
        home,
        env: NO_DBUS,
        timeoutMs: 280_000,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r)).toMatchObject({
      wallet: 'imported',
      coldkey: { ss58: pub.ss58Address, scheme: 'sr25519' },
      watch_only: false,
      hotkeys: [{ name: 'default', ss58: hotPub.ss58Address }],
      skipped: [],
      encrypted: true,
    });
    expect(readFileSync(join(FIXTURE, 'coldkey')).equals(before)).toBe(true);
    // the imported coldkey is now a fast tao keyfile under the same password, and it signs
    const s = await runTao(
      ['--json', '--wallet', 'imported', 'wallet', 'sign', '--message', 'imported', '--password-file', pw],
      {
        home,
        env: NO_DBUS,
      },
    );
    expect(s.code, s.stderr).toBe(0);
    const { signature } = parseJson<{ signature: string }>(s);
    expect(signatureVerify('imported', signature, pub.ss58Address).isValid).toBe(true);
  }, 300_000);
});
