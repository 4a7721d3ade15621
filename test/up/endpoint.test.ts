/**
 * Which node a command dials when none is named: this home's market where it runs (the supervisor's live
 * `node` child, a foreground node, the last `tao up`'s record), in that order, and never over --node,
 * TAO_NODE or the config. Real files in a temp home; live pids are this test's own.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveGlobals } from '../../src/cli/context.js';
import { startTicksOf } from '../../src/supervisor/orphans.js';
import { recordedNodeUrl } from '../../src/up/endpoint.js';
import { tempHome } from '../helpers/tao.js';

let home: string;
let cleanup: () => void;
const savedNode = process.env.TAO_NODE;

beforeEach(() => {
  ({ home, cleanup } = tempHome('tao-endpoint-'));
  mkdirSync(join(home, 'run'), { recursive: true });
  mkdirSync(join(home, 'up'), { recursive: true });
  delete process.env.TAO_NODE;
});

afterEach(() => {
  if (savedNode === undefined) delete process.env.TAO_NODE;
  else process.env.TAO_NODE = savedNode;
  cleanup();
});

const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

const upState = (rpcUrl: string) =>
  writeFileSync(
    join(home, 'up', 'state.json'),
    JSON.stringify({
      version: 1,
      rpc_url: rpcUrl,
      rpc_port: Number(new URL(rpcUrl).port),
      data_dir: join(home, 'up', 'chain'),
      owns_node: true,
      netuid: 1,
      created_wallets: [],
      peers: [],
      updated_at: 0,
    }),
  );

const foreground = (rpc: string, pid = process.pid) =>
  writeFileSync(
    join(home, 'run', 'node.json'),
    JSON.stringify({ pid, rpc, data_dir: join(home, 'node', 'data'), started_at: 0 }),
  );

const supervised = (rpcUrl: string, pid = process.pid) =>
  writeFileSync(
    join(home, 'run', 'children.json'),
    JSON.stringify([
      {
        name: 'node',
        pid,
        startTicks: startTicksOf(pid),
        spec: { name: 'node', kind: 'node', command: 'node', meta: { rpc_url: rpcUrl } },
      },
    ]),
  );

describe('the recorded endpoint of a home', () => {
  it('is absent in a fresh home, and the default node is then 127.0.0.1:9944', () => {
    expect(recordedNodeUrl(home)).toBeUndefined();
    expect(resolveGlobals({ home }).node).toBe('http://127.0.0.1:9944');
  });

  it("is the last tao up's node when nothing runs", () => {
    upState('http://127.0.0.1:9955');
    expect(resolveGlobals({ home }).node).toBe('http://127.0.0.1:9955');
  });

  it('is a live foreground node over the up record, and not a dead one', () => {
    upState('http://127.0.0.1:9955');
    foreground('http://127.0.0.1:9966', deadPid());
    expect(recordedNodeUrl(home)).toBe('http://127.0.0.1:9955');
    foreground('http://127.0.0.1:9966');
    expect(recordedNodeUrl(home)).toBe('http://127.0.0.1:9966');
  });

  it("is the supervisor's live node child first", () => {
    upState('http://127.0.0.1:9955');
    foreground('http://127.0.0.1:9966');
    supervised('http://127.0.0.1:9977', deadPid());
    expect(recordedNodeUrl(home)).toBe('http://127.0.0.1:9966');
    supervised('http://127.0.0.1:9977');
    expect(recordedNodeUrl(home)).toBe('http://127.0.0.1:9977');
  });

  it('never overrides --node, TAO_NODE or the config, and --network keeps its meaning', () => {
    upState('http://127.0.0.1:9955');
    expect(resolveGlobals({ home, node: 'http://127.0.0.1:1234' }).node).toBe('http://127.0.0.1:1234');
    process.env.TAO_NODE = 'http://127.0.0.1:2345';
    expect(resolveGlobals({ home }).node).toBe('http://127.0.0.1:2345');
    delete process.env.TAO_NODE;
    writeFileSync(join(home, 'config.json'), JSON.stringify({ node: 'http://127.0.0.1:3456' }));
    expect(resolveGlobals({ home }).node).toBe('http://127.0.0.1:3456');
    expect(resolveGlobals({ home, network: 'finney' }).network).toBe('finney');
  });
});
