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

  describe('a room whose frames are slow to write', () => {
    /** A sink whose every write takes `writeMs` of the clock, as a frame to many readers does. */
    const slowSink = (writeMs: number) => ({
      sendOne: (room: string, event: BatchedEvent) => {
        clock += writeMs;
        sent.push(['one', room, event]);
      },
      sendBatch: (room: string, events: BatchedEvent[]) => {
        clock += writeMs;
        sent.push(['batch', room, events]);
      },
    });

    it('waits twice the last write before its next frame, so more messages share it', () => {
      const batcher = new EventBatcher(slowSink(8), 5, () => clock);
      batcher.push('', ['chat', line(1)]); // written from 1000 to 1008: the next frame may go at 1016
      batcher.push('', ['chat', line(2)]);
      advance(5); // 1013
      batcher.push('', ['chat', line(3)]);
      expect(sent).toHaveLength(1);
      advance(3); // 1016
      expect(sent).toEqual([
        ['one', '', ['chat', line(1)]],
        ['batch', '', [['chat', line(2)], ['chat', line(3)]]],
      ]);
      batcher.close();
    });

    it('never waits more than ten windows', () => {
      const batcher = new EventBatcher(slowSink(200), 5, () => clock);
      batcher.push('', ['chat', line(1)]); // written from 1000 to 1200: capped at 1050, long past
      batcher.push('', ['chat', line(2)]);
      advance(0);
      expect(sent).toHaveLength(2);
      batcher.close();
    });

    it('counts a room as idle again once the stretched gap has passed', () => {
      const batcher = new EventBatcher(slowSink(10), 5, () => clock);
      batcher.push('', ['chat', line(1)]); // 1000 to 1010: next at 1020
      advance(9); // 1019
      batcher.push('', ['chat', line(2)]);
      expect(sent).toHaveLength(1);
      advance(1); // 1020: the held line goes (1020 to 1030), next at 1040
      expect(sent).toHaveLength(2);
      advance(20); // 1050
      batcher.push('', ['chat', line(3)]);
      expect(sent).toHaveLength(3);
      batcher.close();
    });
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
