import { closeAll, nextEvent, recordEvents, settle, startChat } from '../helpers/chat-server';

afterEach(closeAll);

describe('login', () => {
  it('announces the new user to everyone and sends the caller the user list', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const aliceEvents = recordEvents(alice);
    const bob = await chat.connect();
    const bobEvents = recordEvents(bob);
    const ack = await bob.emitWithAck('login', 'bob');
    await settle();
    expect(ack).toEqual({ ok: true, nick: 'bob', users: ['alice', 'bob'] });
    expect(aliceEvents).toEqual([['enter', 'bob']]);
    expect(bobEvents).toEqual([
      ['enter', 'bob'],
      ['users', ['alice', 'bob']],
    ]);
  });

  it('acks NICK_TAKEN for a case-insensitive duplicate', async () => {
    const chat = await startChat();
    await chat.login('Alice');
    const other = await chat.connect();
    const ack = await other.emitWithAck('login', 'aLiCe');
    expect(ack).toEqual({ ok: false, error: { code: 'NICK_TAKEN', message: 'The nickname aLiCe is already taken' } });
  });

  it('logs in from the handshake nickname before queued events', async () => {
    const chat = await startChat();
    const socket = await chat.connect({ auth: { nick: 'carol' } });
    const [line] = await Promise.all([nextEvent(socket, 'chat'), socket.emitWithAck('chat', 'hi')]);
    expect(line).toEqual([{ u: 'carol', m: 'hi', id: 1, ts: expect.any(Number) }]);
  });
});
