#!/usr/bin/env node
/**
 * npm's `prepare` step: builds dist/ from src/ (tsc -p tsconfig.build.json) unless every source already has
 * a newer output. `npm ci` runs it on a fresh clone (no dist: it builds), and so does the first
 * `npx tao …` (npx links this checkout into its cache and runs `prepare` again): there it finds dist fresh
 * and returns at once instead of compiling the whole tree a second time. `npm run build` always builds.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

/** The first source whose output is missing or older, or null when dist/ is up to date. */
function staleSource(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = staleSource(path);
      if (found) return found;
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      const out = join(dist, relative(src, path)).replace(/\.tsx?$/, '.js');
      if (mtime(out) < mtime(path)) return path;
    }
  }
  return null;
}

const stale = staleSource(src);
if (stale === null) {
  process.stderr.write('prepare: dist/ is up to date with src/, nothing to build\n');
} else {
  process.stderr.write(`prepare: building dist/ (${relative(root, stale)} is newer than its output)\n`);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    stdio: 'inherit',
    cwd: root,
  });
}
