/**
 * One home per concept, checked on the source: the ledger (state transition and the node's own I/O) imports
 * nothing of the programs around it (CLI, supervisor, `tao up`, console, peer), the console (src/tui) never
 * imports the CLI (what both need lives below both), and what a command uses to start, stop or ask about a
 * node process (src/node-process/control.ts, run-info.ts) never loads the ledger.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/**
 * Every relative import of `file` that loads code (static, dynamic, re-export; `import type` loads
 * nothing, and counts only with `types`) as a path under src/, e.g. `up/plan.js`.
 */
function importsOf(file: string, types = false): string[] {
  const text = readFileSync(file, 'utf8');
  const statics = [...text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'(\.{1,2}\/[^']+)'/gms)]
    .filter((m) => types || !m[1])
    .map((m) => m[2] as string);
  const dynamics = [...text.matchAll(/import\(\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
  return [...statics, ...dynamics].map((s) => relative(SRC, resolve(dirname(file), s)));
}

const topOf = (path: string) => path.split('/')[0] as string;

describe('module layers', () => {
  it('src/ledger imports only the ledger, core, crypto, consensus and dtao', () => {
    const allowed = new Set(['ledger', 'core', 'crypto', 'consensus', 'dtao']);
    const outside = sources(join(SRC, 'ledger')).flatMap((f) =>
      importsOf(f)
        .filter((p) => !allowed.has(topOf(p)))
        .map((p) => `${relative(SRC, f)} -> ${p}`),
    );
    expect(outside).toEqual([]);
  });

  it("src/ledger/state (the pure state transition) does no I/O and never loads the node's I/O (src/ledger/node)", () => {
    const io = sources(join(SRC, 'ledger', 'state')).flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      const builtins = [...text.matchAll(/from\s+'(node:[^']+)'/g)]
        .map((m) => m[1] as string)
        .filter((m) => m !== 'node:crypto'); // hashing only: deterministic
      const node = importsOf(f, true).filter((p) => p.startsWith('ledger/node/'));
      return [...builtins, ...node].map((p) => `${relative(SRC, f)} -> ${p}`);
    });
    expect(io).toEqual([]);
  });

  it('src/wallet and src/core never load the CLI (the terminal prompt lives in core/prompt.ts)', () => {
    const outside = ['wallet', 'core'].flatMap((d) =>
      sources(join(SRC, d)).flatMap((f) =>
        importsOf(f)
          .filter((p) => topOf(p) === 'cli')
          .map((p) => `${relative(SRC, f)} -> ${p}`),
      ),
    );
    expect(outside).toEqual([]);
  });

  it('src/tui never imports src/cli, not even a type (what both need lives below both)', () => {
    const cli = sources(join(SRC, 'tui')).flatMap((f) =>
      importsOf(f, true)
        .filter((p) => topOf(p) === 'cli')
        .map((p) => `${relative(SRC, f)} -> ${p}`),
    );
    expect(cli).toEqual([]);
  });

  it('the sign-and-submit pipeline (CLI, console, client) asks the node, never the ledger, e.g. for fees', () => {
    const pipeline = [
      'cli/tx-flow.ts',
      'tui/data/signer.ts',
      'tui/dialogs/tx-plan.ts',
      ...sources(join(SRC, 'client')).map((f) => relative(SRC, f)),
    ];
    const ledger = pipeline.flatMap((f) =>
      importsOf(join(SRC, f))
        .filter((p) => topOf(p) === 'ledger')
        .map((p) => `${f} -> ${p}`),
    );
    expect(ledger).toEqual([]);
  });

  it('node-process control and run info never load the ledger', () => {
    const light = ['node-process/control.ts', 'node-process/run-info.ts'].map((f) => join(SRC, f));
    const heavy = light.flatMap((f) =>
      importsOf(f)
        .filter((p) => topOf(p) === 'ledger' || p === 'node-process/foreground.js')
        .map((p) => `${relative(SRC, f)} -> ${p}`),
    );
    expect(heavy).toEqual([]);
  });
});
