import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { u8aToHex } from '@polkadot/util';
import {
  cryptoWaitReady,
  encodeAddress,
  mnemonicToMiniSecret,
  sr25519PairFromSeed,
} from '@polkadot/util-crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Argon2Limits,
  btcliFileKind,
  btcliKey,
  NACL_SALT,
  openNacl,
  sealNacl,
  storedKeyFromBtcli,
} from '../../src/wallet/btcli.js';
import { handleImport } from '../../src/wallet/import.js';
import { unlockColdkey, unlockHotkey } from '../../src/wallet/unlock.js';
import { tempHome } from '../helpers/tao.js';

// Small Argon2 limits for the many variations; the real ones are exercised by test/e2e/wallet-import.test.ts.
const SMALL: Argon2Limits = { opslimit: 2, memlimit: 64 * 1024 };
const COLD = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const HOT = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

interface Payload {
  accountId: string;
  publicKey: string;
  privateKey: string;
  secretPhrase: string;
  secretSeed: string;
  ss58Address: string;
}

/** A btcli keyfile payload computed by polkadot.js (the oracle); privateKey in schnorrkel to_bytes form. */
function payload(phrase: string): Payload {
  const seed = mnemonicToMiniSecret(phrase);
  const kp = sr25519PairFromSeed(seed);
  const priv = kp.secretKey.slice();
  let carry = 0;
  for (let i = 31; i >= 0; i--) {
    const v = priv[i]!;
    priv[i] = (v >> 3) | carry;
    carry = (v & 7) << 5;
  }
  const pub = u8aToHex(kp.publicKey);
  return {
    accountId: pub,
    publicKey: pub,
    privateKey: u8aToHex(priv),
    secretPhrase: phrase,
    secretSeed: u8aToHex(seed),
    ss58Address: encodeAddress(kp.publicKey, 42),
  };
}

const enc = new TextEncoder();
async function naclFile(data: unknown, password: string): Promise<Uint8Array> {
  const key = await btcliKey(password, SMALL);
  return sealNacl(enc.encode(JSON.stringify(data)), key, crypto.getRandomValues(new Uint8Array(24)));
}

beforeAll(async () => {
  await cryptoWaitReady();
});

describe('btcli keyfiles', () => {
  it("uses btwallet's fixed NACL_SALT byte for byte", () => {
    const python = Buffer.from('\x13q\x83\xdf\xf1Z\t\xbc\x9c\x90\xb5Q\x879\xe9\xb1', 'latin1');
    expect(Buffer.from(NACL_SALT).equals(python)).toBe(true);
  });

  it('opens a $NACL secretbox with the right password and refuses a wrong one (exit 3)', async () => {
    const file = await naclFile(payload(COLD), 'btcli-pass');
    expect(btcliFileKind(file)).toBe('nacl');
    const plain = openNacl(file, await btcliKey('btcli-pass', SMALL));
    expect(JSON.parse(new TextDecoder().decode(plain)).ss58Address).toBe(payload(COLD).ss58Address);
    expect(() => openNacl(file, new Uint8Array(32))).toThrow(
      expect.objectContaining({ code: 'E_BAD_PASSWORD', exitCode: 3 }),
    );
    expect(() => openNacl(file.subarray(0, 30), new Uint8Array(32))).toThrow(
      expect.objectContaining({ code: 'E_KEYFILE_CORRUPT' }),
    );
  });

  it('recovers the key from secretSeed, and from privateKey alone in either schnorrkel encoding', () => {
    const p = payload(COLD);
    expect(u8aToHex(storedKeyFromBtcli(p).pair.publicKey)).toBe(p.publicKey);
    const toBytesOnly = { privateKey: p.privateKey, publicKey: p.publicKey };
    expect(u8aToHex(storedKeyFromBtcli(toBytesOnly).pair.publicKey)).toBe(p.publicKey);
    const ed25519Form = sr25519PairFromSeed(mnemonicToMiniSecret(COLD)).secretKey;
    const polkadotOnly = { privateKey: u8aToHex(ed25519Form), publicKey: p.publicKey };
    expect(u8aToHex(storedKeyFromBtcli(polkadotOnly).pair.publicKey)).toBe(p.publicKey);
  });

  it('refuses a payload whose secret does not match its public key', () => {
    const p = payload(COLD);
    expect(() => storedKeyFromBtcli({ ...p, publicKey: payload(HOT).publicKey })).toThrow(
      expect.objectContaining({ code: 'E_KEYFILE_CORRUPT' }),
    );
  });
});

describe('tao wallet import (handler, small Argon2 limits)', () => {
  let home: string;
  let cleanup: () => void;
  let from: string;
  beforeEach(() => {
    ({ home, cleanup } = tempHome('tao-import-'));
    from = join(home, 'btcli', 'mywallet');
    mkdirSync(join(from, 'hotkeys'), { recursive: true });
  });
  afterEach(() => cleanup());

  it('converts an encrypted coldkey, an encrypted hotkey and a plain hotkey, leaving the btcli files as they were', async () => {
    const cold = payload(COLD);
    const hot = payload(HOT);
    writeFileSync(join(from, 'coldkey'), await naclFile(cold, 'btcli-pass'));
    writeFileSync(
      join(from, 'coldkeypub.txt'),
      JSON.stringify({ ss58Address: cold.ss58Address, publicKey: cold.publicKey }),
    );
    writeFileSync(join(from, 'hotkeys', 'miner'), await naclFile(hot, 'btcli-pass'));
    writeFileSync(join(from, 'hotkeys', 'plain'), JSON.stringify(hot));
    const before = readdirSync(join(from, 'hotkeys')).map((f) =>
      readFileSync(join(from, 'hotkeys', f), 'hex'),
    );
    const ctx = {
      home,
      wallet: 'imported',
      env: { TAO_PASSWORD: 'btcli-pass' },
      keychain: false,
      json: true,
    };
    const r = await handleImport(ctx, { from, limits: SMALL });
    expect(r).toMatchObject({
      wallet: 'imported',
      coldkey: { ss58: cold.ss58Address, scheme: 'sr25519' },
      hotkeys: [
        { name: 'miner', ss58: hot.ss58Address },
        { name: 'plain', ss58: hot.ss58Address },
      ],
      skipped: [],
      encrypted: true,
    });
    const after = readdirSync(join(from, 'hotkeys')).map((f) =>
      readFileSync(join(from, 'hotkeys', f), 'hex'),
    );
    expect(after).toEqual(before);
    // the tao files open with the same password and give the same keys
    const pair = await unlockColdkey(ctx);
    expect(u8aToHex(pair.publicKey)).toBe(cold.publicKey);
    const hk = await unlockHotkey({ ...ctx, hotkey: 'plain' });
    expect(u8aToHex(hk.publicKey)).toBe(hot.publicKey);
    const tao = JSON.parse(readFileSync(join(home, 'wallets', 'imported', 'hotkeys', 'plain'), 'utf8'));
    expect(tao).toMatchObject({ tao_keyfile: 1, encrypted: true });
  });

  it('fails with E_BAD_PASSWORD for a wrong btcli password and writes nothing', async () => {
    writeFileSync(join(from, 'coldkey'), await naclFile(payload(COLD), 'btcli-pass'));
    const ctx = {
      home,
      wallet: 'imported',
      env: { TAO_PASSWORD: 'not-the-pass' },
      keychain: false,
      json: true,
    };
    await expect(handleImport(ctx, { from, limits: SMALL })).rejects.toMatchObject({
      code: 'E_BAD_PASSWORD',
      exitCode: 3,
    });
    expect(readdirSync(home)).toEqual(['btcli']);
  });

  it('imports a public-only btcli wallet as watch-only', async () => {
    const cold = payload(COLD);
    writeFileSync(
      join(from, 'coldkeypub.txt'),
      JSON.stringify({ ss58Address: cold.ss58Address, publicKey: cold.publicKey }),
    );
    const r = await handleImport(
      { home, wallet: 'watch', keychain: false, json: true },
      { from, limits: SMALL },
    );
    expect(r).toMatchObject({ coldkey: { ss58: cold.ss58Address }, watch_only: true, hotkeys: [] });
  });

  it('rejects a directory that is not a btcli wallet (exit 2)', async () => {
    await expect(
      handleImport({ home, wallet: 'x', keychain: false }, { from: join(home, 'btcli'), limits: SMALL }),
    ).rejects.toMatchObject({ code: 'E_NOT_A_BTCLI_WALLET', exitCode: 2 });
  });
});
