/** The `delete` event from authors: their own message, within `editWindowMs` (moderators: see test/moderation). */
import { closeAll, recordEvents, settle, startChat, type TestSocket } from '../helpers/chat-server';

afterEach(closeAll);

async function send(socket: TestSocket, text: string, room?: string): Promise<number> {
  const ack = await socket.emitWithAck('chat', room === undefined ? text : { m: text, room });
  if (!ack.ok) throw new Error(`not sent: ${ack.error.code}`);
  return ack.id;
}

describe('delete (by the author)', () => {
  it('removes the author’s own message from history and tells every page, in every room', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    await alice.emitWithAck('join', 'games');
    const id = await send(alice, 'oops', 'games');
    await settle();
    const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
    expect(await alice.emitWithAck('delete', { id })).toEqual({ ok: true });
    await settle();
    expect(aliceEvents).toEqual([['delete', { id, rev: 1, room: 'games' }]]);
    expect(bobEvents).toEqual([['delete', { id, rev: 1, room: 'games' }]]);
    expect(await alice.emitWithAck('history', { room: 'games' })).toEqual({ ok: true, messages: [] });
  });

  it('refuses NOT_AUTHOR to another user and EDIT_WINDOW_CLOSED after the window', async () => {
    const chat = await startChat({ editWindowMs: 100 });
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const id = await send(alice, 'mine');
    expect(await bob.emitWithAck('delete', { id })).toMatchObject({ ok: false, error: { code: 'NOT_AUTHOR' } });
    await settle(200);
    expect(await alice.emitWithAck('delete', { id })).toMatchObject({ ok: false, error: { code: 'EDIT_WINDOW_CLOSED' } });
    expect(await alice.emitWithAck('history', {})).toMatchObject({ ok: true, messages: [{ id }] });
  });

  it('refuses MESSAGE_NOT_FOUND for a message that is not there, and NOT_LOGGED_IN before login', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const id = await send(alice, 'hi');
    expect(await alice.emitWithAck('delete', { id })).toEqual({ ok: true });
    expect(await alice.emitWithAck('delete', { id })).toMatchObject({ ok: false, error: { code: 'MESSAGE_NOT_FOUND' } });
    const lurker = await chat.connect();
    expect(await lurker.emitWithAck('delete', { id: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
  });
});
