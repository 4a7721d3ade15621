import { describe, expect, it } from 'vitest';
import { formatTao, MAX_RAO, parseTao } from '../../src/core/amount.js';
import { ExitCode, TaoError } from '../../src/core/errors.js';

describe('amounts', () => {
  it('parses plain decimals into exact rao', () => {
    expect(parseTao('1')).toBe(1_000_000_000n);
    expect(parseTao('0.5')).toBe(500_000_000n);
    expect(parseTao('0.000000001')).toBe(1n);
    expect(parseTao('18446744073.709551615')).toBe(MAX_RAO);
  });

  it.each([
    '',
    '-1',
    '+1',
    '1e9',
    '1.0000000001',
    '0',
    '0.000000000',
    'abc',
    '1,5',
    '.5',
    '18446744073.709551616',
    'NaN',
  ])('rejects %j with exit 2', (input) => {
    try {
      parseTao(input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TaoError);
      expect((e as TaoError).exitCode).toBe(ExitCode.usage);
      expect((e as TaoError).code).toBe('E_BAD_AMOUNT');
    }
  });

  it('formats rao with exactly 9 decimals', () => {
    expect(formatTao(1_500_000_000n)).toBe('1.500000000');
    expect(formatTao(1n)).toBe('0.000000001');
    expect(formatTao(0n)).toBe('0.000000000');
    expect(formatTao(MAX_RAO)).toBe('18446744073.709551615');
  });

  it('round-trips every decimal it formats', () => {
    for (const rao of [1n, 7n, 999_999_999n, 1_000_000_001n, 123_456_789_012_345n]) {
      expect(parseTao(formatTao(rao))).toBe(rao);
    }
  });
});
