/**
 * docs/cli.md: every amount a person or script reads is a τ string with 9 decimals; raw rao only in the RPC
 * (or fields named `*_rao`). `tao node start`, `tao node status` and `tao subnet hyperparameters` on a real
 * ledger node, each compared with the rao the node's RPC reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTao } from '../../src/core/amount.js';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { freePort, type Json, kill, type NodeProc, rpc, startNode } from './node-helpers.js';

const { home, cleanup } = tempHome('tao-units-');
let node: NodeProc;
let info: Json;

beforeAll(async () => {
  node = await startNode(home, await freePort(), ['--instant']);
  info = await rpc(node.url, 'system_info');
});
afterAll(async () => {
  await kill(node);
  cleanup();
});

const tao = (args: string[]) => runTao(['--node', node.url, ...args], { home });
const TAO_STRING = /^\d+\.\d{9}$/;
const tau = (rao: string) => formatTao(BigInt(rao));

describe('amounts are τ strings with 9 decimals', () => {
  it('tao node start prints the dev balances in τ', () => {
    expect(node.output()).toMatch(/\/\/Alice +5\w+ {2}1000000 τ\n/);
  });

  it('tao node status: tx_fee, issuance, burned, locked, genesis balances and faucet', async () => {
    const r = await tao(['--json', 'node', 'status']);
    expect(r.code, r.stderr).toBe(0);
    const d = parseJson<Json>(r);
    expect(d.tx_fee).toBe('0.000100000');
    for (const k of ['tx_fee', 'total_issuance', 'burned', 'locked']) {
      expect(d[k], k).toMatch(TAO_STRING);
      expect(d[k], k).toBe(tau(info[k]));
    }
    expect(d.dev_accounts[0].genesis_free).toBe('1000000.000000000');
    expect(d.faucet).toEqual({ amount: tau(info.faucet.amount), cap: tau(info.faucet.cap) });
    const text = await tao(['node', 'status']);
    expect(text.stdout).toMatch(/^tx_fee +0\.000100000 τ$/m);
  });

  it('tao subnet hyperparameters: burn and stake_threshold, as tao subnet list shows the burn', async () => {
    const hp = await rpc(node.url, 'subnet_hyperparameters', { netuid: 1 });
    const r = await tao(['--json', 'subnet', 'hyperparameters', '--netuid', '1']);
    expect(r.code, r.stderr).toBe(0);
    const d = parseJson<Json>(r);
    expect(d.burn).toBe(tau(hp.burn));
    expect(d.burn).toBe('0.100000000');
    expect(d.stake_threshold).toBe(tau(hp.stake_threshold));
    expect(d.tempo).toBe(hp.tempo); // not an amount: unchanged
    const list = parseJson<Json>(await tao(['--json', 'subnet', 'list']));
    expect(list.subnets.find((s: Json) => s.netuid === 1).burn).toBe(d.burn);
    const text = await tao(['subnet', 'hyperparameters', '--netuid', '1']);
    expect(text.stdout).toMatch(/^burn +0\.100000000 τ$/m);
  });
});
