import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intentFor, parsePalette, registerActions } from '../../src/tui/intents.js';
import {
  applyOverrides,
  DEFAULT_BINDINGS,
  isPrivileged,
  matchAction,
  registeredBindings,
} from '../../src/tui/keys.js';
import { keysBlock } from '../../src/tui/keys-doc.js';
import { createLifecycle, LEAVE_ALT_SCREEN } from '../../src/tui/lifecycle.js';
import { type Column, layoutColumns, PROCESS_COLUMNS, windowStart } from '../../src/tui/table-model.js';
import { detectColorDepth, detectUnicode } from '../../src/tui/theme/terminal.js';
import { loadTheme, resolveTheme, toAnsi16 } from '../../src/tui/theme/theme.js';
import { taoFixed } from '../../src/tui/format.js';

const ctx = { selectedProcess: 'peer-1', selectedHotkey: null, args: [] };

describe('keybinding table', () => {
  it('matches view keys before global ones and ignores keys of other views', () => {
    expect(matchAction(DEFAULT_BINDINGS, 'wallet', 't')).toBe('tx.transfer');
    expect(matchAction(DEFAULT_BINDINGS, 'peer', 't')).toBe('log.timestamps');
    expect(matchAction(DEFAULT_BINDINGS, 'overview', 't')).toBeNull();
    expect(matchAction(DEFAULT_BINDINGS, 'ranking', 'ctrl+c')).toBe('quit');
  });

  it('applies valid overrides and refuses unknown actions, bad keys and conflicts', () => {
    const b = applyOverrides(DEFAULT_BINDINGS, { quit: 'Q ctrl+c' });
    expect(matchAction(b, 'overview', 'Q')).toBe('quit');
    expect(matchAction(b, 'overview', 'q')).toBeNull();
    expect(() => applyOverrides(DEFAULT_BINDINGS, { nope: 'x' })).toThrow(/unknown action "nope"/);
    expect(() => applyOverrides(DEFAULT_BINDINGS, { quit: 'shift+alt+q' })).toThrow(/unknown key name/);
    expect(() => applyOverrides(DEFAULT_BINDINGS, { 'cursor.down': 'q' })).toThrow(
      /bound to both "quit" and "cursor.down"/,
    );
  });

  it('read-only registers no binding or action that signs, stops or starts anything', () => {
    const ro = registeredBindings(DEFAULT_BINDINGS, true);
    expect(ro.some(isPrivileged)).toBe(false);
    const actions = registerActions(true);
    for (const b of DEFAULT_BINDINGS.filter(isPrivileged)) {
      expect(actions.has(b.id)).toBe(false);
      expect(intentFor(actions, b.id, ctx, true)).toMatchObject({ type: 'run', effect: { kind: 'message' } });
    }
  });

  it('turns commands into intents: stop asks to confirm, stake opens a dialog', () => {
    const actions = registerActions(false);
    expect(intentFor(actions, 'process.stop', ctx, false)).toMatchObject({
      type: 'confirm',
      effect: { kind: 'process', op: 'stop', name: 'peer-1' },
    });
    expect(intentFor(actions, 'stake.add', ctx, false)).toEqual({
      type: 'dialog',
      dialog: { kind: 'stake-add', hotkey: null },
    });
    expect(parsePalette('stake add')).toEqual({ id: 'stake.add', args: [] });
    expect(parsePalette('metagraph 3')).toEqual({ id: 'view.ranking', args: ['3'] });
    expect(parsePalette('frobnicate')).toBeNull();
  });

  it('the README key list is the one generated from the table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(keysBlock());
  });
});

describe('pure helpers', () => {
  it('keeps the cursor inside the virtual window, moving it as little as possible', () => {
    expect(windowStart(0, 18, 4096, 0)).toBe(0);
    expect(windowStart(18, 18, 4096, 0)).toBe(1);
    expect(windowStart(4095, 18, 4096, 0)).toBe(4078);
    expect(windowStart(4077, 18, 4096, 4078)).toBe(4077);
  });

  it('lays out columns: hidden below their width, `want` filled first, then the growers share; sums to the width', () => {
    const col = (id: string, width: number, extra: Partial<Column<unknown>> = {}): Column<unknown> => ({
      id,
      header: id,
      width,
      align: 'left',
      key: () => 0,
      text: () => '',
      ...extra,
    });
    const cols = [
      col('name', 10, { grow: true, want: 18 }),
      col('pid', 7, { hideBelow: 40 }),
      col('x', 9, { grow: true }),
    ];
    expect(layoutColumns(cols, 30)).toEqual([19, 0, 10]); // pid hidden; name to 18, the last 2 shared
    expect(layoutColumns(cols, 44)).toEqual([22, 7, 13]); // pid shown; name to 18, the other 8 shared
    expect(layoutColumns(cols, 20)).toEqual([10, 0, 9]); // no spare: minimums only
    for (const total of [78, 88, 98, 118, 158]) {
      const widths = layoutColumns(PROCESS_COLUMNS, total);
      const shown = widths.filter((w) => w > 0);
      expect(shown.reduce((a, b) => a + b, 0) + shown.length - 1).toBe(total);
      expect(widths[0]).toBeGreaterThanOrEqual(16); // peer:adversarial whole
    }
  });

  it('formats rao exactly, truncating', () => {
    expect(taoFixed(1_999_999_999n, 2)).toBe('1.99');
    expect(taoFixed(18_446_744_073_709_551_615n, 9)).toBe('18446744073.709551615');
  });

  it('detects colour depth and UTF-8 from the environment', () => {
    expect(detectColorDepth({ NO_COLOR: '1', COLORTERM: 'truecolor' }, true)).toBe('none');
    expect(detectColorDepth({ COLORTERM: 'truecolor' }, true)).toBe('truecolor');
    expect(detectColorDepth({ TERM: 'xterm-256color' }, true)).toBe('256');
    expect(detectColorDepth({ TERM: 'xterm' }, true)).toBe('16');
    expect(detectColorDepth({ TERM: 'xterm-256color' }, false)).toBe('none');
    expect(detectUnicode({ LANG: 'en_US.UTF-8' })).toBe(true);
    expect(detectUnicode({ LANG: 'C' })).toBe(false);
    expect(detectUnicode({ LC_ALL: 'C', LANG: 'en_US.UTF-8' })).toBe(false);
  });

  it('degrades theme colours to 256 and 16 colours, and loads a user theme over a built-in one', () => {
    const file = loadTheme('default');
    expect(resolveTheme(file, '256', true).color.error).toMatch(/^ansi256\(\d+\)$/);
    expect(resolveTheme(file, '16', true).color.error).toBe(toAnsi16('#ff5f5f'));
    expect(resolveTheme(file, 'none', true).color.error).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'tao-themes-'));
    try {
      writeFileSync(
        join(dir, 'default.json'),
        JSON.stringify({ name: 'mine', colors: { error: '#000000' } }),
      );
      expect(loadTheme('default', dir).name).toBe('mine');
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ name: 'bad', colors: { error: 'red' } }));
      expect(() => loadTheme('bad', dir)).toThrow(/must be "#rrggbb"/);
      expect(() => loadTheme('nosuch', dir)).toThrow(/no theme named "nosuch"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(dir)).toBe(false); // nothing left in /tmp by this test
  });
});

describe('lifecycle', () => {
  it('SIGHUP runs every cleanup once and restores the terminal', () => {
    const written: string[] = [];
    const stdout = Object.assign(new EventEmitter(), {
      writable: true,
      write: (s: string) => written.push(s),
    }) as unknown as NodeJS.WriteStream;
    const ran: string[] = [];
    const signals: [string, number][] = [];
    const life = createLifecycle({ stdout, altScreen: true, onSignal: (s, c) => signals.push([s, c]) });
    life.add(() => ran.push('source'));
    life.add(() => ran.push('ink'));
    process.emit('SIGHUP', 'SIGHUP');
    life.dispose();
    expect(ran).toEqual(['ink', 'source']);
    expect(signals).toEqual([['SIGHUP', 129]]);
    expect(written.at(-1)).toBe(LEAVE_ALT_SCREEN);
    expect(process.listenerCount('SIGHUP')).toBe(0);
  });
});
