/**
 * Command groups load lazily (src/cli/groups.ts): the root program holds stand-ins with each group's name
 * and help line, and a group's module is imported when it is invoked. Help must read as with every group
 * loaded: the root listing, each group's own --help, and `tao help <group>` through the real binary.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandGroups } from '../../src/cli/groups.js';
import { buildFullProgram, buildProgram, loadGroups } from '../../src/cli/program.js';
import { runTao } from '../helpers/tao.js';

function helpOf(cmd: Command): string {
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: () => undefined });
  cmd.outputHelp();
  return text;
}

const child = (program: Command, name: string): Command => {
  const cmd = program.commands.find((c) => c.name() === name);
  if (!cmd) throw new Error(`no command ${name}`);
  return cmd;
};

const full = await buildFullProgram();

describe('lazily loaded command groups', () => {
  it('lists the same top-level commands, in the same order, as the modules register', () => {
    expect(commandGroups.map((g) => g.name)).toEqual(full.commands.map((c) => c.name()));
    for (const g of commandGroups) {
      const real = child(full, g.name);
      expect(g.description, g.name).toBe(real.description());
      expect(Boolean(g.options), g.name).toBe(real.options.length > 0);
    }
  });

  it('prints the same root --help with no group loaded as with all of them', () => {
    const lazy = buildProgram();
    expect(lazy.commands.every((c) => c.commands.length === 0)).toBe(true);
    expect(helpOf(lazy)).toBe(helpOf(full));
  });

  it.each(commandGroups.map((g) => g.name))(
    '`tao %s --help` is the same with only that group loaded',
    async (name) => {
      const one = buildProgram(await loadGroups([name]));
      expect(helpOf(child(one, name))).toBe(helpOf(child(full, name)));
    },
  );

  it('loads a group through the binary for --help, help <group> and a subcommand', async () => {
    const simHelp = helpOf(child(full, 'sim'));
    for (const args of [
      ['sim', '--help'],
      ['help', 'sim'],
      ['--json', 'sim', '--help'],
    ]) {
      const r = await runTao(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toBe(simHelp);
    }
    const epochHelp = helpOf(child(child(full, 'sim'), 'epoch'));
    const r = await runTao(['sim', 'epoch', '--help']);
    expect(r.stdout).toBe(epochHelp);
    const root = await runTao(['--help']);
    expect(root.stdout).toBe(helpOf(full));
  });

  it('reports a usage error inside a group as before (exit 2, JSON error)', async () => {
    const r = await runTao(['--json', 'sim', 'epoch']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.message).toContain('--input');
  });
});
