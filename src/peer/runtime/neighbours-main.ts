/**
 * Entry of the neighbour host process that `tao up` runs under the supervisor (neighbours.ts):
 * `node neighbours-main.js --home DIR --node URL --members JSON`. Not a `tao` subcommand: operators never
 * run it; the supervisor starts it from its child spec. TAO_NEIGHBOUR_FAULT=peer:NAME (tests only) makes
 * that member throw once it listens.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseMembers, runNeighbourHost } from './neighbours.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { home: { type: 'string' }, node: { type: 'string' }, members: { type: 'string' } },
  });
  if (!values.home || !values.node || !values.members) {
    process.stderr.write('usage: neighbours-main --home DIR --node URL --members JSON\n');
    process.exit(2);
  }
  const fault = process.env.TAO_NEIGHBOUR_FAULT;
  await runNeighbourHost({
    home: values.home,
    node: values.node,
    members: parseMembers(values.members),
    ...(fault ? { faultIn: fault } : {}),
  });
  process.exit(0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
