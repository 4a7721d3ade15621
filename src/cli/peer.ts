/**
 * `tao peer …`: the AI peer (docs/peer-contract.md). `run` is the foreground process the supervisor keeps
 * running; `start|stop|restart|status|logs|list` manage it as the supervisor child `peer:NAME`.
 * Handlers (and onnxruntime) load lazily.
 */
import type { Command } from 'commander';
import { type GlobalOptions, globalsOf } from './context.js';
import { emit, keyValues, table } from './output.js';
import { withExamples } from './program.js';

function peerOptions(cmd: Command): Command {
  return cmd
    .option('--netuid <n>', 'the subnet (required)')
    .option(
      '--flavour <f>',
      'good, noisy, copycat, adversarial, lazy, random (neighbours) or validator, own (score and set weights)',
      'validator',
    )
    .option('--port <p>', 'axon port (default 8091)')
    .option('--host <ip>', 'axon bind address, announced with serve_axon (default 127.0.0.1)')
    .option(
      '--name <name>',
      'peer name: supervisor child peer:NAME, $TAO_HOME/peers/NAME (default "default")',
    )
    .option('--block <b>', 'feature block 0..3 of good/noisy/adversarial models (default 0)')
    .option('--tau <t>', 'noise scale of a noisy neighbour (default 1)')
    .option('--copy-of <name>', 'copycat: relay the answers of the peer with this name')
    .option(
      '--model <file>',
      'serve your own ONNX classifier x [B,32] -> probs [B,10] (validator: also its own logits)',
    )
    .option('--device <d>', 'auto, cpu or cuda (default auto)')
    .option('--batch <b>', 'validation items per scoring round (default 256)')
    .option('--round-ms <ms>', 'pause between scoring rounds (default 2000)')
    .option(
      '--max-neighbours <k>',
      'query at most k neighbours per round; more → a random k each round, scores become semivalues (default 64)',
    );
}

type PeerFlagsIn = import('../peer/runtime/config.js').PeerFlags;
type PeerConfig = import('../peer/runtime/config.js').PeerConfig;

/**
 * `peer start` over a running peer of the same name with other settings would stop it and start this one:
 * refused (E_PEER_RUNNING, exit 2) unless --replace. The same settings again are a no-op, as before.
 */
async function refuseReplacing(g: GlobalOptions, config: PeerConfig): Promise<void> {
  const { runningPeers } = await import('../up/running-peers.js');
  const { childName, peerChildSpec } = await import('../peer/runtime/commands.js');
  const running = (await runningPeers(g.home)).find((p) => p.child === childName(config.name));
  if (!running) return;
  const { hotkeyAddress } = await import('../wallet/store.js');
  const { redactArgv } = await import('../core/redact.js');
  const spec = peerChildSpec(g, config, hotkeyAddress(g.home, g.wallet, g.hotkey));
  const same =
    running.status.command === spec.command &&
    JSON.stringify(running.status.args) === JSON.stringify(redactArgv(spec.args ?? []));
  if (same) return;
  const by = running.status.meta.started_by;
  const { TaoError, ExitCode } = await import('../core/errors.js');
  throw new TaoError(
    'E_PEER_RUNNING',
    `peer '${running.name}' already runs (${running.flavour ?? '?'} on port ${running.port ?? '?'}, pid ${running.pid ?? '?'}${typeof by === 'string' ? `, started by ${by}` : ''}) with other settings; starting this one would stop it`,
    ExitCode.usage,
    `add --replace to replace it, or give this peer another --name`,
  );
}

interface NameFlag {
  name?: string;
}

const renderSummary = (d: {
  name: string;
  state: string;
  running: boolean;
  pid: number | null;
  restarts: number;
  flavour: string | null;
  port: number | null;
  uid: number | null;
  round: number | null;
  device: { device: string; reason: string; gpus: unknown[] | null } | null;
  last_exit: { reason: string } | null;
}) =>
  keyValues([
    ['peer', d.name],
    ['state', d.state],
    ['pid', d.pid === null ? '-' : String(d.pid)],
    ['flavour', d.flavour ?? '-'],
    ['port', d.port === null ? '-' : String(d.port)],
    ['uid', d.uid === null ? '-' : String(d.uid)],
    ['device', d.device ? `${d.device.device} (${d.device.reason})` : '-'],
    ['gpu', d.device?.gpus ? JSON.stringify(d.device.gpus) : 'none'],
    ['restarts', String(d.restarts)],
    ['rounds', d.round === null ? '-' : String(d.round)],
    ['last exit', d.last_exit?.reason ?? '-'],
  ]);

export function registerPeer(program: Command): void {
  const peer = program
    .command('peer')
    .description('the AI peer: serve a model on an axon, score neighbours, set weights');

  withExamples(
    peerOptions(
      peer
        .command('run')
        .description('run the peer in the foreground (what the supervisor runs; never prompts)'),
    ),
    'tao peer run --netuid 1 --flavour good --block 2 --port 8092 --name good2',
    'tao peer run --netuid 1 --flavour validator --port 8091 --device cpu',
    'tao peer run --netuid 1 --flavour validator --max-neighbours 32',
  ).action(async (flags: PeerFlagsIn, cmd: Command) => {
    const g = globalsOf(cmd);
    const { parsePeerFlags } = await import('../peer/runtime/config.js');
    const config = parsePeerFlags(flags);
    const { runPeer } = await import('../peer/runtime/peer.js');
    await runPeer(config, {
      home: g.home,
      node: g.node,
      wallet: g.wallet,
      hotkey: g.hotkey,
      ...(g.passwordFile ? { passwordFile: g.passwordFile } : {}),
    });
    process.exit(0);
  });

  withExamples(
    peerOptions(
      peer.command('start').description('start the peer under the supervisor (restarted when it crashes)'),
    )
      .option('--no-wait', 'return once the supervisor has it, without waiting for its axon to answer')
      .option('--replace', 'replace a peer of that name that runs with other settings (it restarts)'),
    'tao peer start --netuid 1 --flavour validator --port 8091',
    'tao peer start --netuid 1 --flavour noisy --tau 4 --block 1 --port 8095 --name noisy1 --json',
    'tao peer start --netuid 1 --flavour validator --port 8091 --replace',
  ).action(async (flags: PeerFlagsIn & { wait?: boolean; replace?: boolean }, cmd: Command) => {
    const g = globalsOf(cmd);
    const { parsePeerFlags } = await import('../peer/runtime/config.js');
    const config = parsePeerFlags(flags);
    if (!flags.replace) await refuseReplacing(g, config);
    const { peerStart } = await import('../peer/runtime/commands.js');
    const r = await peerStart(
      {
        home: g.home,
        node: g.node,
        wallet: g.wallet,
        hotkey: g.hotkey,
        ...(g.passwordFile ? { passwordFile: g.passwordFile } : {}),
      },
      config,
      { wait: flags.wait !== false },
    );
    emit(
      g.json,
      r,
      (d) => `${d.started ? 'started' : 'already running'}: peer:${d.name}\n${renderSummary(d)}`,
    );
  });

  for (const [verb, what] of [
    ['stop', 'stop the peer (SIGTERM, then SIGKILL after 5 s)'],
    ['restart', 'restart the peer'],
    ['status', 'the peer: state, pid, restarts, device, GPU, uid, scoring rounds'],
  ] as const) {
    withExamples(
      peer.command(verb).description(what).option('--name <name>', 'peer name (default "default")'),
      `tao peer ${verb}`,
      `tao peer ${verb} --name good2 --json`,
    ).action(async (flags: NameFlag, cmd: Command) => {
      const g = globalsOf(cmd);
      const { validName } = await import('../peer/runtime/config.js');
      const name = validName(flags.name ?? 'default');
      const c = await import('../peer/runtime/commands.js');
      const fn = verb === 'stop' ? c.peerStop : verb === 'restart' ? c.peerRestart : c.peerStatus;
      emit(g.json, await fn(g.home, name), renderSummary);
    });
  }

  withExamples(
    peer.command('list').description('every peer the supervisor runs'),
    'tao peer list',
    'tao peer list --json',
  ).action(async (_flags: unknown, cmd: Command) => {
    const g = globalsOf(cmd);
    const { peerList } = await import('../peer/runtime/commands.js');
    emit(g.json, await peerList(g.home), (d) =>
      d.peers.length === 0
        ? 'no peers (start one with: tao peer start --netuid 1)'
        : table(
            ['NAME', 'FLAVOUR', 'STATE', 'PID', 'PORT', 'UID', 'DEVICE', 'RESTARTS', 'ROUNDS'],
            d.peers.map((p) => [
              p.name,
              p.flavour ?? '-',
              p.state,
              p.pid === null ? '-' : String(p.pid),
              p.port === null ? '-' : String(p.port),
              p.uid === null ? '-' : String(p.uid),
              p.device?.device ?? '-',
              String(p.restarts),
              p.round === null ? '-' : String(p.round),
            ]),
          ),
    );
  });

  withExamples(
    peer
      .command('logs')
      .description("the peer's log lines (rounds with seed hash, B and scores; weights txs)")
      .option('--name <name>', 'peer name (default "default")')
      .option('-n, --lines <n>', 'how many recent lines', '100')
      .option('-f, --follow', 'keep printing new lines until Ctrl-C'),
    'tao peer logs -f',
    'tao peer logs --name good2 --lines 20 --json',
  ).action(async (flags: NameFlag & { lines: string; follow?: boolean }, cmd: Command) => {
    const g = globalsOf(cmd);
    const { validName } = await import('../peer/runtime/config.js');
    const name = validName(flags.name ?? 'default');
    const c = await import('../peer/runtime/commands.js');
    const lines = Number(flags.lines);
    const print = (l: { ts: number; stream: string; text: string }) =>
      process.stdout.write(g.json ? `${JSON.stringify(l)}\n` : `${l.text}\n`);
    if (!flags.follow) {
      const got = await c.peerLogs(g.home, name, lines);
      if (g.json) emit(true, { lines: got }, () => '');
      else for (const l of got) print(l);
      return;
    }
    // Ctrl-C ends the stream with exit 0, even while the recent lines are still arriving (before the
    // supervisor's ack, so before peerFollow returns): the handlers go in first.
    let following: { close: () => void } | null = null;
    let interrupted = false;
    const stop = () => {
      interrupted = true;
      following?.close();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const stream = await c.peerFollow(g.home, name, lines, print);
    following = stream;
    if (interrupted) stream.close();
    await stream.done;
  });
}
