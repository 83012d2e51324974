/**
 * Replaying what changed while a page was away: `rev` on `edit`, `reactions` and `delete`, the
 * room's `rev` in `history`'s meta and the join ack, and `auth.lastRev` / `join({ lastRev })`.
 */
import { MemoryStore } from 'express-chatterbox';
import { closeAll, nextEvent, settle, startChat, NO_LIMITS, type TestChat, type TestSocket } from '../helpers/chat-server';
import { closeRawClients, recordedClient } from '../helpers/raw-socket';

afterEach(closeAll);
afterEach(closeRawClients);

async function send(socket: TestSocket, m: string, room?: string): Promise<number> {
  const ack = await socket.emitWithAck('chat', room === undefined ? { m } : { m, room });
  if (!ack.ok) throw new Error(`not sent: ${ack.error.code}`);
  return ack.id;
}

/** Connects with `auth`, recording from the first event; resolves with them once `session` came. */
async function reconnect(chat: TestChat, auth: Record<string, unknown>): Promise<{ socket: TestSocket; events: Array<[string, ...unknown[]]> }> {
  const client = recordedClient(chat, { auth });
  client.socket.connect();
  await nextEvent(client.socket, 'session');
  await settle(50);
  return client;
}

describe('change numbers (rev)', () => {
  it('stamps every live edit, reactions and delete with an increasing rev, and history meta with the room’s latest', async () => {
    const chat = await startChat({ ...NO_LIMITS });
    const alice = await chat.login('alice');
    const id = await send(alice, 'helo');
    const events: unknown[] = [];
    alice.on('edit', (notice) => events.push(notice));
    alice.on('reactions', (notice) => events.push(notice));
    alice.on('delete', (notice) => events.push(notice));
    const edit = await alice.emitWithAck('edit', { id, m: 'hello' });
    await alice.emitWithAck('react', { id, emoji: '👍' });
    await alice.emitWithAck('delete', { id });
    await settle();
    expect(edit).toMatchObject({ ok: true, rev: 1 });
    expect(events).toEqual([
      { id, m: 'hello', editedTs: expect.any(Number) as number, rev: 1 },
      { id, counts: { '👍': 1 }, rev: 2 },
      { id, rev: 3 },
    ]);
    const { events: welcome } = await reconnect(chat, {});
    expect(welcome[0]).toEqual(['history', [], { rev: 3 }]);
  });

  it('carries the room in a room’s changes, and its rev in the join ack and history meta', async () => {
    const chat = await startChat({ ...NO_LIMITS, rooms: ['games'] });
    const alice = await chat.login('alice');
    await alice.emitWithAck('join', 'games');
    const id = await send(alice, 'gg', 'games');
    const [notice] = await Promise.all([nextEvent(alice, 'reactions'), alice.emitWithAck('react', { id, emoji: '🎉' })]);
    expect(notice).toEqual([{ id, counts: { '🎉': 1 }, rev: 1, room: 'games' }]);
    const bob = await chat.login('bob');
    const [history, ack] = await Promise.all([nextEvent(bob, 'history'), bob.emitWithAck('join', 'games')]);
    expect(history[1]).toEqual({ room: 'games', rev: 1 });
    expect(ack).toMatchObject({ ok: true, room: 'games', rev: 1 });
  });
});

describe('replay on reconnect (auth.lastRev, join({ lastId, lastRev }))', () => {
  it('sends, after history, the latest state of each held message changed after lastRev, once, in rev order', async () => {
    const store = new MemoryStore();
    const chat = await startChat({ ...NO_LIMITS, history: store });
    const alice = await chat.login('alice');
    const [one, two, three] = [await send(alice, 'one'), await send(alice, 'two'), await send(alice, 'three')];
    await alice.emitWithAck('edit', { id: one, m: 'one, first edit' });
    const seen = 1;
    // While the page is away: another edit of one, a reaction on two, three deleted, and a new line.
    await alice.emitWithAck('react', { id: two, emoji: '👍' });
    await alice.emitWithAck('edit', { id: one, m: 'one, second edit' });
    await alice.emitWithAck('delete', { id: three });
    const four = await send(alice, 'four');
    const { events } = await reconnect(chat, { lastId: three, lastRev: seen });
    const history = events.filter(([name]) => ['history', 'edit', 'reactions', 'delete'].includes(name));
    expect(history).toEqual([
      ['history', [{ u: 'alice', m: 'four', id: four, ts: expect.any(Number) as number }], { rev: 4 }],
      ['reactions', { id: two, counts: { '👍': 1 }, rev: 2 }],
      ['edit', { id: one, m: 'one, second edit', editedTs: expect.any(Number) as number, rev: 3 }],
      ['delete', { id: three, rev: 4 }],
    ]);
  });

  it('replays nothing without lastId, when lastRev is current, or when lastRev is not a number', async () => {
    const chat = await startChat({ ...NO_LIMITS });
    const alice = await chat.login('alice');
    const id = await send(alice, 'one');
    await alice.emitWithAck('edit', { id, m: 'edited' });
    for (const auth of [{ lastRev: 0 }, { lastId: id, lastRev: 1 }, { lastId: id, lastRev: 'x' }, { lastId: id, lastRev: -1 }, { lastId: id, lastRev: 0.5 }]) {
      const { events } = await reconnect(chat, auth);
      expect(events.filter(([name]) => name === 'edit')).toEqual([]);
    }
  });

  it('says changesTruncated when more messages changed than reconnectLimit, and sends the latest of them', async () => {
    const store = new MemoryStore();
    const ids: number[] = [];
    for (let i = 0; i < 502; i++) {
      const { message } = await store.append({ room: '', u: 'alice', m: `line ${i}`, ts: 1_700_000_000_000 + i });
      await store.react(message.id, 'bob', '👍', 20);
      ids.push(message.id);
    }
    const chat = await startChat({ ...NO_LIMITS, history: store, reconnectLimit: 500 });
    const { events } = await reconnect(chat, { lastId: ids[501], lastRev: 0 });
    expect(events[0]).toEqual(['history', [], { rev: 502, changesTruncated: true }]);
    const replayed = events.filter(([name]) => name === 'reactions').map(([, notice]) => (notice as { id: number }).id);
    expect(replayed).toEqual(ids.slice(2));
  });

  it('replays a room’s changes after its history on join({ room, lastId, lastRev })', async () => {
    const chat = await startChat({ ...NO_LIMITS, rooms: ['games'] });
    const alice = await chat.login('alice');
    await alice.emitWithAck('join', 'games');
    const id = await send(alice, 'gg', 'games');
    await alice.emitWithAck('edit', { id, m: 'good game' });
    const bob = await chat.login('bob');
    const events: Array<[string, ...unknown[]]> = [];
    bob.onAny((name: string, ...args: unknown[]) => events.push([name, ...args]));
    const ack = await bob.emitWithAck('join', { room: 'games', lastId: id, lastRev: 0 });
    expect(ack).toMatchObject({ ok: true, rev: 1 });
    expect(events.slice(0, 2)).toEqual([
      ['history', [], { room: 'games', rev: 1 }],
      ['edit', { id, m: 'good game', editedTs: expect.any(Number) as number, rev: 1, room: 'games' }],
    ]);
  });

  it('loses nothing and harms nothing when a change lands during the welcome (held, then applied after the replay)', async () => {
    const chat = await startChat({ ...NO_LIMITS });
    const alice = await chat.login('alice');
    const id = await send(alice, 'one');
    await alice.emitWithAck('react', { id, emoji: '👍' });
    // Reconnect and react again at once: the live event is either in the replay's read or held.
    const client = recordedClient(chat, { auth: { lastId: id, lastRev: 0 } });
    client.socket.connect();
    await alice.emitWithAck('react', { id, emoji: '🎉' });
    await nextEvent(client.socket, 'session');
    await settle();
    const reactions = client.events.filter(([name]) => name === 'reactions').map(([, notice]) => notice as { counts: object; rev: number });
    // Whatever arrived, the last state the page applies is the newest.
    expect(reactions.length).toBeGreaterThanOrEqual(1);
    expect(reactions[reactions.length - 1]).toEqual({ id, counts: { '👍': 1, '🎉': 1 }, rev: 2 });
    expect(client.events[0]?.[0]).toBe('history');
  });
});
