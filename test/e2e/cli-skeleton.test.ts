import { describe, expect, it } from 'vitest';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';

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

  it('has --help with examples on the root command that run as shown', async () => {
    const r = await runTao(['--help']);
    expect(r.code).toBe(0);
    const examples = [...r.stdout.matchAll(/^ {2}\$ tao (\S.*?)(?: {2,}.*)?$/gm)].map((m) =>
      m[1]!.split(' '),
    );
    expect(examples.length).toBeGreaterThan(0);
    const { home, cleanup } = tempHome();
    let jsonRuns = 0;
    try {
      for (const args of examples) {
        // Each example names a real command: its own --help exits 0 (a typo would exit 2).
        const help = await runTao([...args, '--help'], { home });
        expect(help.code, args.join(' ')).toBe(0);
        if (args.includes('--json')) {
          // A scripting example prints one JSON document (on a fresh home: an empty wallet list).
          const run = await runTao(args, { home });
          expect(run.code, args.join(' ')).toBe(0);
          expect(parseJson(run)).toBeTypeOf('object');
          jsonRuns++;
        }
      }
    } finally {
      cleanup();
    }
    expect(jsonRuns).toBeGreaterThan(0);
  });
});
