import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/client/decode.js';
import { SseParser } from '../../src/client/sse.js';

describe('SSE parsing', () => {
  it('assembles messages split at any byte boundary', () => {
    const stream =
      ': keep-alive\n\nevent: head\ndata: {"number":7,"hash":"0xab","timestamp":1}\n\nevent: tx\r\ndata: {"tx_hash":"0x01",\r\ndata: "status":"included","block":7}\r\n\r\n';
    for (let cut = 0; cut <= stream.length; cut++) {
      const p = new SseParser();
      const got = [...p.push(stream.slice(0, cut)), ...p.push(stream.slice(cut))];
      expect(got).toEqual([
        { event: 'head', data: '{"number":7,"hash":"0xab","timestamp":1}' },
        { event: 'tx', data: '{"tx_hash":"0x01",\n"status":"included","block":7}' },
      ]);
    }
  });

  it('ignores comments and blank keep-alives, defaults the event name to message', () => {
    const p = new SseParser();
    expect(p.push(':ping\n\n:ping\n\n')).toEqual([]);
    expect(p.push('data:x\nid: 3\n\n')).toEqual([{ event: 'message', data: 'x', id: '3' }]);
  });

  it('decodes typed events and ignores unknown event names', () => {
    expect(decodeEvent('epoch', { netuid: 1, block: 10 })).toEqual({ type: 'epoch', netuid: 1, block: 10 });
    expect(
      decodeEvent('tx', {
        tx_hash: '0x1',
        status: 'rejected',
        error: { code: 'E_EXPIRED', message: 'late' },
      }),
    ).toEqual({
      type: 'tx',
      txHash: '0x1',
      status: 'rejected',
      error: { code: 'E_EXPIRED', message: 'late' },
    });
    expect(decodeEvent('gossip', { a: 1 })).toBeNull();
    expect(() => decodeEvent('head', { number: 'x' })).toThrow(/malformed/);
  });
});
