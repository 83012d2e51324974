/** Rooms besides the default one: `join`, `leave`, `chat { m, room }`, `history`, `typing`, and their `room` fields. */
import { closeAll, nextEvent, recordEvents, settle, startChat, type TestSocket } from '../helpers/chat-server';

afterEach(closeAll);

const refused = (code: string, message: string) => ({ ok: false, error: { code, message } });
const line = (u: string, m: string, id: number, room?: string) =>
  room === undefined ? { u, m, id, ts: expect.any(Number) as number } : { u, m, id, ts: expect.any(Number) as number, room };

/** Emits what the types forbid, as a hostile or buggy client would. */
function emitAnyWithAck(socket: TestSocket, event: string, ...args: unknown[]): Promise<unknown> {
  return (socket.emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>)(event, ...args);
}

describe('join', () => {
  describe('a room of the rooms option', () => {
    it('acks { ok, room, users } and sends history, users and enter with { room }, in that order', async () => {
      const chat = await startChat({ rooms: ['games'] });
      const alice = await chat.login('alice');
      const events = recordEvents(alice);
      const ack = await alice.emitWithAck('join', 'games');
      await settle();
      expect(ack).toEqual({ ok: true, room: 'games', users: ['alice'] });
      expect(events).toEqual([
        ['history', [], { room: 'games' }],
        ['users', ['alice'], { room: 'games' }],
        ['enter', 'alice', { room: 'games' }],
      ]);
    });

    it('finds the room case-insensitively and answers with its own spelling', async () => {
      const chat = await startChat({ rooms: ['Games'] });
      const alice = await chat.login('alice');
      expect(await alice.emitWithAck('join', '  GAMES ')).toEqual({ ok: true, room: 'Games', users: ['alice'] });
    });

    it('tells the room, not the default room, that someone entered', async () => {
      const chat = await startChat({ rooms: ['games'] });
      const alice = await chat.login('alice');
      await alice.emitWithAck('join', 'games');
      const bob = await chat.login('bob');
      const lobby = await chat.login('carol');
      const [aliceEvents, lobbyEvents] = [recordEvents(alice), recordEvents(lobby)];
      expect(await bob.emitWithAck('join', 'games')).toEqual({ ok: true, room: 'games', users: ['alice', 'bob'] });
      await settle();
      expect(aliceEvents).toEqual([['enter', 'bob', { room: 'games' }]]);
      expect(lobbyEvents).toEqual([]);
    });

    it('sends the room’s latest messages, each with its room, and after lastId exactly those after it', async () => {
      const chat = await startChat({ rooms: ['games'] });
      const alice = await chat.login('alice');
      await alice.emitWithAck('join', 'games');
      await alice.emitWithAck('chat', { m: 'one', room: 'games' });
      await alice.emitWithAck('chat', 'lobby line');
      await alice.emitWithAck('chat', { m: 'two', room: 'games' });
      const bob = await chat.login('bob');
      const [history] = await Promise.all([nextEvent(bob, 'history'), bob.emitWithAck('join', 'games')]);
      expect(history).toEqual([[line('alice', 'one', 1, 'games'), line('alice', 'two', 3, 'games')], { room: 'games' }]);
      const carol = await chat.login('carol');
      const [after] = await Promise.all([nextEvent(carol, 'history'), carol.emitWithAck('join', { room: 'games', lastId: 1 })]);
      expect(after).toEqual([[line('alice', 'two', 3, 'games')], { room: 'games' }]);
    });

    it('is idempotent: a second join acks again without a second enter', async () => {
      const chat = await startChat({ rooms: ['games'] });
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      await alice.emitWithAck('join', 'games');
      await bob.emitWithAck('join', 'games');
      await settle();
      const aliceEvents = recordEvents(alice);
      expect(await bob.emitWithAck('join', 'games')).toEqual({ ok: true, room: 'games', users: ['alice', 'bob'] });
      await settle();
      expect(aliceEvents).toEqual([]);
    });
  });

  describe('refused', () => {
    it.each([
      ['an unknown room', 'nowhere', refused('UNKNOWN_ROOM', 'There is no such room')],
      ['an empty name (the default room is always joined)', '', refused('INVALID_ROOM', 'Choose a room name')],
      ['a number', 42, refused('INVALID_ROOM', 'A room name must be text')],
      ['a zero-width character', 'ga\u200bmes', refused('INVALID_ROOM', 'A room name cannot hold invisible or control characters')],
      ['an over-long name', 'x'.repeat(33), refused('INVALID_ROOM', 'A room name can be at most 32 characters')],
      ['an object without room', {}, refused('INVALID_ROOM', 'A room name must be text')],
    ])('acks an error for %s', async (_label, room, expected) => {
      const chat = await startChat({ rooms: ['games'] });
      const alice = await chat.login('alice');
      expect(await emitAnyWithAck(alice, 'join', room)).toEqual(expected);
    });

    it('acks NOT_LOGGED_IN before login', async () => {
      const chat = await startChat({ rooms: ['games'] });
      const lurker = await chat.connect();
      expect(await lurker.emitWithAck('join', 'games')).toEqual(refused('NOT_LOGGED_IN', 'You must first login'));
    });
  });

  describe('with allowUserRooms', () => {
    it('creates a room, which the next user finds by any case', async () => {
      const chat = await startChat({ allowUserRooms: true });
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      expect(await alice.emitWithAck('join', 'Knitting')).toEqual({ ok: true, room: 'Knitting', users: ['alice'] });
      expect(await bob.emitWithAck('join', 'knitting')).toEqual({ ok: true, room: 'Knitting', users: ['alice', 'bob'] });
    });

    it('acks TOO_MANY_ROOMS past maxRooms (the host’s rooms count)', async () => {
      const chat = await startChat({ rooms: ['games'], allowUserRooms: true, maxRooms: 2 });
      const alice = await chat.login('alice');
      expect(await alice.emitWithAck('join', 'one')).toMatchObject({ ok: true });
      expect(await alice.emitWithAck('join', 'two')).toEqual(refused('TOO_MANY_ROOMS', 'No more rooms can be created'));
      expect(await alice.emitWithAck('join', 'games')).toMatchObject({ ok: true });
    });
  });
});

describe('chat in a room', () => {
  it('stores the message in the room and broadcasts it with room to the room only', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    await alice.emitWithAck('join', 'games');
    await bob.emitWithAck('join', 'games');
    const lobby = await chat.login('carol');
    const [bobEvents, lobbyEvents] = [recordEvents(bob), recordEvents(lobby)];
    expect(await alice.emitWithAck('chat', { m: 'gg', room: 'games' })).toEqual({ ok: true, id: 1 });
    await settle();
    expect(bobEvents).toEqual([['chat', line('alice', 'gg', 1, 'games')]]);
    expect(lobbyEvents).toEqual([]);
    expect(await lobby.emitWithAck('history', {})).toEqual({ ok: true, messages: [] });
    expect(await bob.emitWithAck('history', { room: 'games' })).toEqual({ ok: true, messages: [line('alice', 'gg', 1, 'games')] });
  });

  it('keeps the default room’s payloads free of room ({ m, room: "" } is the default room)', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    const [[received]] = await Promise.all([nextEvent(alice, 'chat'), alice.emitWithAck('chat', { m: 'hi', room: '' })]);
    expect(received).toEqual(line('alice', 'hi', 1));
  });

  it.each([
    ['a room not joined', 'games', refused('NOT_IN_ROOM', 'Join that room first')],
    ['an unknown room', 'nowhere', refused('UNKNOWN_ROOM', 'There is no such room')],
    ['a room that is not text', ['games'], refused('INVALID_ROOM', 'A room name must be text')],
  ])('acks an error for %s and stores nothing', async (_label, room, expected) => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    expect(await emitAnyWithAck(alice, 'chat', { m: 'hi', room })).toEqual(expected);
    expect(await emitAnyWithAck(alice, 'history', { room })).toEqual(expected);
    expect(await alice.emitWithAck('history', {})).toEqual({ ok: true, messages: [] });
  });
});

describe('leave', () => {
  it('acks { ok, room }, tells the others exit with { room } and stops the room’s events', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    await alice.emitWithAck('join', 'games');
    await bob.emitWithAck('join', 'games');
    await settle();
    const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
    expect(await bob.emitWithAck('leave', 'GAMES')).toEqual({ ok: true, room: 'games' });
    await alice.emitWithAck('chat', { m: 'still here?', room: 'games' });
    await settle();
    expect(aliceEvents).toEqual([['exit', 'bob', { room: 'games' }], ['chat', line('alice', 'still here?', 1, 'games')]]);
    expect(bobEvents).toEqual([]);
    expect(await bob.emitWithAck('chat', { m: 'hi', room: 'games' })).toEqual(refused('NOT_IN_ROOM', 'Join that room first'));
  });

  it('acks NOT_IN_ROOM for a room not joined', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    expect(await alice.emitWithAck('leave', 'games')).toEqual(refused('NOT_IN_ROOM', 'Join that room first'));
  });
});

describe('rename and disconnect', () => {
  it('a rename is exit(old) then enter(new) in the default room, then in each joined room', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    await alice.emitWithAck('join', 'games');
    await bob.emitWithAck('join', 'games');
    await settle();
    const bobEvents = recordEvents(bob);
    await alice.emitWithAck('login', 'alicia');
    await settle();
    expect(bobEvents).toEqual([
      ['exit', 'alice'],
      ['enter', 'alicia'],
      ['exit', 'alice', { room: 'games' }],
      ['enter', 'alicia', { room: 'games' }],
    ]);
    expect(await bob.emitWithAck('join', 'games')).toEqual({ ok: true, room: 'games', users: ['bob', 'alicia'] });
  });

  it('a disconnect exits every joined room, then the default room', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    await alice.emitWithAck('join', 'games');
    await bob.emitWithAck('join', 'games');
    await settle();
    const bobEvents = recordEvents(bob);
    alice.disconnect();
    await settle(200);
    expect(bobEvents).toEqual([['exit', 'alice', { room: 'games' }], ['exit', 'alice']]);
  });
});

describe('typing', () => {
  it('relays typing to the room’s others, with room outside the default room, at most once a second', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    await alice.emitWithAck('join', 'games');
    await bob.emitWithAck('join', 'games');
    await settle();
    const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
    alice.emit('typing');
    alice.emit('typing');
    alice.emit('typing', { room: 'games' });
    alice.emit('typing', { room: 'games' });
    await settle(200);
    expect(bobEvents).toEqual([['typing', 'alice'], ['typing', 'alice', { room: 'games' }]]);
    expect(aliceEvents).toEqual([]);
  });

  it('is dropped silently before login, for a room not joined, and for junk', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const lurker = await chat.connect();
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
    lurker.emit('typing');
    alice.emit('typing', { room: 'games' });
    (alice.emit as (event: string, ...args: unknown[]) => void)('typing', { room: 7 });
    await settle(200);
    expect(bobEvents).toEqual([]);
    expect(aliceEvents).toEqual([]);
  });
});

describe('typing after a message', () => {
  it('relays the next typing at once after the typist’s message, however soon', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const bobEvents = recordEvents(bob);
    alice.emit('typing');
    await alice.emitWithAck('chat', 'done');
    alice.emit('typing');
    await settle(200);
    expect(bobEvents).toEqual([['typing', 'alice'], ['chat', line('alice', 'done', 1)], ['typing', 'alice']]);
  });
});
