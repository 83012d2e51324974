/** Deliveries: the bookkeeping behind the exactly-once welcome and the gap repair. */
import { Deliveries } from '../../lib/chat/deliveries';
import type { ChatMessage } from '../../lib/protocol/payloads';

const log = (...ids: number[]): ChatMessage[] => ids.map((id) => ({ id, u: 'u', m: `m${id}`, ts: 0 }));
const ids = (messages: ChatMessage[]): number[] => messages.map((message) => message.id);

describe('Deliveries', () => {
  it('knows which ids a socket received outside the room-wide path', () => {
    const deliveries = new Deliveries();
    deliveries.received('a', 3);
    expect(deliveries.has('a', 3)).toBe(true);
    expect(deliveries.has('a', 4)).toBe(false);
    expect(deliveries.has('b', 3)).toBe(false);
    expect(deliveries.newest).toBe(3);
  });

  it('reports nothing missing before a socket’s history of that room was sent', () => {
    const deliveries = new Deliveries();
    deliveries.joined('a', '');
    expect(deliveries.missing('a', '', log(4, 5, 6))).toEqual([]);
  });

  it('counts what was delivered to the room after the socket joined it, and its history, as received', () => {
    const deliveries = new Deliveries();
    deliveries.delivered('', 9);
    deliveries.joined('a', '');
    deliveries.covered('a', '', 10);
    deliveries.delivered('', 12);
    deliveries.received('a', 14);
    expect(ids(deliveries.missing('a', '', log(9, 10, 11, 12, 13, 14)))).toEqual([11, 13]);
    // Another room: nothing before its own history there.
    expect(deliveries.missing('a', 'den', log(11))).toEqual([]);
    deliveries.joined('a', 'den');
    deliveries.covered('a', 'den', 0);
    expect(ids(deliveries.missing('a', 'den', log(11)))).toEqual([11]);
  });

  it('never lowers a floor, and forgets a socket that is gone', () => {
    const deliveries = new Deliveries();
    deliveries.joined('a', '');
    deliveries.covered('a', '', 10);
    deliveries.covered('a', '', 5);
    expect(ids(deliveries.missing('a', '', log(6, 11)))).toEqual([11]);
    deliveries.forget('a');
    expect(deliveries.missing('a', '', log(11))).toEqual([]);
  });

  it('keeps a bounded record: forgotten ids are never reported missing', () => {
    const deliveries = new Deliveries();
    deliveries.joined('a', '');
    deliveries.covered('a', '', 0);
    for (let id = 1; id <= 5000; id++) deliveries.received('a', id);
    expect(deliveries.has('a', 1)).toBe(false);
    for (let id = 1; id <= 5000; id++) deliveries.delivered('', 10_000 + id);
    expect(ids(deliveries.missing('a', '', log(10_001, 20_000)))).toEqual([20_000]);
  });
});
