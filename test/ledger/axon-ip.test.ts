/**
 * One rule for an axon's IP (src/core/ip.ts): the ledger's `serve_axon` check and `tao subnet serve --ip` are
 * the same function, and it agrees with Node's own parser on every address Node accepts (zone ids aside).
 */
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../src/cli/subnet-flags.js';
import { isAxonIp } from '../../src/core/ip.js';
import { parseCall } from '../../src/ledger/state/calls.js';
import type { LedgerError } from '../../src/ledger/state/errors.js';

const GOOD = [
  '0.0.0.0',
  '1.2.3.4',
  '203.0.113.7',
  '255.255.255.255',
  '::',
  '::1',
  '1::',
  '2001:db8::7',
  'fe80::1',
  '2001:0db8:0000:0000:0000:ff00:0042:8329',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7::',
  '::2:3:4:5:6:7:8',
  '::ffff:192.0.2.1',
  '::192.0.2.1',
  '64:ff9b::1.2.3.4',
  '1:2:3:4:5:6:1.2.3.4',
  'FFFF:abcd::',
];

const BAD = [
  '',
  ':',
  ':::::',
  ':::',
  '::::',
  '1:::2',
  '1::2::3',
  ':1:2:3:4:5:6:7',
  '1:2:3:4:5:6:7:',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7:8::',
  '::1:2:3:4:5:6:7:8',
  '12345::',
  'g::1',
  '1.2.3',
  '1.2.3.4.5',
  '256.1.1.1',
  '01.2.3.4',
  '1.2.3.4:80',
  '[::1]',
  'fe80::1%eth0',
  '::1.2.3',
  '::1.2.3.4.5',
  '1.2.3.4::',
  '1:2:3:4:5:6:7:1.2.3.4',
  'localhost',
  ' 1.2.3.4',
  '....',
  '::::::::',
];

describe('the shared axon IP rule', () => {
  it('accepts IPv4 and IPv6 addresses, as node:net does', () => {
    for (const ip of GOOD) {
      expect(isAxonIp(ip), ip).toBe(true);
      expect(isIP(ip), ip).not.toBe(0);
    }
  });

  it('rejects everything else, as node:net does (and zone ids, which it accepts)', () => {
    for (const ip of BAD) {
      expect(isAxonIp(ip), ip).toBe(false);
      if (!ip.includes('%')) expect(isIP(ip), ip).toBe(0);
    }
  });

  it('is the ledger rule: serve_axon with ":::::" is E_BAD_AXON', () => {
    const call = (ip: string) => ({ type: 'serve_axon', netuid: 1, ip, port: 8091 });
    for (const ip of BAD) {
      let err: LedgerError | undefined;
      try {
        parseCall(call(ip));
      } catch (e) {
        err = e as LedgerError;
      }
      expect(err?.code, ip).toBe('E_BAD_AXON');
    }
    for (const ip of GOOD) expect(parseCall(call(ip))).toMatchObject({ type: 'serve_axon', ip });
  });

  it('is the CLI rule: tao subnet serve --ip gives E_BAD_IP (exit 2) for the same addresses', async () => {
    for (const ip of BAD.filter((s) => s.trim() === s && s !== ''))
      await expect(parseIp(ip), ip).rejects.toMatchObject({ code: 'E_BAD_IP', exitCode: 2 });
    for (const ip of GOOD) await expect(parseIp(ip)).resolves.toBe(ip);
  });
});
