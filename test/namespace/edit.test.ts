/** The `edit` event: an author changes their own message within `editWindowMs`; the room sees `edit({ id, m, editedTs })`. */
import { closeAll, emitAnyWithAck, nextEvent, recordEvents, settle, startChat, type TestSocket } from '../helpers/chat-server';
import { signedIn, startSignedInChat } from '../helpers/moderated-chat';

afterEach(closeAll);

async function send(socket: TestSocket, text: string): Promise<number> {
  const ack = await socket.emitWithAck('chat', text);
  if (!ack.ok) throw new Error(`not sent: ${ack.error.code}`);
  return ack.id;
}

describe('edit', () => {
  it('acks { ok, id, m, editedTs }, tells the whole room edit({ id, m, editedTs }) and history returns the new text', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const id = await send(alice, 'helo');
    await settle();
    const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
    const ack = await alice.emitWithAck('edit', { id, m: 'hello' });
    await settle();
    expect(ack).toEqual({ ok: true, id, m: 'hello', editedTs: expect.any(Number) as number, rev: 1 });
    if (!ack.ok) return;
    expect(aliceEvents).toEqual([['edit', { id, m: 'hello', editedTs: ack.editedTs, rev: 1 }]]);
    expect(bobEvents).toEqual(aliceEvents);
    expect(await bob.emitWithAck('history', {})).toEqual({
      ok: true,
      messages: [{ u: 'alice', m: 'hello', id, ts: expect.any(Number) as number, editedTs: ack.editedTs }],
    });
  });

  it('lets a signed-in user edit from another tab', async () => {
    const chat = await startSignedInChat();
    const first = await signedIn(chat, 'Ann');
    const second = await signedIn(chat, 'Ann');
    const id = await send(first, 'from tab one');
    expect(await second.emitWithAck('edit', { id, m: 'from tab two' })).toMatchObject({ ok: true, m: 'from tab two' });
  });

  it('refuses NOT_AUTHOR to someone else, a moderator included, and changes nothing', async () => {
    const chat = await startSignedInChat();
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const mod = await signedIn(chat, 'Mod');
    const id = await send(alice, 'my words');
    const events = recordEvents(alice);
    for (const other of [bob, mod]) {
      expect(await other.emitWithAck('edit', { id, m: 'your words' })).toEqual({
        ok: false,
        error: { code: 'NOT_AUTHOR', message: 'Only its author can do that' },
      });
    }
    await settle();
    expect(events).toEqual([]);
    expect(await alice.emitWithAck('history', {})).toMatchObject({ ok: true, messages: [{ m: 'my words' }] });
  });

  it('refuses EDIT_WINDOW_CLOSED once editWindowMs has passed, and always with 0', async () => {
    const chat = await startChat({ editWindowMs: 150 });
    const alice = await chat.login('alice');
    const id = await send(alice, 'quick');
    expect(await alice.emitWithAck('edit', { id, m: 'in time' })).toMatchObject({ ok: true });
    await settle(250);
    expect(await alice.emitWithAck('edit', { id, m: 'too late' })).toEqual({
      ok: false,
      error: { code: 'EDIT_WINDOW_CLOSED', message: 'A message can be changed for 0 s after it is sent' },
    });
    const never = await startChat({ editWindowMs: 0 });
    const bob = await never.login('bob');
    await settle(5);
    const other = await send(bob, 'final');
    await settle(5);
    expect(await bob.emitWithAck('edit', { id: other, m: 'no' })).toMatchObject({ ok: false, error: { code: 'EDIT_WINDOW_CLOSED' } });
  });

  it('refuses MESSAGE_NOT_FOUND for a missing, deleted or unreadable message', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    expect(await alice.emitWithAck('edit', { id: 999, m: 'x' })).toMatchObject({ ok: false, error: { code: 'MESSAGE_NOT_FOUND' } });
    await alice.emitWithAck('join', 'games');
    const inRoom = await alice.emitWithAck('chat', { m: 'in games', room: 'games' });
    if (!inRoom.ok) throw new Error('not sent');
    await alice.emitWithAck('leave', 'games');
    expect(await alice.emitWithAck('edit', { id: inRoom.id, m: 'x' })).toMatchObject({ ok: false, error: { code: 'MESSAGE_NOT_FOUND' } });
  });

  it('runs the new text through the rules of chat and the onMessage hook', async () => {
    const chat = await startChat({ maxMessageLength: 10, onMessage: (msg) => (msg.m.includes('spam') ? false : msg.m.replace('darn', '****')) });
    const alice = await chat.login('alice');
    const id = await send(alice, 'hi');
    expect(await alice.emitWithAck('edit', { id, m: '   ' })).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(await alice.emitWithAck('edit', { id, m: 'x'.repeat(11) })).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(await alice.emitWithAck('edit', { id, m: 'bad\u0007' })).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(await alice.emitWithAck('edit', { id, m: 'spam' })).toMatchObject({ ok: false, error: { code: 'MESSAGE_REJECTED' } });
    expect(await alice.emitWithAck('edit', { id, m: 'oh darn' })).toMatchObject({ ok: true, m: 'oh ****' });
  });

  it('refuses NOT_LOGGED_IN before login', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const id = await send(alice, 'hi');
    const lurker = await chat.connect();
    expect(await lurker.emitWithAck('edit', { id, m: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
  });

  it.each([[undefined], [null], ['text'], [[1]], [{}], [{ id: 1 }], [{ m: 'x' }], [{ id: -1, m: 'x' }], [{ id: '1', m: 'x' }], [{ id: 1.5, m: 'x' }], [{ id: 1, m: 5 }]])(
    'refuses a malformed edit(%p) without crashing',
    async (payload) => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      await send(alice, 'hi');
      const ack = (await emitAnyWithAck(alice, 'edit', payload)) as { ok: boolean; error: { code: string } };
      expect(ack.ok).toBe(false);
      expect(['INVALID_REQUEST', 'INVALID_MESSAGE']).toContain(ack.error.code);
    },
  );

  it('answers a client without an ack with a SYSTEM line', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const line = nextEvent(alice, 'chat');
    (alice.emit as (event: string, ...args: unknown[]) => void)('edit', { id: 42, m: 'x' });
    expect((await line)[0]).toEqual({ u: 'SYSTEM', m: 'There is no such message' });
  });
});
