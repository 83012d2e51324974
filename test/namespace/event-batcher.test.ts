import { EventBatcher, type BatchedEvent } from '../../lib/chat/event-batcher';

/** A chat line with only the id these tests compare. */
const line = (id: number) => ({ u: 'a', m: 'x', ts: 0, id });

describe('EventBatcher', () => {
  let clock = 0;
  let sent: Array<['one', string, BatchedEvent] | ['batch', string, BatchedEvent[]]>;
  const sink = {
    sendOne: (room: string, event: BatchedEvent) => sent.push(['one', room, event]),
    sendBatch: (room: string, events: BatchedEvent[]) => sent.push(['batch', room, events]),
  };
  const advance = (ms: number) => {
    clock += ms;
    jest.advanceTimersByTime(ms);
  };

  beforeEach(() => {
    jest.useFakeTimers();
    clock = 1000;
    sent = [];
  });
  afterEach(() => jest.useRealTimers());

  it('sends an event for an idle room at once, unbatched', () => {
    const batcher = new EventBatcher(sink, 5, () => clock);
    batcher.push('', ['chat', line(1)]);
    expect(sent).toEqual([['one', '', ['chat', line(1)]]]);
    batcher.close();
  });

  it('holds events that follow within the window and sends them as one batch, in order', () => {
    const batcher = new EventBatcher(sink, 5, () => clock);
    batcher.push('', ['chat', line(1)]);
    advance(1);
    batcher.push('', ['chat', line(2)]);
    batcher.push('', ['enter', 'bob']);
    batcher.push('', ['chat', line(3)]);
    expect(sent).toHaveLength(1);
    advance(3);
    expect(sent).toHaveLength(1);
    advance(1);
    expect(sent).toEqual([
      ['one', '', ['chat', line(1)]],
      ['batch', '', [['chat', line(2)], ['enter', 'bob'], ['chat', line(3)]]],
    ]);
    batcher.close();
  });

  it('sends a lone held event as itself, not as a batch of one', () => {
    const batcher = new EventBatcher(sink, 5, () => clock);
    batcher.push('', ['chat', line(1)]);
    advance(2);
    batcher.push('', ['chat', line(2)]);
    advance(3);
    expect(sent).toEqual([
      ['one', '', ['chat', line(1)]],
      ['one', '', ['chat', line(2)]],
    ]);
    batcher.close();
  });

  it('keeps rooms apart', () => {
    const batcher = new EventBatcher(sink, 5, () => clock);
    batcher.push('a', ['chat', line(1)]);
    batcher.push('b', ['chat', line(2)]);
    expect(sent).toEqual([
      ['one', 'a', ['chat', line(1)]],
      ['one', 'b', ['chat', line(2)]],
    ]);
    batcher.close();
  });

  it('treats a room as idle again once a window has passed with nothing to send', () => {
    const batcher = new EventBatcher(sink, 5, () => clock);
    batcher.push('', ['chat', line(1)]);
    advance(10);
    batcher.push('', ['chat', line(2)]);
    expect(sent).toEqual([
      ['one', '', ['chat', line(1)]],
      ['one', '', ['chat', line(2)]],
    ]);
    batcher.close();
  });

  it('sends every event at once when the window is 0', () => {
    const batcher = new EventBatcher(sink, 0, () => clock);
    batcher.push('', ['chat', line(1)]);
    batcher.push('', ['chat', line(2)]);
    expect(sent).toHaveLength(2);
    batcher.close();
  });

  it('flushes what is held on flushAll()', () => {
    const batcher = new EventBatcher(sink, 5, () => clock);
    batcher.push('', ['chat', line(1)]);
    batcher.push('', ['chat', line(2)]);
    batcher.push('', ['chat', line(3)]);
    batcher.flushAll();
    expect(sent[1]).toEqual(['batch', '', [['chat', line(2)], ['chat', line(3)]]]);
    batcher.close();
  });
});
