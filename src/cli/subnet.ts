/**
 * `tao subnet list | create | start | register | serve | metagraph | hyperparameters`: subnets, their neurons
 * and where a neuron's axon serves. This file only wires the commands: flags → a handler (./subnet-read.ts,
 * ./subnet-actions.ts) → JSON or the text of ./subnet-views.ts.
 */
import type { Command } from 'commander';
import { globalsOf } from './context.js';
import { emit } from './output.js';
import { withExamples } from './program.js';
import {
  handleSubnetCreate,
  handleSubnetRegister,
  handleSubnetServe,
  handleSubnetStart,
  type RegisterFlags,
  type ServeFlags,
} from './subnet-actions.js';
import { handleHyperparameters, handleMetagraph, handleSubnetList } from './subnet-read.js';
import {
  renderCreated,
  renderHyperparameters,
  renderMetagraph,
  renderRegistered,
  renderServed,
  renderStarted,
  renderSubnets,
} from './subnet-views.js';
import { addTxOptions, type TxFlags } from './tx-flow.js';

export function registerSubnet(program: Command): void {
  const subnet = program
    .command('subnet')
    .description('subnets: list, create, start, register, serve, metagraph, hyperparameters');
  withExamples(
    subnet
      .command('list')
      .description('every subnet: its pool (price, τ and α in it, emission share), tempo and neurons')
      .action(async (_opts: unknown, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(globals.json, await handleSubnetList(globals), renderSubnets);
      }),
    'tao subnet list --json',
  );
  withExamples(
    addTxOptions(subnet.command('create').description('create a subnet owned by the wallet coldkey')).action(
      async (opts: TxFlags, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(globals.json, await handleSubnetCreate(globals, opts), renderCreated);
      },
    ),
    'tao subnet create --yes',
  );
  withExamples(
    addTxOptions(
      subnet
        .command('register')
        .description(
          "register a hotkey (default: the wallet's own) on a subnet by burning the registration cost",
        )
        .option('--netuid <n>', 'the subnet')
        .option('--hotkey-address <ss58>', "the hotkey to register (default: the wallet's hotkey)")
        .option(
          '--tolerance <fraction>',
          'Subtensor: refuse if the burn rose by more than this fraction over the one shown (default 0.005)',
        ),
    ).action(async (opts: RegisterFlags, cmd: Command) => {
      const globals = globalsOf(cmd);
      emit(globals.json, await handleSubnetRegister(globals, opts), renderRegistered);
    }),
    'tao subnet register --netuid 1',
    'tao subnet register --netuid 2 --tolerance 0.01 --network localnet --yes --json',
  );
  withExamples(
    addTxOptions(
      subnet
        .command('start')
        .description(
          'start a subnet you own (start_call: emission into its pool begins; allowed 10 blocks after creation)',
        )
        .option('--netuid <n>', 'the subnet'),
    ).action(async (opts: TxFlags & { netuid?: string }, cmd: Command) => {
      const globals = globalsOf(cmd);
      emit(globals.json, await handleSubnetStart(globals, opts), renderStarted);
    }),
    'tao subnet start --netuid 2 --yes',
    'tao subnet start --netuid 2 --network localnet --yes',
  );
  withExamples(
    addTxOptions(
      subnet
        .command('serve')
        .description(
          "announce where the wallet hotkey's axon listens on a subnet (signed by the hotkey, no fee)",
        )
        .option('--netuid <n>', 'the subnet (the hotkey must be registered on it)')
        .option('--ip <address>', 'IPv4 or IPv6 address of the axon')
        .option('--port <port>', 'TCP port of the axon, 1..65535')
        .option('--protocol <n>', 'protocol number 0..255 (default 4)'),
    ).action(async (opts: ServeFlags, cmd: Command) => {
      const globals = globalsOf(cmd);
      emit(globals.json, await handleSubnetServe(globals, opts), renderServed);
    }),
    'tao subnet serve --netuid 1 --ip 203.0.113.7 --port 8091',
    'tao subnet serve --netuid 1 --ip 2001:db8::7 --port 8091 --yes --json',
  );
  withExamples(
    subnet
      .command('metagraph')
      .description("a subnet's neurons with their stake, ranking and emission")
      .option('--netuid <n>', 'the subnet')
      .action(async (opts: { netuid?: string }, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(globals.json, await handleMetagraph(globals, opts.netuid), renderMetagraph);
      }),
    'tao subnet metagraph --netuid 1',
  );
  withExamples(
    subnet
      .command('hyperparameters')
      .description("a subnet's hyperparameters")
      .option('--netuid <n>', 'the subnet')
      .action(async (opts: { netuid?: string }, cmd: Command) => {
        const globals = globalsOf(cmd);
        emit(globals.json, await handleHyperparameters(globals, opts.netuid), renderHyperparameters);
      }),
    'tao subnet hyperparameters --netuid 1 --json',
  );
}

/** For src/cli/stake.ts until it imports ./subnet-flags.js itself. */
