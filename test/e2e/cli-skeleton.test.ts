import { describe, expect, it } from 'vitest';
import { parseJson, runTao } from '../helpers/tao.js';

describe('the tao binary', () => {
  it('prints its version', async () => {
    const r = await runTao(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('suggests the closest command for a typo and exits 2', async () => {
    const r = await runTao(['walet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('wallet');
  });

  it('answers an unknown flag with a JSON error object in --json mode', async () => {
    const r = await runTao(['--json', 'wallet', 'list', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const err = JSON.parse(r.stderr) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('E_USAGE');
    expect(err.error.message).toContain('--bogus');
  });

  it('has --help with an example on the root command', async () => {
    const r = await runTao(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(parseJson).toBeTypeOf('function');
  });
});
