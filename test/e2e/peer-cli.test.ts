/** `tao peer …` without a ledger: the CUDA refusal (exit 2, shown by the supervisor), unknown peers, empty lists. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveDevice } from '../../src/peer/model/session.js';
import { parseJson, runTao, tempHome } from '../helpers/tao.js';
import { freePort } from './node-helpers.js';

const { home, cleanup } = tempHome('tao-peer-cli-');
const cudaAvailable = (await resolveDevice('auto')).device === 'cuda';

beforeAll(async () => {
  const r = await runTao(['--json', 'wallet', 'create', '--no-password'], { home });
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await runTao(['daemon', 'stop'], { home, timeoutMs: 30_000 });
  cleanup();
}, 60_000);

describe('tao peer', () => {
  it('lists no peers when no supervisor runs', async () => {
    const r = await runTao(['--json', 'peer', 'list'], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r)).toEqual({ peers: [] });
  });

  it.skipIf(cudaAvailable)('refuses --device cuda without CUDA: run exits 2 with the reason', async () => {
    const port = await freePort();
    const r = await runTao(
      [
        '--node',
        'http://127.0.0.1:1',
        'peer',
        'run',
        '--netuid',
        '1',
        '--port',
        String(port),
        '--device',
        'cuda',
      ],
      { home },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--device cuda is not available: .*no NVIDIA GPU|CUDA provider/);
  });

  it.skipIf(cudaAvailable)(
    'start under the supervisor reports the exit reason, stops the child and keeps it listed',
    async () => {
      const port = await freePort();
      const r = await runTao(
        [
          '--json',
          '--node',
          'http://127.0.0.1:1',
          'peer',
          'start',
          '--netuid',
          '1',
          '--port',
          String(port),
          '--device',
          'cuda',
          '--name',
          'gpu',
        ],
        { home, timeoutMs: 60_000 },
      );
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'E_PEER_EXITED' });
      expect(r.stderr).toMatch(/exited with code 2/);
      expect(r.stderr).toMatch(/--device cuda is not available/);
      const s = await runTao(['--json', 'peer', 'status', '--name', 'gpu'], { home });
      expect(s.code, s.stderr).toBe(0);
      const status = parseJson<{
        running: boolean;
        state: string;
        last_exit: { code: number; reason: string };
      }>(s);
      expect(status.running).toBe(false);
      expect(status.state).toBe('stopped');
      expect(status.last_exit).toMatchObject({ code: 2, reason: 'exited with code 2' });
      const list = parseJson<{ peers: { name: string; flavour: string }[] }>(
        await runTao(['--json', 'peer', 'list'], { home }),
      );
      expect(list.peers).toEqual([expect.objectContaining({ name: 'gpu', flavour: 'validator' })]);
    },
    90_000,
  );

  it('answers an unknown peer with exit 2', async () => {
    await runTao(['daemon', 'start'], { home });
    const r = await runTao(['--json', 'peer', 'status', '--name', 'nobody'], { home });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('E_NO_PEER');
  });

  it('refuses a bad flag before starting anything', async () => {
    const r = await runTao(['peer', 'start', '--netuid', '1', '--flavour', 'copycat'], { home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--copy-of/);
  });
});
