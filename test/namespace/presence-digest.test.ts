import { PRESENCE_PAGE_SIZE } from '../../lib/protocol/payloads';
import { closeRawClients, recordedClient } from '../helpers/raw-socket';
import { closeAll, emitAnyWithAck, NO_LIMITS, nextEvent, recordEvents, settle, startChat, type TestChat } from '../helpers/chat-server';

afterEach(async () => {
  closeRawClients();
  await closeAll();
});

const DIGEST = { presence: 'digest' } as const;

/** `count` users logged in through their handshake, plain clients, in order. */
async function crowd(chat: TestChat, count: number, prefix = 'user'): Promise<void> {
  for (let i = 0; i < count; i++) await chat.connect({ auth: { nick: `${prefix}${i}` } });
}

describe('presence digest', () => {
  it('gives a digest client a snapshot with the first page and the count on login, never `users`', async () => {
    const chat = await startChat(NO_LIMITS);
    await crowd(chat, PRESENCE_PAGE_SIZE + 5);
    const socket = await chat.connect({ auth: DIGEST });
    const events = recordEvents(socket);
    const ack = await socket.emitWithAck('login', 'zed');
    await settle(50);
    const names = Array.from({ length: PRESENCE_PAGE_SIZE }, (_, i) => `user${i}`);
    expect(ack).toEqual({ ok: true, nick: 'zed', users: names, count: PRESENCE_PAGE_SIZE + 6, next: expect.any(String) });
    expect(events).toEqual([['presence', { count: PRESENCE_PAGE_SIZE + 6, names, next: expect.any(String) }]]);
  });

  it('gives a reader (no nickname yet) a snapshot on connect', async () => {
    const chat = await startChat(NO_LIMITS);
    await crowd(chat, 2);
    const { socket, events } = recordedClient(chat, { auth: DIGEST });
    socket.connect();
    await nextEvent(socket, 'presence');
    expect(events.map(([name]) => name)).toEqual(['history', 'session', 'presence']);
    expect(events[2]).toEqual(['presence', { count: 2, names: ['user0', 'user1'] }]);
    const again = await emitAnyWithAck(socket, 'people', {});
    expect(again).toEqual({ ok: true, names: ['user0', 'user1'], count: 2 });
  });

  it('pages through everyone with `people`, in arrival order', async () => {
    const chat = await startChat(NO_LIMITS);
    await crowd(chat, 7);
    const socket = await chat.connect({ auth: { ...DIGEST, nick: 'me' } });
    const first = await socket.emitWithAck('people', { limit: 3 });
    expect(first).toEqual({ ok: true, names: ['user0', 'user1', 'user2'], count: 8, next: expect.any(String) });
    const seen = first.ok ? [...first.names] : [];
    let next = first.ok ? first.next : undefined;
    while (next !== undefined) {
      const page = await socket.emitWithAck('people', { after: next, limit: 3 });
      if (!page.ok) throw new Error(page.error.code);
      seen.push(...page.names);
      next = page.next;
    }
    expect(seen).toEqual(['user0', 'user1', 'user2', 'user3', 'user4', 'user5', 'user6', 'me']);
  });

  it('coalesces presence changes into one `presence` per window, and sends no enter/exit', async () => {
    const chat = await startChat({ ...NO_LIMITS, presenceWindowMs: 200 });
    const watcher = await chat.connect({ auth: { ...DIGEST, nick: 'watcher' } });
    const leaver = await chat.login('leaver');
    await settle(250);
    const events = recordEvents(watcher);
    await crowd(chat, 3);
    leaver.disconnect();
    // Came and went within the window: named in `left` only, for whoever saw them in a snapshot meanwhile.
    const ghost = await chat.login('ghost');
    ghost.disconnect();
    await settle(400);
    expect(events).toEqual([['presence', { count: 4, entered: ['user0', 'user1', 'user2'], left: ['leaver', 'ghost'] }]]);
  });

  it('sends the count alone when more changed in a window than a page holds', async () => {
    // A wide window, so that every login of the burst falls in it even on a loaded machine.
    const chat = await startChat({ ...NO_LIMITS, presenceWindowMs: 8000 });
    // Its own login opens the window (its snapshot came before `session`): the burst falls in it.
    const watcher = await chat.connect({ auth: { ...DIGEST, batch: true, nick: 'watcher' } });
    const events = recordEvents(watcher);
    const digest = nextEvent(watcher, 'presence', 12_000);
    await Promise.all(Array.from({ length: PRESENCE_PAGE_SIZE + 1 }, (_, i) => chat.connect({ auth: { nick: `n${i}`, batch: true } })));
    expect(await digest).toEqual([{ count: PRESENCE_PAGE_SIZE + 2 }]);
    expect(events.some(([name, ...args]) => name === 'enter' || (name === 'batch' && JSON.stringify(args).includes('"enter"')))).toBe(false);
  });

  it('keeps `users`, `enter` and `exit` exactly as before for clients without the flag', async () => {
    const chat = await startChat({ ...NO_LIMITS, presenceWindowMs: 50 });
    const plain = await chat.login('plain');
    const batch = await chat.connect({ auth: { batch: true, nick: 'batcher' } });
    await chat.connect({ auth: { ...DIGEST, nick: 'digester' } });
    await settle(100);
    const plainEvents = recordEvents(plain);
    const batchEvents = recordEvents(batch);
    const newcomer = await chat.connect();
    const newcomerEvents = recordEvents(newcomer);
    const ack = await newcomer.emitWithAck('login', 'bob');
    newcomer.disconnect();
    await settle(150);
    expect(ack).toEqual({ ok: true, nick: 'bob', users: ['plain', 'batcher', 'digester', 'bob'] });
    expect(newcomerEvents).toEqual([
      ['enter', 'bob'],
      ['users', ['plain', 'batcher', 'digester', 'bob']],
    ]);
    expect(plainEvents).toEqual([
      ['enter', 'bob'],
      ['exit', 'bob'],
    ]);
    const seen = batchEvents.flatMap(([name, ...args]) => (name === 'batch' ? (args[0] as unknown[][]) : [[name, ...args]]));
    expect(seen).toEqual([
      ['enter', 'bob'],
      ['exit', 'bob'],
    ]);
  });

  it('gives a digest client a snapshot of a room on join, and coalesced changes there', async () => {
    const chat = await startChat({ ...NO_LIMITS, rooms: ['games'], presenceWindowMs: 100 });
    const alice = await chat.login('alice');
    await alice.emitWithAck('join', 'games');
    const socket = await chat.connect({ auth: { ...DIGEST, nick: 'dee' } });
    await settle(150);
    const snapshot = nextEvent(socket, 'presence');
    const ack = await socket.emitWithAck('join', 'games');
    expect(ack).toEqual({ ok: true, room: 'games', users: ['alice', 'dee'], count: 2 });
    expect(await snapshot).toEqual([{ room: 'games', count: 2, names: ['alice', 'dee'] }]);
    expect(await socket.emitWithAck('people', { room: 'games' })).toEqual({ ok: true, names: ['alice', 'dee'], count: 2 });
    await settle(150);
    const events = recordEvents(socket);
    await alice.emitWithAck('leave', 'games');
    await settle(200);
    expect(events).toEqual([['presence', { room: 'games', count: 1, left: ['alice'] }]]);
  });

  it('refuses hostile `people` requests with INVALID_REQUEST or NOT_IN_ROOM, and stays up', async () => {
    const chat = await startChat({ ...NO_LIMITS, rooms: ['games'] });
    const socket = await chat.connect({ auth: { ...DIGEST, nick: 'me' } });
    const code = async (...args: unknown[]): Promise<unknown> => ((await emitAnyWithAck(socket, 'people', ...args)) as { error?: { code: string } }).error?.code;
    expect(await code('games')).toBe('INVALID_REQUEST');
    expect(await code([1])).toBe('INVALID_REQUEST');
    expect(await code({ limit: 0 })).toBe('INVALID_REQUEST');
    expect(await code({ limit: 1e9 })).toBe('INVALID_REQUEST');
    expect(await code({ limit: 2.5 })).toBe('INVALID_REQUEST');
    expect(await code({ after: 5 })).toBe('INVALID_REQUEST');
    expect(await code({ after: 'x'.repeat(1000) })).toBe('INVALID_REQUEST');
    expect(await code({ room: 'games' })).toBe('NOT_IN_ROOM');
    expect(await code({ room: 'nowhere' })).toBe('UNKNOWN_ROOM');
    expect(await code({ room: { $ne: 1 } })).toBeDefined();
    // An unreadable cursor reads from the start rather than failing.
    expect(await emitAnyWithAck(socket, 'people', { after: 'not-a-cursor' })).toEqual({ ok: true, names: ['me'], count: 1 });
    expect(await emitAnyWithAck(socket, 'people', null)).toEqual({ ok: true, names: ['me'], count: 1 });
  });

  it('counts `people` against eventRate', async () => {
    const chat = await startChat({ eventRate: { limit: 3, windowMs: 60_000 } });
    const socket = await chat.connect({ auth: DIGEST });
    const acks = [];
    for (let i = 0; i < 5; i++) acks.push(await socket.emitWithAck('people', {}));
    expect(acks.filter((ack) => !ack.ok).map((ack) => (ack.ok ? '' : ack.error.code))).toContain('RATE_LIMITED');
  });
});
