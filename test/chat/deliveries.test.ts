/** Deliveries: the per-socket record behind the exactly-once welcome and the gap repair. */
import { Deliveries } from '../../lib/chat/deliveries';
import type { ChatMessage } from '../../lib/protocol/payloads';

const log = (...ids: number[]): ChatMessage[] => ids.map((id) => ({ id, u: 'u', m: `m${id}`, ts: 0 }));

describe('Deliveries', () => {
  it('knows which ids a socket holds', () => {
    const deliveries = new Deliveries();
    deliveries.add('a', 3);
    expect(deliveries.has('a', 3)).toBe(true);
    expect(deliveries.has('a', 4)).toBe(false);
    expect(deliveries.has('b', 3)).toBe(false);
    expect(deliveries.newest).toBe(3);
  });

  it('reports nothing missing before a socket’s history of that room was sent', () => {
    const deliveries = new Deliveries();
    deliveries.add('a', 5);
    expect(deliveries.missing('a', '', log(4, 5, 6))).toEqual([]);
  });

  it('reports what came after the history that the socket did not receive, per room', () => {
    const deliveries = new Deliveries();
    deliveries.covered('a', '', 10);
    deliveries.add('a', 12);
    expect(deliveries.missing('a', '', log(9, 10, 11, 12, 13)).map((message) => message.id)).toEqual([11, 13]);
    expect(deliveries.missing('a', 'den', log(11))).toEqual([]);
    deliveries.covered('a', 'den', 0);
    expect(deliveries.missing('a', 'den', log(11)).map((message) => message.id)).toEqual([11]);
  });

  it('never lowers a floor, and forgets a socket that is gone', () => {
    const deliveries = new Deliveries();
    deliveries.covered('a', '', 10);
    deliveries.covered('a', '', 5);
    expect(deliveries.missing('a', '', log(6, 11)).map((message) => message.id)).toEqual([11]);
    deliveries.forget('a');
    expect(deliveries.missing('a', '', log(11))).toEqual([]);
  });

  it('keeps a bounded record: forgotten ids are never reported missing', () => {
    const deliveries = new Deliveries();
    deliveries.covered('a', '', 0);
    for (let id = 1; id <= 5000; id++) deliveries.add('a', id);
    expect(deliveries.has('a', 1)).toBe(false);
    expect(deliveries.missing('a', '', log(1, 2, 5001)).map((message) => message.id)).toEqual([5001]);
  });
});
