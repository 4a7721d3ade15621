import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildFullProgram } from '../../src/cli/program.js';

function leaves(cmd: Command, path: string[] = []): { path: string; cmd: Command }[] {
  if (cmd.commands.length === 0) return [{ path: path.join(' '), cmd }];
  return cmd.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
}

const program = await buildFullProgram();

describe('--help everywhere', () => {
  const all = leaves(program);

  it('registers every command group of docs/cli.md', () => {
    const groups = program.commands.map((c) => c.name());
    for (const g of [
      'wallet',
      'stake',
      'subnet',
      'weights',
      'node',
      'peer',
      'sim',
      'console',
      'up',
      'down',
    ]) {
      expect(groups).toContain(g);
    }
  });

  it.each(all.map((l) => [l.path, l.cmd] as const))(
    '`tao %s --help` has a description and an example',
    (_path, cmd) => {
      let help = '';
      cmd.configureOutput({ writeOut: (s) => (help += s), writeErr: () => undefined });
      cmd.outputHelp();
      expect(cmd.description().length).toBeGreaterThan(0);
      expect(help).toMatch(/Examples?:\n {2}\$ tao /);
    },
  );
});
