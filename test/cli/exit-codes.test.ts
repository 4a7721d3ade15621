/**
 * The README's error-code table is the contract for scripts: every E_… code in src/ must be in it, with the
 * one exit code every call site produces. The table is read from README.md itself (not from the registry).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { errorCodesBlock } from '../../src/core/error-codes.js';
import { authError, ExitCode, rejectedError, TaoError, usageError } from '../../src/core/errors.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const REGISTRY = join(SRC, 'core/error-codes.ts');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && p !== REGISTRY ? [p] : [];
  });
}
const files = sourceFiles(SRC).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const where = (path: string, line: number) => `${relative(ROOT, path)}:${line}`;

/** code → exit as README.md lists it (null for "—"). */
function readmeTable(): Map<string, number | null> {
  const table = new Map<string, number | null>();
  for (const m of readme.matchAll(/^\| `(E_[A-Z0-9_]+)` \| (\d+|—) \|/gm))
    table.set(m[1]!, m[2] === '—' ? null : Number(m[2]));
  return table;
}

/** Every quoted E_… literal in src/ (the registry excepted), with where it first appears. */
function codesInSource(): Map<string, string> {
  const found = new Map<string, string>();
  for (const { path, text } of files)
    for (const m of text.matchAll(/['"`](E_[A-Z0-9_]+)['"`]/g))
      if (!found.has(m[1]!)) found.set(m[1]!, where(path, text.slice(0, m.index).split('\n').length));
  return found;
}

const EXIT_NAMES: Record<string, number> = ExitCode;
const HELPER_EXITS: Record<string, number> = { usageError: 2, authError: 3, rejectedError: 5 };

/**
 * Every place a TaoError is made with a literal code: `new TaoError('E_X', msg, exit?)` (no exit = 1) and
 * the helpers usageError / authError / rejectedError. The exit is a number, `ExitCode.name`, or undefined
 * when computed at run time.
 */
function callSites(): { code: string; exit: number | undefined; at: string }[] {
  const sites: { code: string; exit: number | undefined; at: string }[] = [];
  for (const { path, text } of files) {
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && n.arguments && n.arguments.length > 0) {
        const callee = n.expression.getText(sf);
        const first = n.arguments[0]!;
        const code =
          ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first) ? first.text : undefined;
        const at = where(path, sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1);
        if (code && ts.isNewExpression(n) && callee === 'TaoError') {
          const arg = n.arguments[2];
          const name = arg?.getText(sf).match(/^ExitCode\.(\w+)$/)?.[1];
          const exit =
            arg === undefined
              ? 1
              : ts.isNumericLiteral(arg)
                ? Number(arg.text)
                : name !== undefined
                  ? EXIT_NAMES[name]
                  : undefined;
          sites.push({ code, exit, at });
        } else if (code && callee in HELPER_EXITS) sites.push({ code, exit: HELPER_EXITS[callee], at });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return sites;
}

describe('README exit-code table', () => {
  it('is the table generated from src/core/error-codes.ts (node dist/core/error-codes.js prints it)', () => {
    expect(readme).toContain(errorCodesBlock());
  });

  it('lists every E_ code that src/ can produce', () => {
    const table = readmeTable();
    const missing = [...codesInSource()]
      .filter(([code]) => !table.has(code))
      .map(([c, at]) => `${c} (${at})`);
    expect(missing, 'add these to src/core/error-codes.ts and regenerate the README block').toEqual([]);
  });

  it('lists no code that src/ no longer uses', () => {
    const used = codesInSource();
    expect([...readmeTable().keys()].filter((c) => !used.has(c))).toEqual([]);
  });

  it('gives the exit code every call site passes', () => {
    const table = readmeTable();
    const wrong = callSites()
      .filter((s) => table.has(s.code) && s.exit !== undefined && table.get(s.code) !== s.exit)
      .map((s) => `${s.at} ${s.code} exits ${s.exit}, README says ${table.get(s.code)}`);
    expect(wrong).toEqual([]);
    // The scan did find the call sites (a parser change would otherwise pass this vacuously).
    expect(callSites().length).toBeGreaterThan(150);
  });

  it('is what a TaoError of each code exits with, whatever exit its maker passed', () => {
    const table = readmeTable();
    expect(table.size).toBeGreaterThan(100);
    for (const [code, exit] of table) {
      if (exit === null) continue;
      for (const err of [
        new TaoError(code, 'm'),
        new TaoError(code, 'm', ExitCode.unexpected),
        usageError(code, 'm'),
        authError(code, 'm'),
        rejectedError(code, 'm'),
      ])
        expect([code, err.exitCode]).toEqual([code, exit]);
    }
  });

  it('keeps the passed exit code for a code tao does not list (a newer node)', () => {
    expect(rejectedError('E_FROM_THE_FUTURE', 'm').exitCode).toBe(5);
    expect(new TaoError('E_FROM_THE_FUTURE', 'm').exitCode).toBe(1);
  });

  it('matches the storage and node-lock codes the operator guide promises', () => {
    const table = readmeTable();
    expect(table.get('E_STORAGE')).toBe(2);
    expect(table.get('E_NODE_LOCKED')).toBe(2);
    expect(table.get('E_NODE_RUNNING')).toBe(2);
  });
});
