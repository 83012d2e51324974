/** Moderation: moderators' delete/mute/kick events, the host API and the onMessage hook. */
import { io as connectClient } from 'socket.io-client';
import { closeAll, nextEvent, recordEvents, settle, startChat, type TestSocket } from '../helpers/chat-server';
import { signedIn, startModeratedChat } from '../helpers/moderated-chat';

afterEach(closeAll);


describe('delete', () => {
  it('removes a message from every page and from history when a moderator asks', async () => {
    const chat = await startModeratedChat();
    const mod = await signedIn(chat, 'Mod');
    const alice = await chat.login('alice');
    const ack = await alice.emitWithAck('chat', 'rude');
    if (!ack.ok) throw new Error('not sent');
    const aliceEvents = recordEvents(alice);
    expect(await mod.emitWithAck('delete', { id: ack.id })).toEqual({ ok: true });
    await settle();
    expect(aliceEvents).toEqual([['delete', { id: ack.id, rev: 1 }]]);
    expect(await alice.emitWithAck('history', {})).toEqual({ ok: true, messages: [] });
    mod.disconnect();
  });

  it('acks NOT_AUTHOR to a user who is neither a moderator nor the author, and deletes nothing', async () => {
    // Authors may delete their own messages for a while: see test/namespace/delete.test.ts.
    const chat = await startModeratedChat();
    const alice = await chat.login('alice');
    const ack = await alice.emitWithAck('chat', 'mine');
    if (!ack.ok) throw new Error('not sent');
    const bob = await chat.login('bob');
    expect(await bob.emitWithAck('delete', { id: ack.id })).toEqual({ ok: false, error: { code: 'NOT_AUTHOR', message: 'Only its author can do that' } });
    const signed = await signedIn(chat, 'Carol');
    expect(await signed.emitWithAck('delete', { id: ack.id })).toMatchObject({ ok: false, error: { code: 'NOT_AUTHOR' } });
    expect((await alice.emitWithAck('history', {})) as unknown).toMatchObject({ ok: true, messages: [{ m: 'mine' }] });
    signed.disconnect();
  });

  it.each([[null], [{}], [{ id: -1 }], [{ id: '1' }], ['1'], [{ id: 1.5 }]])('acks INVALID_REQUEST to delete(%p)', async (payload) => {
    const chat = await startModeratedChat();
    const mod = await signedIn(chat, 'Mod');
    expect(await (mod as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }).emitWithAck('delete', payload)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    mod.disconnect();
  });
});

describe('mute and kick', () => {
  it('mutes a nickname: its messages get MUTED with retryAfter and are not broadcast', async () => {
    const chat = await startModeratedChat();
    const mod = await signedIn(chat, 'Mod');
    const troll = await chat.login('troll');
    const bob = await chat.login('bob');
    expect(await mod.emitWithAck('mute', { nick: 'troll', seconds: 60 })).toEqual({ ok: true });
    const bobEvents = recordEvents(bob);
    expect(await troll.emitWithAck('chat', 'spam')).toMatchObject({ ok: false, error: { code: 'MUTED', retryAfter: expect.any(Number) } });
    await settle();
    expect(bobEvents).toEqual([]);
    mod.disconnect();
  });

  it('kicks a nickname: its sockets are disconnected and it cannot come back for the time', async () => {
    const chat = await startModeratedChat();
    const mod = await signedIn(chat, 'Mod');
    const troll = await signedIn(chat, 'Troll');
    const disconnected = nextEvent(troll, 'disconnect', 5000);
    expect(await mod.emitWithAck('kick', { nick: 'Troll', seconds: 60 })).toEqual({ ok: true });
    expect(await disconnected).toEqual(['io server disconnect']);
    const again: TestSocket = connectClient(`${chat.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, query: { user: 'Troll' } });
    const [error] = await nextEvent<[Error & { data?: { code: string } }]>(again, 'connect_error', 5000);
    expect(error.data?.code).toBe('FORBIDDEN');
    mod.disconnect();
  });

  it('kicks a guest by address too, so another nickname does not get it back in', async () => {
    const chat = await startModeratedChat();
    const guest: TestSocket = connectClient(`${chat.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, localAddress: '127.0.0.9' } as Parameters<typeof connectClient>[1]);
    await nextEvent(guest, 'session', 5000);
    await guest.emitWithAck('login', 'troll');
    expect(chat.chat.kick('troll', 30)).toBe(1);
    await settle(200);
    const back: TestSocket = connectClient(`${chat.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, localAddress: '127.0.0.9' } as Parameters<typeof connectClient>[1]);
    const [error] = await nextEvent<[Error & { data?: { code: string } }]>(back, 'connect_error', 5000);
    expect(error.data?.code).toBe('FORBIDDEN');
  });
});

describe('host API', () => {
  it('chat.send(text) shows a SYSTEM line to everyone', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const line = nextEvent(alice, 'chat');
    chat.chat.send('Maintenance at noon');
    expect(await line).toEqual([{ u: 'SYSTEM', m: 'Maintenance at noon' }]);
  });

  it('chat.deleteMessage(id) removes a message from history and pages', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const ack = await alice.emitWithAck('chat', 'oops');
    if (!ack.ok) throw new Error('not sent');
    const removed = nextEvent(alice, 'delete');
    expect(await chat.chat.deleteMessage(ack.id)).toBe(true);
    expect(await removed).toEqual([{ id: ack.id, rev: 1 }]);
  });

  it('chat.mute(nick) and chat.kick(nick) work on guests', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    expect(chat.chat.mute('alice', 10)).toBe(1);
    expect(await alice.emitWithAck('chat', 'hello')).toMatchObject({ ok: false, error: { code: 'MUTED' } });
  });

  it('throws a TypeError for a wrong argument', async () => {
    const chat = await startChat();
    expect(() => chat.chat.kick('', 1)).toThrow(TypeError);
    expect(() => chat.chat.mute('a', 0)).toThrow(TypeError);
    await expect(chat.chat.deleteMessage(-1)).rejects.toThrow(TypeError);
  });
});

describe('onMessage(msg, ctx)', () => {
  it('rejects a message with MESSAGE_REJECTED when the hook returns false, and nothing is broadcast', async () => {
    const chat = await startChat({ onMessage: (msg) => !msg.m.includes('badword') });
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const bobEvents = recordEvents(bob);
    expect(await alice.emitWithAck('chat', 'a badword')).toEqual({ ok: false, error: { code: 'MESSAGE_REJECTED', message: 'That message was not accepted' } });
    await settle();
    expect(bobEvents).toEqual([]);
  });

  it('rewrites a message when the hook returns a string, and passes who sent it', async () => {
    const seen: unknown[] = [];
    const chat = await startChat({
      onMessage: async (msg, ctx) => {
        seen.push(ctx);
        await settle(1);
        return msg.m.replace(/darn/g, '****');
      },
    });
    const alice = await chat.login('alice');
    const line = nextEvent(alice, 'chat');
    await alice.emitWithAck('chat', 'darn it');
    expect(await line).toEqual([{ u: 'alice', m: '**** it', id: 1, ts: expect.any(Number) }]);
    expect(seen).toEqual([{ nick: 'alice', userId: undefined, admin: false, address: '127.0.0.1' }]);
  });

  it('turns a hook that throws into INTERNAL_ERROR and a log line', async () => {
    const chat = await startChat({
      onMessage: () => {
        throw new Error('hook bug');
      },
    });
    const alice = await chat.login('alice');
    expect(await alice.emitWithAck('chat', 'x')).toEqual({ ok: false, error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on the server' } });
  });
});
