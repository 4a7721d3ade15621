/**
 * The project's npm settings: npm reads `.npmrc` without a warning (npm 11 warns about every key it does not
 * know, e.g. onnxruntime-node's own `onnxruntime-node-install`), and onnxruntime-node's install script, which
 * would download the CUDA provider from NuGet (and fail `npm ci` offline), stays denied by `allowScripts`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe("the project's npm settings", () => {
  it('npm reads .npmrc without a warning', () => {
    const r = spawnSync('npm', ['config', 'get', 'fund'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('false');
    expect(r.stderr).not.toMatch(/warn/i);
  });

  it("denies onnxruntime-node's install script (the CUDA download)", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
  });
});
