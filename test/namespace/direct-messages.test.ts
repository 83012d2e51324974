/** Direct messages: `chat({ m, to })` between signed-in users, in a conversation room only the two can read; `block`. */
import { directRoom } from '../../lib/protocol/direct-room';
import { closeAll, emitAnyWithAck, recordEvents, settle } from '../helpers/chat-server';
import { signedIn, startSignedInChat } from '../helpers/moderated-chat';

afterEach(closeAll);

const chatsOf = (events: Array<[string, ...unknown[]]>) => events.filter(([name]) => name === 'chat').map(([, line]) => line);

describe('direct messages', () => {
  it('delivers chat({ m, to }) to both users’ every tab, and to no one else; only they read its history', async () => {
    const chat = await startSignedInChat();
    const ann = await signedIn(chat, 'Ann');
    const annTab = await signedIn(chat, 'Ann');
    const bob = await signedIn(chat, 'Bob');
    const carol = await signedIn(chat, 'Carol');
    const guest = await chat.login('guest');
    const recorded = [ann, annTab, bob, carol, guest].map(recordEvents);
    const ack = await emitAnyWithAck(ann, 'chat', { m: 'psst', to: 'bob' });
    expect(ack).toEqual({ ok: true, id: expect.any(Number) as number });
    const id = (ack as { id: number }).id;
    await settle();
    const room = directRoom('ann', 'bob');
    const line = { u: 'Ann', m: 'psst', id, ts: expect.any(Number) as number, room };
    expect(recorded.map(chatsOf)).toEqual([[line], [line], [line], [], []]);
    // Bob answers in the room; history is theirs alone.
    expect(await bob.emitWithAck('chat', { m: 'yes?', room })).toMatchObject({ ok: true });
    expect(await annTab.emitWithAck('history', { room })).toMatchObject({ ok: true, messages: [{ m: 'psst' }, { m: 'yes?' }] });
    for (const outsider of [carol, guest]) {
      expect(await outsider.emitWithAck('history', { room })).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
      expect(await outsider.emitWithAck('chat', { m: 'me too', room })).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
      expect(await outsider.emitWithAck('react', { id, emoji: '👀' })).toMatchObject({ ok: false, error: { code: 'MESSAGE_NOT_FOUND' } });
      expect(await outsider.emitWithAck('search', { q: 'psst', room })).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
    }
    expect(await bob.emitWithAck('search', { q: 'psst', room })).toMatchObject({ ok: true, results: [{ id, room }] });
  });

  it('sends edits and reactions of a conversation to its two users only', async () => {
    const chat = await startSignedInChat();
    const ann = await signedIn(chat, 'Ann');
    const bob = await signedIn(chat, 'Bob');
    const carol = await signedIn(chat, 'Carol');
    const sent = (await emitAnyWithAck(ann, 'chat', { m: 'helo', to: 'Bob' })) as { id: number };
    await settle();
    const recorded = [ann, bob, carol].map(recordEvents);
    expect(await ann.emitWithAck('edit', { id: sent.id, m: 'hello' })).toMatchObject({ ok: true });
    expect(await bob.emitWithAck('react', { id: sent.id, emoji: '👋' })).toMatchObject({ ok: true });
    await settle();
    expect(recorded.map((events) => events.map(([name]) => name))).toEqual([['edit', 'reactions'], ['edit', 'reactions'], []]);
  });

  it('sends a delete in a conversation (which names it) to its two users only, from the author or the host', async () => {
    const chat = await startSignedInChat();
    const ann = await signedIn(chat, 'Ann');
    const bob = await signedIn(chat, 'Bob');
    const carol = await signedIn(chat, 'Carol');
    const guest = await chat.login('guest');
    const first = (await emitAnyWithAck(ann, 'chat', { m: 'oops', to: 'Bob' })) as { id: number };
    const second = (await emitAnyWithAck(ann, 'chat', { m: 'rude', to: 'Bob' })) as { id: number };
    await settle();
    const recorded = [ann, bob, carol, guest].map(recordEvents);
    expect(await ann.emitWithAck('delete', { id: first.id })).toEqual({ ok: true });
    expect(await chat.chat.deleteMessage(second.id)).toBe(true);
    await settle();
    const room = directRoom('ann', 'bob');
    const both = [
      ['delete', { id: first.id, rev: 1, room }],
      ['delete', { id: second.id, rev: 2, room }],
    ];
    expect(recorded).toEqual([both, both, [], []]);
  });

  it('refuses guests (UNAUTHORIZED), everyone when allowDirectMessages is false (FORBIDDEN), and bad names (INVALID_NICK)', async () => {
    const chat = await startSignedInChat();
    const guest = await chat.login('guest');
    expect(await emitAnyWithAck(guest, 'chat', { m: 'hi', to: 'Bob' })).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'Sign in to send direct messages' },
    });
    const ann = await signedIn(chat, 'Ann');
    expect(await emitAnyWithAck(ann, 'chat', { m: 'hi', to: '\u202eevil' })).toMatchObject({ ok: false, error: { code: 'INVALID_NICK' } });
    expect(await emitAnyWithAck(ann, 'chat', { m: 'hi', to: 'Bob', room: 'games' })).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(await emitAnyWithAck(ann, 'chat', { m: 'hi', to: 42 })).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    const off = await startSignedInChat({ allowDirectMessages: false });
    const dan = await signedIn(off, 'Dan');
    expect(await emitAnyWithAck(dan, 'chat', { m: 'hi', to: 'Eve' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await dan.emitWithAck('history', { room: directRoom('dan', 'eve') })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('lets a user block and unblock another: BLOCKED while blocked, only in that direction', async () => {
    const chat = await startSignedInChat();
    const ann = await signedIn(chat, 'Ann');
    const bob = await signedIn(chat, 'Bob');
    expect(await bob.emitWithAck('block', { nick: 'ann' })).toEqual({ ok: true, nick: 'ann', blocked: true });
    const bobEvents = recordEvents(bob);
    expect(await emitAnyWithAck(ann, 'chat', { m: 'hello?', to: 'Bob' })).toEqual({
      ok: false,
      error: { code: 'BLOCKED', message: 'That user does not accept your direct messages' },
    });
    expect(await emitAnyWithAck(bob, 'chat', { m: 'I can still write', to: 'Ann' })).toMatchObject({ ok: true });
    expect(await emitAnyWithAck(ann, 'chat', { m: 'in the room', room: directRoom('ann', 'bob') })).toMatchObject({ ok: false, error: { code: 'BLOCKED' } });
    expect(await bob.emitWithAck('block', { nick: 'Ann', blocked: false })).toEqual({ ok: true, nick: 'Ann', blocked: false });
    expect(await emitAnyWithAck(ann, 'chat', { m: 'hello again', to: 'Bob' })).toMatchObject({ ok: true });
    await settle();
    expect(chatsOf(bobEvents)).toMatchObject([{ m: 'I can still write' }, { m: 'hello again' }]);
  });

  it('refuses block from guests and malformed block requests', async () => {
    const chat = await startSignedInChat();
    const guest = await chat.login('guest');
    expect(await guest.emitWithAck('block', { nick: 'Ann' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const ann = await signedIn(chat, 'Ann');
    for (const payload of [null, 'Bob', {}, { nick: '' }, { nick: 5 }, { nick: 'Bob', blocked: 'yes' }]) {
      expect(await emitAnyWithAck(ann, 'block', payload)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    }
  });

  it('keeps chosen room names off the conversation namespace', async () => {
    const chat = await startSignedInChat({ allowUserRooms: true });
    const ann = await signedIn(chat, 'Ann');
    expect(await ann.emitWithAck('join', directRoom('ann', 'bob'))).toMatchObject({ ok: false, error: { code: 'INVALID_ROOM' } });
    expect(await ann.emitWithAck('join', '@anything')).toMatchObject({ ok: false, error: { code: 'INVALID_ROOM' } });
  });
});
