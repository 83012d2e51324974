/**
 * Every handler is total: whatever a client sends — through socket.io-client or as raw Engine.IO
 * frames — the sender gets at most an error, the others nothing, the operator's log no error, and
 * the server keeps serving. (An uncaught exception here would fail the test run itself, since the
 * server lives in the test process.)
 */
import { closeAll, nextEvent, recordEvents, recordingLogger, settle, startChat, type TestSocket } from '../helpers/chat-server';
import { closeRawClients, rawChat, rawEngine, type RawClient, type RawFrame } from '../helpers/raw-socket';

afterEach(closeAll);
afterEach(closeRawClients);

/** Emits what the types forbid, as a hostile or buggy client would. */
const emitAny = (socket: TestSocket, event: string, ...args: unknown[]): void => {
  (socket.emit as (event: string, ...args: unknown[]) => void)(event, ...args);
};
const emitAnyWithAck = (socket: TestSocket, event: string, ...args: unknown[]): Promise<unknown> =>
  (socket.emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>)(event, ...args);

const refused = (code: string, message: string) => ({ ok: false, error: { code, message } });

/** A chat with alice and bob logged in through socket.io-client, and a logger to inspect. */
async function chatWithTwo(options: Parameters<typeof startChat>[0] = {}) {
  const logger = recordingLogger();
  const chat = await startChat({ ...options, logger });
  const alice = await chat.login('alice');
  const bob = await chat.login('bob');
  return { chat, logger, alice, bob };
}

/** Alice's next message reaches her and bob: the server still serves normal clients. */
async function expectRoundTrip(alice: TestSocket, bob: TestSocket, text = 'still here'): Promise<void> {
  const [[toAlice], [toBob], ack] = await Promise.all([
    nextEvent(alice, 'chat'),
    nextEvent(bob, 'chat'),
    alice.emitWithAck('chat', text),
  ]);
  expect(ack).toEqual({ ok: true, id: expect.any(Number) });
  const expected = { u: 'alice', m: text, id: (ack as { id: number }).id, ts: expect.any(Number) };
  expect(toAlice).toEqual(expected);
  expect(toBob).toEqual(expected);
}

describe('hostile input through socket.io-client', () => {
  describe('an event with no arguments at all', () => {
    it.each([
      ['login', 'A nickname must be text'],
      ['chat', 'A message must be text or { m, cid }'],
    ])('%s answers with a SYSTEM line to the sender only', async (event, text) => {
      const { logger, alice, bob } = await chatWithTwo();
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      emitAny(alice, event);
      await settle();
      expect(aliceEvents).toEqual([['chat', { u: 'SYSTEM', m: text }]]);
      expect(bobEvents).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
      await expectRoundTrip(alice, bob);
    });

    it('history is answered with silence', async () => {
      const { logger, alice, bob } = await chatWithTwo();
      const aliceEvents = recordEvents(alice);
      emitAny(alice, 'history');
      await settle();
      expect(aliceEvents).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
      await expectRoundTrip(alice, bob);
    });
  });

  describe('extra arguments', () => {
    it('are ignored by login', async () => {
      const chat = await startChat();
      const socket = await chat.connect();
      expect(await emitAnyWithAck(socket, 'login', 'carol', 'extra', 1, { nick: 'x' }, ['y'], null)).toEqual({
        ok: true,
        nick: 'carol',
        users: ['carol'],
      });
    });

    it('are ignored by chat', async () => {
      const { alice, bob } = await chatWithTwo();
      const bobEvents = recordEvents(bob);
      expect(await emitAnyWithAck(alice, 'chat', 'hi', 'extra', { m: 'other' }, [1, 2])).toEqual({ ok: true, id: 1 });
      await settle();
      expect(bobEvents).toEqual([['chat', { u: 'alice', m: 'hi', id: 1, ts: expect.any(Number) }]]);
    });

    it('are ignored by history', async () => {
      const { alice } = await chatWithTwo();
      expect(await emitAnyWithAck(alice, 'history', { limit: 1 }, 'extra', 42)).toEqual({ ok: true, messages: [] });
    });
  });

  describe('a last argument that is not a function', () => {
    it('is an argument, not an ack: chat("hi", 42) is broadcast', async () => {
      const { logger, alice, bob } = await chatWithTwo();
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      emitAny(alice, 'chat', 'hi', 42);
      await settle();
      const line = ['chat', { u: 'alice', m: 'hi', id: 1, ts: expect.any(Number) }];
      expect(aliceEvents).toEqual([line]);
      expect(bobEvents).toEqual([line]);
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('is an argument, not an ack: login(42, "carol") is refused with a SYSTEM line', async () => {
      const { logger, alice, bob } = await chatWithTwo();
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      emitAny(alice, 'login', 42, 'carol');
      await settle();
      expect(aliceEvents).toEqual([['chat', { u: 'SYSTEM', m: 'A nickname must be text' }]]);
      expect(bobEvents).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('is an argument, not an ack: history({}, { ack: true }) is answered with silence', async () => {
      const { logger, alice } = await chatWithTwo();
      const aliceEvents = recordEvents(alice);
      emitAny(alice, 'history', {}, { ack: true });
      await settle();
      expect(aliceEvents).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
    });
  });

  describe('huge and nested values', () => {
    const deepArray = (depth: number): unknown => {
      let value: unknown = 'core';
      for (let i = 0; i < depth; i++) value = [value];
      return value;
    };
    const deepObject = (depth: number): unknown => {
      let value: unknown = { m: 'core' };
      for (let i = 0; i < depth; i++) value = { m: value, __proto__: null };
      return value;
    };
    const wideObject = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));

    it.each([
      ['an array nested 3000 deep', 'chat', deepArray(3000), refused('INVALID_MESSAGE', 'A message must be text or { m, cid }')],
      ['an object nested 1000 deep', 'chat', deepObject(1000), refused('INVALID_MESSAGE', 'A message must be text')],
      ['an object with 1000 keys', 'chat', wideObject, refused('INVALID_MESSAGE', 'A message must be text')],
      ['an array nested 3000 deep', 'login', deepArray(3000), refused('INVALID_NICK', 'A nickname must be text')],
      ['an object with 1000 keys', 'login', wideObject, refused('INVALID_NICK', 'A nickname must be text')],
      [
        'an object with 1000 keys',
        'history',
        wideObject,
        { ok: true, messages: [] },
      ],
    ])('%s sent to %s is answered and broadcasts nothing', async (_label, event, value, expected) => {
      const { logger, alice, bob } = await chatWithTwo();
      const bobEvents = recordEvents(bob);
      expect(await emitAnyWithAck(alice, event, value)).toEqual(expected);
      await settle();
      expect(bobEvents).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
      await expectRoundTrip(alice, bob);
    });

    it('a frame over the size limit disconnects its sender only, which then exits', async () => {
      const { logger, chat, alice, bob } = await chatWithTwo();
      const mallory = await chat.login('mallory');
      await settle();
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      const disconnected = nextEvent(mallory, 'disconnect');
      emitAny(mallory, 'chat', 'x'.repeat(20_000));
      await disconnected;
      await settle();
      expect(aliceEvents).toEqual([['exit', 'mallory']]);
      expect(bobEvents).toEqual([['exit', 'mallory']]);
      expect(logger.error).not.toHaveBeenCalled();
      await expectRoundTrip(alice, bob);
    });
  });

  describe('events the chat does not define', () => {
    it.each([['whatever'], ['__proto__'], ['constructor'], ['hasOwnProperty'], ['toString'], ['error'], ['users'], ['enter']])(
      '%j is ignored',
      async (event) => {
        const { logger, alice, bob } = await chatWithTwo();
        const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
        emitAny(alice, event, 'payload', { x: 1 });
        await settle();
        expect(aliceEvents).toEqual([]);
        expect(bobEvents).toEqual([]);
        expect(logger.error).not.toHaveBeenCalled();
        await expectRoundTrip(alice, bob);
      },
    );
  });

  it('serves a valid event after a burst of 200 invalid ones, in order', async () => {
    // Rate limits off: this is about validation (test/limits covers throttling bursts).
    const { logger, alice, bob } = await chatWithTwo({ eventRate: false, messageRate: false });
    const bobEvents = recordEvents(bob);
    const acks = await Promise.all(Array.from({ length: 200 }, (_, i) => emitAnyWithAck(alice, 'chat', i % 2 ? null : { m: i })));
    expect(new Set(acks.map((ack) => (ack as { ok: boolean }).ok))).toEqual(new Set([false]));
    expect(await alice.emitWithAck('chat', 'after the storm')).toEqual({ ok: true, id: 1 });
    await settle();
    expect(bobEvents).toEqual([['chat', { u: 'alice', m: 'after the storm', id: 1, ts: expect.any(Number) }]]);
    expect(logger.error).not.toHaveBeenCalled();
  });
});

describe('raw Engine.IO v4 / Socket.IO v5 frames', () => {
  type Outcome =
    /** The server answers with exactly this frame and keeps the connection. */
    | { reply: string }
    /** The server drops the connection (a protocol violation), and the others see mallory exit. */
    | 'closed'
    /** Nothing comes back and the connection stays open. */
    | 'silent';

  const ackFrame = (id: number, payload: unknown) => `43/chat,${id}${JSON.stringify([payload])}`;
  const systemFrame = (text: string) => `42/chat,${JSON.stringify(['chat', { u: 'SYSTEM', m: text }])}`;
  const deepJson = '['.repeat(5000) + ']'.repeat(5000);
  const wideJson = `{${Array.from({ length: 1000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
  const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef]);

  const cases: Array<[string, RawFrame[], Outcome]> = [
    ['chat with a number (acked)', ['42/chat,1["chat",42]'], { reply: ackFrame(1, refused('INVALID_MESSAGE', 'A message must be text or { m, cid }')) }],
    ['chat with a number (no ack)', ['42/chat,["chat",42]'], { reply: systemFrame('A message must be text or { m, cid }') }],
    ['chat with no argument', ['42/chat,["chat"]'], { reply: systemFrame('A message must be text or { m, cid }') }],
    ['login with a __proto__ object (acked)', ['42/chat,1["login",{"__proto__":{"x":1}}]'], { reply: ackFrame(1, refused('INVALID_NICK', 'A nickname must be text')) }],
    ['login with a __proto__ object (no ack)', ['42/chat,["login",{"__proto__":{"x":1}}]'], { reply: systemFrame('A nickname must be text') }],
    ['login with many arguments', ['42/chat,7["login",["a"],"b",{},null]'], { reply: ackFrame(7, refused('INVALID_NICK', 'A nickname must be text')) }],
    ['login with a bidi override', ['42/chat,1["login","a\\u202eb"]'], { reply: ackFrame(1, refused('INVALID_NICK', 'A nickname cannot hold invisible or control characters')) }],
    ['chat with an escaped NUL', ['42/chat,1["chat","\\u0000"]'], { reply: ackFrame(1, refused('INVALID_MESSAGE', 'A message cannot hold control characters')) }],
    ['chat with a lone surrogate', ['42/chat,1["chat","a\\ud800"]'], { reply: ackFrame(1, refused('INVALID_MESSAGE', 'That message holds broken characters')) }],
    ['chat with a null-prototype cid', ['42/chat,1["chat",{"m":"hi","cid":{"__proto__":null}}]'], { reply: ackFrame(1, refused('INVALID_MESSAGE', 'cid must be 1 to 64 letters, digits, - or _')) }],
    ['chat with a forged binary placeholder', ['42/chat,1["chat",{"_placeholder":true,"num":0}]'], { reply: ackFrame(1, refused('INVALID_MESSAGE', 'A message must be text')) }],
    ['chat with a real binary attachment', ['451-/chat,1["chat",{"_placeholder":true,"num":0}]', bytes], { reply: ackFrame(1, refused('INVALID_MESSAGE', 'A message must be text or { m, cid }')) }],
    ['chat with an array nested 5000 deep', [`42/chat,1["chat",${deepJson}]`], { reply: ackFrame(1, refused('INVALID_MESSAGE', 'A message must be text or { m, cid }')) }],
    ['login with an object of 1000 keys', [`42/chat,1["login",${wideJson}]`], { reply: ackFrame(1, refused('INVALID_NICK', 'A nickname must be text')) }],
    ['history with before: "5"', ['42/chat,1["history",{"before":"5"}]'], { reply: ackFrame(1, refused('INVALID_REQUEST', 'before must be a message id (a whole number ≥ 0)')) }],
    ['history with a string', ['42/chat,1["history","all"]'], { reply: ackFrame(1, refused('INVALID_REQUEST', 'A history request must be an object like { before, limit }')) }],
    ['history with no argument', ['42/chat,1["history"]'], { reply: ackFrame(1, { ok: true, messages: [] }) }],
    ['an "error" event', ['42/chat,["error","boom"]'], 'silent'],
    ['a numeric event name', ['42/chat,[42,"x"]'], 'silent'],
    ['a __proto__ event', ['42/chat,["__proto__",{"x":1}]'], 'silent'],
    ['a constructor event', ['42/chat,["constructor"]'], 'silent'],
    ['a hasOwnProperty event', ['42/chat,["hasOwnProperty","x"]'], 'silent'],
    ['an ack for an unknown id', ['43/chat,99["x"]'], 'silent'],
    ['an empty event array', ['42/chat,[]'], 'closed'],
    ['a reserved "disconnect" event', ['42/chat,["disconnect"]'], 'closed'],
    ['a reserved "newListener" event', ['42/chat,["newListener","chat"]'], 'closed'],
    ['an object instead of an array', ['42/chat,{"0":"chat"}'], 'closed'],
    ['a bare string payload', ['42/chat,"chat"'], 'closed'],
    ['truncated JSON', ['42/chat,["chat",'], 'closed'],
    ['an unknown Socket.IO packet type', ['49/chat,[]'], 'closed'],
    ['an unknown Engine.IO packet type', ['hello'], 'closed'],
    ['an empty text frame', [''], 'closed'],
    ['a binary frame out of the blue', [bytes], 'closed'],
    ['a placeholder pointing past the attachments', ['451-/chat,["chat",{"_placeholder":true,"num":7}]', bytes], 'closed'],
    ['more attachments than allowed', ['4511-/chat,["chat"]'], 'closed'],
    ['a second CONNECT to the same namespace', ['40/chat,'], 'closed'],
    ['a frame over the size limit', [`42/chat,["chat","${'x'.repeat(20_000)}"]`], 'closed'],
  ];

  /** A raw client logged in as mallory, and everyone settled. */
  async function withMallory() {
    const { chat, logger, alice, bob } = await chatWithTwo();
    const raw = await rawChat(chat.port);
    raw.send('42/chat,["login","mallory"]');
    await raw.waitFor((frame) => frame === '42/chat,["users",["alice","bob","mallory"]]');
    await settle();
    return { chat, logger, alice, bob, raw };
  }

  async function expectOutcome(raw: RawClient, before: number, outcome: Outcome): Promise<void> {
    if (outcome === 'closed') {
      await raw.closed();
      return;
    }
    if (outcome === 'silent') {
      await settle(150);
    } else {
      await raw.waitFor((frame) => raw.frames.indexOf(frame) >= before && frame === outcome.reply);
      await settle(50);
    }
    expect(raw.isOpen).toBe(true);
    expect(raw.frames.slice(before)).toEqual(outcome === 'silent' ? [] : [outcome.reply]);
  }

  it.each(cases)('%s: the sender gets at most an error, others nothing, and the server serves on', async (_label, frames, outcome) => {
    const { logger, alice, bob, raw } = await withMallory();
    const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
    const before = raw.frames.length;
    for (const frame of frames) {
      if (typeof frame === 'string') raw.send(frame);
      else raw.sendBinary(frame);
    }
    await expectOutcome(raw, before, outcome);
    await settle();
    const seen = outcome === 'closed' ? [['exit', 'mallory']] : [];
    expect(aliceEvents).toEqual(seen);
    expect(bobEvents).toEqual(seen);
    expect(logger.error).not.toHaveBeenCalled();
    await expectRoundTrip(alice, bob);
  });

  it('a chat with extra arguments is broadcast like any other', async () => {
    const { logger, bob, raw } = await withMallory();
    const bobEvents = recordEvents(bob);
    raw.send('42/chat,1["chat","hi","extra",{"a":1},[1,2]]');
    await raw.waitFor((frame) => frame === ackFrame(1, { ok: true, id: 1 }));
    await settle();
    expect(bobEvents).toEqual([['chat', { u: 'mallory', m: 'hi', id: 1, ts: expect.any(Number) }]]);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('leaving the namespace (41/chat,) announces the exit and frees the nickname', async () => {
    const { chat, logger, alice, bob, raw } = await withMallory();
    const bobEvents = recordEvents(bob);
    const exited = nextEvent(bob, 'exit', 10_000);
    raw.send('41/chat,');
    await exited;
    await settle();
    expect(bobEvents).toEqual([['exit', 'mallory']]);
    const next = await chat.connect();
    expect(await next.emitWithAck('login', 'mallory')).toEqual({ ok: true, nick: 'mallory', users: ['alice', 'bob', 'mallory'] });
    expect(logger.error).not.toHaveBeenCalled();
    await expectRoundTrip(alice, bob);
  });

  it.each([
    ['an event', '42/chat,["chat","hi"]'],
    ['an ack', '43/chat,1[]'],
    ['garbage', 'hello'],
    ['a binary frame', bytes],
  ])('%s before the namespace is connected closes the connection', async (_label, frame) => {
    const { chat, logger, alice, bob } = await chatWithTwo();
    const bobEvents = recordEvents(bob);
    const raw = await rawEngine(chat.port);
    if (typeof frame === 'string') raw.send(frame);
    else raw.sendBinary(frame);
    await raw.closed();
    await settle();
    expect(bobEvents).toEqual([]);
    expect(logger.error).not.toHaveBeenCalled();
    await expectRoundTrip(alice, bob);
  });

  it('a connection to an unknown namespace is refused and changes nothing', async () => {
    const { chat, logger, alice, bob } = await chatWithTwo();
    const raw = await rawEngine(chat.port);
    raw.send('40/nope,');
    await raw.waitFor((frame) => frame === '44/nope,{"message":"Invalid namespace"}');
    expect(logger.error).not.toHaveBeenCalled();
    await expectRoundTrip(alice, bob);
  });

  it('many raw clients sending garbage at once leave the chat serving', async () => {
    // All from 127.0.0.1: the per-address limit is lifted here (test/limits covers it).
    const { chat, logger, alice, bob } = await chatWithTwo({ maxConnectionsPerAddress: 0 });
    const raws = await Promise.all(Array.from({ length: 20 }, () => rawChat(chat.port)));
    raws.forEach((raw, i) => {
      const [, frames] = cases[i % cases.length] as [string, RawFrame[], Outcome];
      for (const frame of frames) {
        if (typeof frame === 'string') raw.send(frame);
        else raw.sendBinary(frame);
      }
    });
    await settle(200);
    expect(logger.error).not.toHaveBeenCalled();
    await expectRoundTrip(alice, bob);
  });
});

