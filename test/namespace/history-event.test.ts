/** History: the `history` event every connect starts with, `auth.lastId`, and paging with `history(request, ack)`. */
import { MemoryStore } from 'express-chatterbox';
import { closeAll, nextEvent, recordEvents, recordingLogger, settle, startChat, type TestSocket } from '../helpers/chat-server';
import { closeRawClients, recordedClient } from '../helpers/raw-socket';

afterEach(closeAll);
afterEach(closeRawClients);

const message = (id: number, u = 'alice') => ({ u, m: `message ${id}`, id, ts: 1_700_000_000_000 + id });
const refused = (message: string) => ({ ok: false, error: { code: 'INVALID_REQUEST', message } });

/** A store already holding `count` messages "message 1" … "message N" by alice. */
async function storeWith(count: number): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (let id = 1; id <= count; id++) {
    await store.append({ room: '', u: 'alice', m: `message ${id}`, ts: 1_700_000_000_000 + id });
  }
  return store;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));

/** Emits what the types forbid, as a hostile or buggy client would. */
function emitAnyWithAck(socket: TestSocket, event: string, ...args: unknown[]): Promise<unknown> {
  return (socket.emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>)(event, ...args);
}

/**
 * Connects a client that records from the start; resolves once its welcome is over: `session`,
 * then `users` (who is here, logged in or not).
 */
async function welcomeOf(chat: { url: string }, auth?: unknown): Promise<Array<[string, ...unknown[]]>> {
  const { socket, events } = recordedClient(chat, { auth });
  socket.connect();
  await nextEvent(socket, 'session');
  if (!events.some(([name]) => name === 'users')) await nextEvent(socket, 'users');
  return events;
}

describe('the history event on connect', () => {
  it('comes first, before login, as history([], {}) on an empty chat', async () => {
    const chat = await startChat();
    expect(await welcomeOf(chat)).toEqual([
      ['history', [], {}],
      ['session', { nick: null }],
      ['users', []],
    ]);
  });

  it('carries the messages sent before, oldest first, as they were broadcast', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const bobEvents = recordEvents(bob);
    await alice.emitWithAck('chat', 'one');
    await bob.emitWithAck('chat', { m: 'two', cid: 'c2' });
    await alice.emitWithAck('chat', 'three\nlines');
    await settle();
    const broadcast = bobEvents.map(([, line]) => line);
    const events = await welcomeOf(chat);
    expect(events).toEqual([
      ['history', broadcast, {}],
      ['session', { nick: null }],
      ['users', ['alice', 'bob']],
    ]);
    expect(broadcast).toEqual([
      { u: 'alice', m: 'one', id: 1, ts: expect.any(Number) },
      { u: 'bob', m: 'two', id: 2, ts: expect.any(Number) },
      { u: 'alice', m: 'three\nlines', id: 3, ts: expect.any(Number) },
    ]);
  });

  it('carries the newest historyLimit messages', async () => {
    const chat = await startChat({ history: await storeWith(5), historyLimit: 2 });
    expect((await welcomeOf(chat))[0]).toEqual(['history', range(4, 5), {}]);
  });

  it('carries the newest 50 messages by default', async () => {
    const chat = await startChat({ history: await storeWith(60) });
    expect((await welcomeOf(chat))[0]).toEqual(['history', range(11, 60), {}]);
  });

  it('is empty with historyLimit: 0', async () => {
    const chat = await startChat({ history: await storeWith(5), historyLimit: 0 });
    expect((await welcomeOf(chat))[0]).toEqual(['history', [], {}]);
  });

  it('is empty with history: false, while messages still get increasing ids', async () => {
    const chat = await startChat({ history: false });
    const alice = await chat.login('alice');
    expect(await alice.emitWithAck('chat', 'one')).toEqual({ ok: true, id: 1 });
    expect(await alice.emitWithAck('chat', 'two')).toEqual({ ok: true, id: 2 });
    expect((await welcomeOf(chat))[0]).toEqual(['history', [], {}]);
  });

  it('comes before the handshake login’s enter and users', async () => {
    const chat = await startChat({ history: await storeWith(1) });
    expect(await welcomeOf(chat, { nick: 'bob' })).toEqual([
      ['history', [message(1)], {}],
      ['enter', 'bob'],
      ['users', ['bob']],
      ['session', { nick: 'bob' }],
    ]);
  });

  describe('with auth { lastId }', () => {
    it.each([
      [0, 'messages 1 to 5', range(1, 5)],
      [2, 'messages 3 to 5', range(3, 5)],
      [4, 'message 5', [message(5)]],
      [5, 'nothing (the newest id)', []],
      [99, 'nothing (an id from the future)', []],
    ])('after lastId %j carries exactly %s', async (lastId, _label, expected) => {
      const chat = await startChat({ history: await storeWith(5) });
      expect(await welcomeOf(chat, { lastId })).toEqual([
        ['history', expected, {}],
        ['session', { nick: null }],
        ['users', []],
      ]);
    });

    it('is not bounded by historyLimit', async () => {
      const chat = await startChat({ history: await storeWith(10), historyLimit: 2 });
      expect((await welcomeOf(chat, { lastId: 3 }))[0]).toEqual(['history', range(4, 10), {}]);
    });

    it('carries the newest reconnectLimit messages with { truncated: true } when more were missed', async () => {
      const chat = await startChat({ history: await storeWith(600) });
      expect((await welcomeOf(chat, { lastId: 99 }))[0]).toEqual(['history', range(101, 600), { truncated: true }]);
    });

    it('is not truncated when exactly reconnectLimit messages were missed', async () => {
      const chat = await startChat({ history: await storeWith(600) });
      expect((await welcomeOf(chat, { lastId: 100 }))[0]).toEqual(['history', range(101, 600), {}]);
    });

    it.each([
      ['a numeric string', '3'],
      ['a negative number', -1],
      ['a fraction', 2.5],
      ['null', null],
      ['an object', { id: 3 }],
      ['an unsafe integer', 2 ** 53],
      ['a boolean', true],
    ])('treats %s as no lastId: the newest historyLimit messages', async (_label, lastId) => {
      const logger = recordingLogger();
      const chat = await startChat({ history: await storeWith(5), historyLimit: 3, logger });
      expect(await welcomeOf(chat, { lastId })).toEqual([
        ['history', range(3, 5), {}],
        ['session', { nick: null }],
        ['users', []],
      ]);
      expect(logger.error).not.toHaveBeenCalled();
    });
  });
});

describe('history({ before, limit }, ack)', () => {
  it('pages back through every message, oldest first within a page', async () => {
    const chat = await startChat({ history: await storeWith(5) });
    const socket = await chat.connect();
    expect(await socket.emitWithAck('history', { limit: 2 })).toEqual({ ok: true, messages: range(4, 5) });
    expect(await socket.emitWithAck('history', { before: 4, limit: 2 })).toEqual({ ok: true, messages: range(2, 3) });
    expect(await socket.emitWithAck('history', { before: 2, limit: 2 })).toEqual({ ok: true, messages: [message(1)] });
    expect(await socket.emitWithAck('history', { before: 1, limit: 2 })).toEqual({ ok: true, messages: [] });
  });

  it('works before login and tells no one else', async () => {
    const chat = await startChat({ history: await storeWith(3) });
    const bob = await chat.login('bob');
    const bobEvents = recordEvents(bob);
    const guest = await chat.connect();
    const guestEvents = recordEvents(guest);
    expect(await guest.emitWithAck('history', { before: 3 })).toEqual({ ok: true, messages: range(1, 2) });
    await settle();
    expect(guestEvents).toEqual([]);
    expect(bobEvents).toEqual([]);
  });

  it.each([
    ['{}', {}],
    ['no argument', undefined],
  ])('returns the newest historyLimit messages for %s', async (_label, request) => {
    const chat = await startChat({ history: await storeWith(5), historyLimit: 3 });
    const socket = await chat.connect();
    const ack = request === undefined ? await emitAnyWithAck(socket, 'history') : await socket.emitWithAck('history', request);
    expect(ack).toEqual({ ok: true, messages: range(3, 5) });
  });

  it('returns one message per page when historyLimit is 0 and no limit is given', async () => {
    const chat = await startChat({ history: await storeWith(5), historyLimit: 0 });
    const socket = await chat.connect();
    expect(await socket.emitWithAck('history', {})).toEqual({ ok: true, messages: [message(5)] });
  });

  it('accepts limit 200, the largest page', async () => {
    const chat = await startChat({ history: await storeWith(250) });
    const socket = await chat.connect();
    expect(await socket.emitWithAck('history', { limit: 200 })).toEqual({ ok: true, messages: range(51, 250) });
  });

  it('accepts before: 0 and returns nothing', async () => {
    const chat = await startChat({ history: await storeWith(2) });
    const socket = await chat.connect();
    expect(await socket.emitWithAck('history', { before: 0 })).toEqual({ ok: true, messages: [] });
  });

  it.each([
    ['a string', 'latest', 'A history request must be an object like { before, limit }'],
    ['a number', 5, 'A history request must be an object like { before, limit }'],
    ['an array', [{ before: 5 }], 'A history request must be an object like { before, limit }'],
    ['before as a string', { before: '5' }, 'before must be a message id (a whole number ≥ 0)'],
    ['a negative before', { before: -1 }, 'before must be a message id (a whole number ≥ 0)'],
    ['a fractional before', { before: 2.5 }, 'before must be a message id (a whole number ≥ 0)'],
    ['an unsafe before', { before: 2 ** 53 }, 'before must be a message id (a whole number ≥ 0)'],
    ['before: null', { before: null }, 'before must be a message id (a whole number ≥ 0)'],
    ['limit as a string', { limit: '5' }, 'limit must be a whole number from 1 to 200'],
    ['limit 0', { limit: 0 }, 'limit must be a whole number from 1 to 200'],
    ['a negative limit', { limit: -5 }, 'limit must be a whole number from 1 to 200'],
    ['a fractional limit', { limit: 1.5 }, 'limit must be a whole number from 1 to 200'],
    ['limit 201', { limit: 201 }, 'limit must be a whole number from 1 to 200'],
    ['a huge limit', { limit: 1e9 }, 'limit must be a whole number from 1 to 200'],
    ['limit: null', { limit: null }, 'limit must be a whole number from 1 to 200'],
  ])('acks INVALID_REQUEST for %s', async (_label, request, text) => {
    const logger = recordingLogger();
    const chat = await startChat({ history: await storeWith(3), logger });
    const socket = await chat.connect();
    const events = recordEvents(socket);
    expect(await emitAnyWithAck(socket, 'history', request)).toEqual(refused(text));
    await settle();
    expect(events).toEqual([]);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('ignores unknown keys, including __proto__', async () => {
    const chat = await startChat({ history: await storeWith(3) });
    const socket = await chat.connect();
    const request = JSON.parse('{"__proto__":{"before":"x"},"colour":"elsewhere","limit":1}') as unknown;
    expect(await emitAnyWithAck(socket, 'history', request)).toEqual({ ok: true, messages: [message(3)] });
  });

  it('sends nothing back to a request without an ack', async () => {
    const logger = recordingLogger();
    const chat = await startChat({ history: await storeWith(3), logger });
    const socket = await chat.connect();
    const events = recordEvents(socket);
    (socket.emit as (event: string, ...args: unknown[]) => void)('history', { limit: 2 });
    (socket.emit as (event: string, ...args: unknown[]) => void)('history', { limit: 'bad' });
    await settle();
    // A refused request without an ack reaches the user as a SYSTEM line, like any other event.
    expect(events).toEqual([['chat', { u: 'SYSTEM', m: 'limit must be a whole number from 1 to 200' }]]);
    expect(logger.error).not.toHaveBeenCalled();
  });
});
