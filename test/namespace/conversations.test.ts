/** `conversations(ack)` and `read({ room, id }, ack?)`: a signed-in user's direct conversations with unread counts. */
import { directRoom } from '../../lib/protocol/direct-room';
import { closeAll, emitAnyWithAck, recordEvents, settle, type TestSocket } from '../helpers/chat-server';
import { signedIn, startSignedInChat } from '../helpers/moderated-chat';

afterEach(closeAll);

/** Sends a direct message and returns its id. */
async function dm(from: TestSocket, to: string, m: string): Promise<number> {
  const ack = (await emitAnyWithAck(from, 'chat', { m, to })) as { ok: boolean; id: number };
  expect(ack.ok).toBe(true);
  return ack.id;
}

const readsOf = (events: Array<[string, ...unknown[]]>) => events.filter(([name]) => name === 'read').map(([, notice]) => notice);

describe('conversations', () => {
  it('lists each conversation newest first with the other user, the last message and unread counts', async () => {
    const chat = await startSignedInChat();
    const ann = await signedIn(chat, 'Ann');
    const bob = await signedIn(chat, 'Bob');
    const carol = await signedIn(chat, 'Carol');
    await dm(ann, 'bob', 'hi bob');
    await dm(bob, 'ann', 'hi ann');
    const last = await dm(carol, 'ann', 'hello from carol');
    await dm(carol, 'ann', 'still there?');
    const list = await ann.emitWithAck('conversations');
    expect(list).toEqual({
      ok: true,
      conversations: [
        { room: directRoom('ann', 'carol'), with: 'Carol', lastId: last + 1, lastTs: expect.any(Number) as number, unread: 2 },
        { room: directRoom('ann', 'bob'), with: 'Bob', lastId: last - 1, lastTs: expect.any(Number) as number, unread: 1 },
      ],
    });
    // Bob wrote last in his conversation with Ann: nothing unread for him. Carol's list shows Ann
    // as Carol wrote her name until Ann writes back.
    expect(await bob.emitWithAck('conversations')).toMatchObject({ ok: true, conversations: [{ with: 'Ann', unread: 0 }] });
    expect(await carol.emitWithAck('conversations')).toMatchObject({ ok: true, conversations: [{ with: 'ann', unread: 0 }] });
    await dm(ann, 'carol', 'hi carol');
    expect(await carol.emitWithAck('conversations')).toMatchObject({ ok: true, conversations: [{ with: 'Ann', unread: 1 }] });
  });

  it('is the same on every device: a new tab of the user sees the same list', async () => {
    const chat = await startSignedInChat();
    const ann = await signedIn(chat, 'Ann');
    const bob = await signedIn(chat, 'Bob');
    await dm(ann, 'Bob', 'one');
    await dm(ann, 'Bob', 'two');
    const bobPhone = await signedIn(chat, 'Bob');
    expect(await bobPhone.emitWithAck('conversations')).toEqual(await bob.emitWithAck('conversations'));
    expect(await bobPhone.emitWithAck('conversations')).toMatchObject({ conversations: [{ with: 'Ann', unread: 2 }] });
    // Arguments before the ack are ignored, whatever they are.
    expect(await emitAnyWithAck(bobPhone, 'conversations', { limit: 1e9, user: 'ann' }, null)).toEqual(await bob.emitWithAck('conversations'));
  });

  it('refuses guests (UNAUTHORIZED) and everyone when allowDirectMessages is false (FORBIDDEN)', async () => {
    const chat = await startSignedInChat();
    const guest = await chat.login('guest');
    expect(await guest.emitWithAck('conversations')).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'Sign in to have direct conversations' },
    });
    expect(await emitAnyWithAck(guest, 'read', { room: directRoom('ann', 'guest'), id: 1 })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const off = await startSignedInChat({ allowDirectMessages: false });
    const dan = await signedIn(off, 'Dan');
    expect(await dan.emitWithAck('conversations')).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'Direct messages are off in this chat' } });
    expect(await emitAnyWithAck(dan, 'read', { room: directRoom('dan', 'eve'), id: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('read', () => {
  it('moves the marker, clears the count, and tells every tab of the user (and no one else)', async () => {
    const chat = await startSignedInChat();
    const ann = await signedIn(chat, 'Ann');
    const annTab = await signedIn(chat, 'Ann');
    const bob = await signedIn(chat, 'Bob');
    await dm(bob, 'ann', 'one');
    const id = await dm(bob, 'ann', 'two');
    await settle();
    const room = directRoom('ann', 'bob');
    const recorded = [ann, annTab, bob].map(recordEvents);
    expect(await ann.emitWithAck('read', { room, id: id - 1 })).toEqual({ ok: true, room, id: id - 1 });
    expect(await ann.emitWithAck('conversations')).toMatchObject({ conversations: [{ room, unread: 1 }] });
    expect(await ann.emitWithAck('read', { room, id })).toEqual({ ok: true, room, id });
    expect(await annTab.emitWithAck('conversations')).toMatchObject({ conversations: [{ room, unread: 0 }] });
    await settle();
    expect(recorded.map(readsOf)).toEqual([
      [{ room, id: id - 1 }, { room, id }],
      [{ room, id: id - 1 }, { room, id }],
      [],
    ]);
  });

  it('never moves backwards or past the newest message, and tells no one when nothing moved', async () => {
    const chat = await startSignedInChat();
    const ann = await signedIn(chat, 'Ann');
    const bob = await signedIn(chat, 'Bob');
    const first = await dm(bob, 'ann', 'one');
    const second = await dm(bob, 'ann', 'two');
    const room = directRoom('ann', 'bob');
    expect(await ann.emitWithAck('read', { room, id: second })).toEqual({ ok: true, room, id: second });
    await settle();
    const recorded = recordEvents(ann);
    expect(await ann.emitWithAck('read', { room, id: first })).toEqual({ ok: true, room, id: second });
    expect(await ann.emitWithAck('read', { room, id: 0 })).toEqual({ ok: true, room, id: second });
    // An id from the future cannot pre-read messages not yet sent.
    expect(await ann.emitWithAck('read', { room, id: second + 1_000_000 })).toEqual({ ok: true, room, id: second });
    const third = await dm(bob, 'ann', 'three');
    expect(await ann.emitWithAck('conversations')).toMatchObject({ conversations: [{ room, lastId: third, unread: 1 }] });
    await settle();
    expect(readsOf(recorded)).toEqual([]);
  });

  it.each([
    ['nothing', []],
    ['a string', ['@dm:ann:bob']],
    ['null', [null]],
    ['an array', [[directRoom('ann', 'bob'), 1]]],
    ['no id', [{ room: directRoom('ann', 'bob') }]],
    ['a negative id', [{ room: directRoom('ann', 'bob'), id: -1 }]],
    ['a fractional id', [{ room: directRoom('ann', 'bob'), id: 1.5 }]],
    ['a string id', [{ room: directRoom('ann', 'bob'), id: '1' }]],
    ['an unsafe id', [{ room: directRoom('ann', 'bob'), id: 2 ** 60 }]],
    ['a room that is not a string', [{ room: 7, id: 1 }]],
    ['a huge room', [{ room: `@dm:${'a'.repeat(5000)}`, id: 1 }]],
  ])('acks INVALID_REQUEST for %s', async (_label, args) => {
    const chat = await startSignedInChat();
    const ann = await signedIn(chat, 'Ann');
    expect(await emitAnyWithAck(ann, 'read', ...args)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it("refuses a room that is not a conversation, someone else's conversation, and one without messages", async () => {
    const chat = await startSignedInChat({ rooms: ['games'] });
    const ann = await signedIn(chat, 'Ann');
    const bob = await signedIn(chat, 'Bob');
    const carol = await signedIn(chat, 'Carol');
    const id = await dm(ann, 'bob', 'private');
    const recorded = [ann, bob].map(recordEvents);
    expect(await ann.emitWithAck('join', 'games')).toMatchObject({ ok: true });
    for (const room of ['', 'games', '__proto__']) {
      expect(await ann.emitWithAck('read', { room, id })).toEqual({ ok: false, error: { code: 'INVALID_REQUEST', message: 'read takes a direct conversation' } });
    }
    expect(await carol.emitWithAck('read', { room: directRoom('ann', 'bob'), id })).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
    expect(await carol.emitWithAck('read', { room: '@dm:ann:bob:carol', id })).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
    expect(await ann.emitWithAck('read', { room: directRoom('ann', 'carol'), id })).toMatchObject({ ok: false, error: { code: 'MESSAGE_NOT_FOUND' } });
    await settle();
    expect(recorded.map(readsOf)).toEqual([[], []]);
    // Bob's unread count was not touched by anyone else's read.
    expect(await bob.emitWithAck('conversations')).toMatchObject({ conversations: [{ unread: 1 }] });
  });

  it('works without an ack function', async () => {
    const chat = await startSignedInChat();
    const ann = await signedIn(chat, 'Ann');
    const bob = await signedIn(chat, 'Bob');
    const id = await dm(bob, 'ann', 'hi');
    await settle();
    const recorded = recordEvents(ann);
    ann.emit('read', { room: directRoom('ann', 'bob'), id });
    await settle();
    expect(readsOf(recorded)).toEqual([{ room: directRoom('ann', 'bob'), id }]);
  });
});
