/** The handshake `auth`: logging in at connect, the `session` event, and auth values the types forbid. */
import { closeAll, nextEvent, recordEvents, recordingLogger, settle, startChat, type TestChat } from '../helpers/chat-server';
import { closeRawClients, rawChat, rawEngine, rawEvents, recordedClient } from '../helpers/raw-socket';

afterEach(closeAll);
afterEach(closeRawClients);

/** The chat still serves a normal client: its message comes back to it and to `watcher`. */
async function expectRoundTrip(chat: TestChat, nick = 'probe'): Promise<void> {
  const probe = await chat.login(nick);
  const [[line], ack] = await Promise.all([nextEvent(probe, 'chat'), probe.emitWithAck('chat', 'still here')]);
  expect(ack).toEqual({ ok: true, id: expect.any(Number) });
  expect(line).toEqual({ u: nick, m: 'still here', id: (ack as { id: number }).id, ts: expect.any(Number) });
}

describe('handshake auth', () => {
  describe('{ nick }', () => {
    it('logs the client in at connect: history, enter, users, then session { nick }', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const aliceEvents = recordEvents(alice);
      const { socket, events } = recordedClient(chat, { auth: { nick: 'bob' } });
      socket.connect();
      await nextEvent(socket, 'session');
      await settle();
      expect(events).toEqual([
        ['history', [], {}],
        ['enter', 'bob'],
        ['users', ['alice', 'bob']],
        ['session', { nick: 'bob' }],
      ]);
      expect(aliceEvents).toEqual([['enter', 'bob']]);
    });

    it('reports the nickname as normalised in session', async () => {
      const chat = await startChat();
      const { socket, events } = recordedClient(chat, { auth: { nick: '  ｂｏｂ ' } });
      socket.connect();
      await nextEvent(socket, 'session');
      expect(events.at(-1)).toEqual(['session', { nick: 'bob' }]);
    });

    it('lets the client chat at once', async () => {
      const chat = await startChat();
      const bob = await chat.connect({ auth: { nick: 'bob' } });
      expect(await bob.emitWithAck('chat', 'hi')).toEqual({ ok: true, id: 1 });
    });

    it('answers a taken nickname with a SYSTEM line and session { nick: null, error: NICK_TAKEN }', async () => {
      const logger = recordingLogger();
      const chat = await startChat({ logger });
      const alice = await chat.login('alice');
      const aliceEvents = recordEvents(alice);
      const { socket, events } = recordedClient(chat, { auth: { nick: 'Alice' } });
      socket.connect();
      await nextEvent(socket, 'session');
      await settle();
      const error = { code: 'NICK_TAKEN', message: 'The nickname Alice is already taken' };
      expect(events).toEqual([
        ['history', [], {}],
        ['chat', { u: 'SYSTEM', m: error.message }],
        ['session', { nick: null, error }],
      ]);
      expect(aliceEvents).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('leaves a client refused in the handshake connected, logged out and free to log in', async () => {
      const chat = await startChat();
      await chat.login('alice');
      const socket = await chat.connect({ auth: { nick: 'alice' } });
      expect(await socket.emitWithAck('chat', 'hi')).toEqual({
        ok: false,
        error: { code: 'NOT_LOGGED_IN', message: 'You must first login' },
      });
      expect(await socket.emitWithAck('login', 'alice2')).toEqual({ ok: true, nick: 'alice2', users: ['alice', 'alice2'] });
    });

    it.each([
      ['a number', 42, 'A nickname must be text'],
      ['an object', { first: 'bob' }, 'A nickname must be text'],
      ['an object with a __proto__ key', JSON.parse('{"__proto__":{"x":1}}') as unknown, 'A nickname must be text'],
      ['an array', ['bob'], 'A nickname must be text'],
      ['the empty string', '', 'Choose a nickname'],
      ['SYSTEM', 'system', 'The nickname SYSTEM is reserved'],
      ['a bidi override', 'bob\u202E', 'A nickname cannot hold invisible or control characters'],
    ])('answers %s with session { nick: null, error: INVALID_NICK }', async (_label, nick, message) => {
      const logger = recordingLogger();
      const chat = await startChat({ logger });
      const alice = await chat.login('alice');
      const aliceEvents = recordEvents(alice);
      const { socket, events } = recordedClient(chat, { auth: { nick } });
      socket.connect();
      await nextEvent(socket, 'session');
      await settle();
      expect(events).toEqual([
        ['history', [], {}],
        ['chat', { u: 'SYSTEM', m: message }],
        ['session', { nick: null, error: { code: 'INVALID_NICK', message } }],
      ]);
      expect(aliceEvents).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
    });
  });

  describe('without a nick', () => {
    it('sends history, session { nick: null }, then who is here (the reader sees the list before choosing a name)', async () => {
      const chat = await startChat();
      const { socket, events } = recordedClient(chat);
      socket.connect();
      await nextEvent(socket, 'session');
      await settle();
      expect(events).toEqual([
        ['history', [], {}],
        ['session', { nick: null }],
        ['users', []],
      ]);
    });

    it('ignores a nick hidden under a __proto__ key', async () => {
      const chat = await startChat();
      const { socket, events } = recordedClient(chat, { auth: JSON.parse('{"__proto__":{"nick":"bob"}}') as unknown });
      socket.connect();
      await nextEvent(socket, 'session');
      await settle();
      expect(events).toEqual([
        ['history', [], {}],
        ['session', { nick: null }],
        ['users', []],
      ]);
    });

    it('takes nick: null as no nick', async () => {
      const chat = await startChat();
      const { socket, events } = recordedClient(chat, { auth: { nick: null } });
      socket.connect();
      await nextEvent(socket, 'session');
      await settle();
      expect(events).toEqual([
        ['history', [], {}],
        ['session', { nick: null }],
        ['users', []],
      ]);
    });

    it('ignores unknown auth keys', async () => {
      const chat = await startChat();
      const { socket, events } = recordedClient(chat, { auth: { token: 'x', constructor: 1, toString: 'y' } });
      socket.connect();
      await nextEvent(socket, 'users');
      expect(events).toEqual([
        ['history', [], {}],
        ['session', { nick: null }],
        ['users', []],
      ]);
    });
  });

  describe('that is not an object', () => {
    // socket.io-client writes a number after "40/chat," where the parser reads an ack id,
    // and null not at all: both arrive as an empty auth.
    it.each([[42], [null]])('treats %j as no auth at all', async (auth) => {
      const logger = recordingLogger();
      const chat = await startChat({ logger });
      const { socket, events } = recordedClient(chat, { auth });
      socket.connect();
      await nextEvent(socket, 'users');
      expect(events).toEqual([
        ['history', [], {}],
        ['session', { nick: null }],
        ['users', []],
      ]);
      expect(logger.error).not.toHaveBeenCalled();
    });

    it.each([['a string', 'bob'], ['an array', ['bob']], ['true', true]])(
      'refuses %s at the protocol level and keeps serving others',
      async (_label, auth) => {
        const logger = recordingLogger();
        const chat = await startChat({ logger });
        const { socket, events } = recordedClient(chat, { auth });
        socket.connect();
        await settle(200);
        expect(socket.connected).toBe(false);
        expect(events).toEqual([]);
        await expectRoundTrip(chat);
        expect(logger.error).not.toHaveBeenCalled();
      },
    );

    it.each([['"bob"'], ['[1]'], ['true'], ['{"nick":'], ['"\\u0000"']])(
      'closes a raw connection whose CONNECT carries %s and keeps serving others',
      async (authJson) => {
        const logger = recordingLogger();
        const chat = await startChat({ logger });
        const raw = await rawEngine(chat.port);
        raw.send(`40/chat,${authJson}`);
        await raw.closed();
        expect(raw.frames.filter((frame) => !String(frame).startsWith('0{'))).toEqual([]);
        await expectRoundTrip(chat);
        expect(logger.error).not.toHaveBeenCalled();
      },
    );

    it('logs a raw client in from a JSON auth object', async () => {
      const chat = await startChat();
      const raw = await rawChat(chat.port, '{"nick":"raw"}');
      expect(rawEvents(raw)).toEqual([
        ['history', [], {}],
        ['enter', 'raw'],
        ['users', ['raw']],
        ['session', { nick: 'raw' }],
      ]);
    });
  });
});
