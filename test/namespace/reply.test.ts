/** `chat({ m, replyTo })`: a reply carries `replyTo: { id, u, m }`, an excerpt taken at send time. */
import { closeAll, emitAnyWithAck, recordEvents, settle, startChat, type TestSocket } from '../helpers/chat-server';

afterEach(closeAll);

async function send(socket: TestSocket, request: Parameters<TestSocket['emitWithAck']>[1]): Promise<number> {
  const ack = (await emitAnyWithAck(socket, 'chat', request)) as { ok: boolean; id: number; error?: { code: string } };
  if (!ack.ok) throw new Error(`not sent: ${ack.error?.code}`);
  return ack.id;
}

describe('reply', () => {
  it('delivers replyTo { id, u, m } to everyone and keeps it in history', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const question = await send(alice, 'who is there?');
    await settle();
    const events = recordEvents(alice);
    const answer = await send(bob, { m: 'me', replyTo: question });
    await settle();
    const replyTo = { id: question, u: 'alice', m: 'who is there?' };
    expect(events).toEqual([['chat', { u: 'bob', m: 'me', id: answer, ts: expect.any(Number) as number, replyTo }]]);
    expect(await alice.emitWithAck('history', {})).toMatchObject({ ok: true, messages: [{ id: question }, { id: answer, replyTo }] });
  });

  it('quotes at most 120 code points, ending in …', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const long = '🎉'.repeat(200);
    const question = await send(alice, long);
    const answer = await send(alice, { m: 'yes', replyTo: question });
    const ack = await alice.emitWithAck('history', {});
    if (!ack.ok) throw new Error('no history');
    const quote = ack.messages.find((message) => message.id === answer)?.replyTo;
    expect(quote).toEqual({ id: question, u: 'alice', m: `${'🎉'.repeat(119)}…` });
  });

  it('says { id, deleted: true } once the original is deleted', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const question = await send(alice, 'oops');
    await send(alice, { m: 'answer', replyTo: question });
    expect(await alice.emitWithAck('delete', { id: question })).toEqual({ ok: true });
    expect(await alice.emitWithAck('history', {})).toMatchObject({ ok: true, messages: [{ m: 'answer', replyTo: { id: question, deleted: true } }] });
  });

  it('refuses MESSAGE_NOT_FOUND for a reply to a missing message or one in another room', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    await alice.emitWithAck('join', 'games');
    const inGames = await send(alice, { m: 'in games', room: 'games' });
    expect(await emitAnyWithAck(alice, 'chat', { m: 'x', replyTo: 999 })).toMatchObject({ ok: false, error: { code: 'MESSAGE_NOT_FOUND' } });
    expect(await emitAnyWithAck(alice, 'chat', { m: 'x', replyTo: inGames })).toMatchObject({ ok: false, error: { code: 'MESSAGE_NOT_FOUND' } });
    expect(await alice.emitWithAck('history', {})).toEqual({ ok: true, messages: [] });
  });

  it.each([['1'], [-1], [1.5], [null], [{ id: 1 }]])('refuses replyTo %p as INVALID_MESSAGE', async (replyTo) => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    expect(await emitAnyWithAck(alice, 'chat', { m: 'x', replyTo })).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
  });
});
