/** identify, use, allowAnonymous: the host's signed-in users in the chat, several tabs, sign-out. */
import session from 'express-session';
import express from 'express';
import request from 'supertest';
import { io as connectClient } from 'socket.io-client';
import { closeAll, nextEvent, recordEvents, settle, startChat, type TestChat, type TestSocket } from '../helpers/chat-server';

afterEach(closeAll);

declare module 'express-session' {
  interface SessionData {
    name?: string;
  }
}

const sessionMiddleware = session({ secret: 'test secret', resave: false, saveUninitialized: false });

async function startSignedInChat(options: Parameters<typeof startChat>[0] = {}): Promise<TestChat> {
  const chat = await startChat({
    use: [sessionMiddleware],
    identify: (req) => {
      const name = (req.session as { name?: string } | undefined)?.name;
      return name ? { nick: name, admin: name === 'Mod' } : null;
    },
    ...options,
  });
  chat.app.post('/signin', sessionMiddleware, express.urlencoded({ extended: false }), (req, res) => {
    req.session.name = String((req.body as { name?: string }).name);
    res.sendStatus(204);
  });
  chat.app.post('/signout', sessionMiddleware, (req, res) => {
    req.session.destroy(() => res.sendStatus(204));
  });
  return chat;
}

async function signIn(chat: TestChat, name: string): Promise<string> {
  const response = await request(chat.server).post('/signin').type('form').send({ name }).expect(204);
  const cookie = (response.headers['set-cookie'] as unknown as string[] | undefined)?.[0]?.split(';')[0];
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

function connectWithCookie(chat: TestChat, cookie: string | undefined, auth: Record<string, unknown> = {}): TestSocket {
  return connectClient(`${chat.url}/chat`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth,
    extraHeaders: cookie ? { cookie } : {},
  });
}

describe('identify with express-session (use: [session])', () => {
  it('logs a signed-in user in at connect under their own name, without typing it', async () => {
    const chat = await startSignedInChat();
    const cookie = await signIn(chat, 'Alice');
    const socket = connectWithCookie(chat, cookie);
    const events = recordEvents(socket);
    await nextEvent(socket, 'session', 5000);
    expect(events).toEqual([
      ['history', [], {}],
      ['enter', 'Alice'],
      ['users', ['Alice']],
      ['session', { nick: 'Alice', identified: true, admin: false }],
    ]);
    expect(await socket.emitWithAck('chat', 'hi')).toEqual({ ok: true, id: 1 });
    socket.disconnect();
  });

  it('ignores the handshake nickname of a signed-in user, and acks NICK_LOCKED to login', async () => {
    const chat = await startSignedInChat();
    const cookie = await signIn(chat, 'Alice');
    const socket = connectWithCookie(chat, cookie, { nick: 'Mallory' });
    const [info] = await nextEvent(socket, 'session', 5000);
    expect(info).toEqual({ nick: 'Alice', identified: true, admin: false });
    const ack = await socket.emitWithAck('login', 'Bob');
    expect(ack).toEqual({ ok: false, error: { code: 'NICK_LOCKED', message: expect.any(String) } });
    socket.disconnect();
  });

  it('shows several tabs of one user as one entry, and announces the exit with the last tab only', async () => {
    const chat = await startSignedInChat({ allowAnonymous: true });
    const watcher = await chat.login('watcher');
    const events = recordEvents(watcher);
    const cookie = await signIn(chat, 'Alice');
    const tab1 = connectWithCookie(chat, cookie);
    await nextEvent(tab1, 'session', 5000);
    const tab2 = connectWithCookie(chat, cookie);
    const [users] = await nextEvent<[string[]]>(tab2, 'users', 5000);
    expect(users).toEqual(['watcher', 'Alice']);
    await settle();
    expect(events).toEqual([['enter', 'Alice']]);
    tab1.disconnect();
    await settle(300);
    expect(events).toEqual([['enter', 'Alice']]);
    tab2.disconnect();
    await nextEvent(watcher, 'exit', 5000);
    expect(events).toEqual([['enter', 'Alice'], ['exit', 'Alice']]);
  });

  it('refuses a stranger with UNAUTHORIZED when allowAnonymous is false (the default with identify)', async () => {
    const chat = await startSignedInChat();
    const socket = connectWithCookie(chat, undefined);
    const [error] = await nextEvent<[Error & { data?: unknown }]>(socket, 'connect_error', 5000);
    expect(error.data).toEqual({ code: 'UNAUTHORIZED' });
    expect(error.message).toBe('Sign in to use the chat');
  });

  it('lets strangers chat as guests with allowAnonymous: true, but not under a signed-in user’s look-alike name', async () => {
    const chat = await startSignedInChat({ allowAnonymous: true });
    const cookie = await signIn(chat, 'alice');
    const alice = connectWithCookie(chat, cookie);
    await nextEvent(alice, 'session', 5000);
    const guest = await chat.connect();
    // Cyrillic а: its skeleton is "alice".
    const ack = await guest.emitWithAck('login', 'аlice');
    expect(ack.ok).toBe(false);
    expect(await guest.emitWithAck('login', 'bob')).toMatchObject({ ok: true, nick: 'bob' });
    alice.disconnect();
  });

  it('takes the name back from a guest when its signed-in owner connects', async () => {
    const chat = await startSignedInChat({ allowAnonymous: true });
    const guest = await chat.login('Alice');
    const cookie = await signIn(chat, 'Alice');
    const guestEvents = recordEvents(guest);
    const alice = connectWithCookie(chat, cookie);
    const [info] = await nextEvent(alice, 'session', 5000);
    expect(info).toEqual({ nick: 'Alice', identified: true, admin: false });
    await settle();
    expect(guestEvents).toContainEqual(['session', { nick: null, error: { code: 'NICK_RESERVED', message: expect.any(String) } }]);
    alice.disconnect();
  });

  it('disconnects a user’s sockets on chat.signOut(nick) (the host calls it at logout)', async () => {
    const chat = await startSignedInChat();
    const cookie = await signIn(chat, 'Alice');
    const socket = connectWithCookie(chat, cookie);
    await nextEvent(socket, 'session', 5000);
    const disconnected = nextEvent(socket, 'disconnect', 5000);
    expect(chat.chat.signOut('Alice')).toBe(1);
    expect(await disconnected).toEqual(['io server disconnect']);
  });

  it('notices a session that ended within identityCheckInterval', async () => {
    const chat = await startSignedInChat({ identityCheckInterval: 200 });
    const cookie = await signIn(chat, 'Alice');
    const socket = connectWithCookie(chat, cookie);
    await nextEvent(socket, 'session', 5000);
    await settle(500);
    expect(socket.connected).toBe(true);
    await request(chat.server).post('/signout').set('Cookie', cookie).expect(204);
    expect(await nextEvent(socket, 'disconnect', 5000)).toEqual(['io server disconnect']);
  });
});
