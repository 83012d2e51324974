/** The `chat` event: broadcast, acks, ids, validation, the `{ m, cid }` form and retry de-duplication. */
import { closeAll, nextEvent, recordEvents, recordingLogger, settle, startChat, type TestSocket } from '../helpers/chat-server';

afterEach(closeAll);

const refused = (code: string, message: string) => ({ ok: false, error: { code, message } });
const line = (u: string, m: string, id: number) => ({ u, m, id, ts: expect.any(Number) as number });

/** Emits what the types forbid, as a hostile or buggy client would. */
function emitAnyWithAck(socket: TestSocket, event: string, ...args: unknown[]): Promise<unknown> {
  return (socket.emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>)(event, ...args);
}

describe('chat', () => {
  describe('with two clients', () => {
    it('broadcasts { u, m, id, ts } to everyone, the sender included, and acks { ok, id }', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      const before = Date.now();
      const ack = await alice.emitWithAck('chat', 'hello');
      await settle();
      expect(ack).toEqual({ ok: true, id: 1 });
      expect(aliceEvents).toEqual([['chat', line('alice', 'hello', 1)]]);
      expect(bobEvents).toEqual(aliceEvents);
      const [, sent] = aliceEvents[0] as [string, { ts: number }];
      expect(sent.ts).toBeGreaterThanOrEqual(before);
      expect(sent.ts).toBeLessThanOrEqual(Date.now());
      expect(Object.keys(sent)).toEqual(['u', 'm', 'id', 'ts']);
    });

    it('delivers messages to a client that has not logged in', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const lurker = await chat.connect();
      const lurkerEvents = recordEvents(lurker);
      await alice.emitWithAck('chat', 'anyone?');
      await settle();
      expect(lurkerEvents).toEqual([['chat', line('alice', 'anyone?', 1)]]);
    });

    it('keeps the author’s whitespace', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const [[received]] = await Promise.all([nextEvent(alice, 'chat'), alice.emitWithAck('chat', '  two  spaces  ')]);
      expect(received).toEqual(line('alice', '  two  spaces  ', 1));
    });
  });

  describe('with three clients', () => {
    it('gives increasing ids and delivers every message to everyone in the same order', async () => {
      const chat = await startChat();
      const clients = [await chat.login('alice'), await chat.login('bob'), await chat.login('carol')] as const;
      const events = clients.map(recordEvents);
      const acks = [
        await clients[0].emitWithAck('chat', 'one'),
        await clients[1].emitWithAck('chat', 'two'),
        await clients[2].emitWithAck('chat', 'three'),
        await clients[0].emitWithAck('chat', 'four'),
      ];
      await settle();
      expect(acks).toEqual([1, 2, 3, 4].map((id) => ({ ok: true, id })));
      const expected = [
        ['chat', line('alice', 'one', 1)],
        ['chat', line('bob', 'two', 2)],
        ['chat', line('carol', 'three', 3)],
        ['chat', line('alice', 'four', 4)],
      ];
      for (const received of events) expect(received).toEqual(expected);
    });

    it('keeps one sender’s messages in the order sent, even without waiting for acks', async () => {
      // Rate limits off: this is about ordering (test/limits covers throttling).
      const chat = await startChat({ messageRate: false, eventRate: false });
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const bobEvents = recordEvents(bob);
      const texts = Array.from({ length: 20 }, (_, i) => `message ${i}`);
      const acks = await Promise.all(texts.map((text) => alice.emitWithAck('chat', text)));
      await settle();
      expect(acks).toEqual(texts.map((_, i) => ({ ok: true, id: i + 1 })));
      expect(bobEvents).toEqual(texts.map((text, i) => ['chat', line('alice', text, i + 1)]));
    });
  });

  describe('before login', () => {
    it('sends the sender alone a SYSTEM line and acks NOT_LOGGED_IN', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const aliceEvents = recordEvents(alice);
      const guest = await chat.connect();
      const guestEvents = recordEvents(guest);
      const ack = await guest.emitWithAck('chat', 'hello?');
      await settle();
      expect(ack).toEqual(refused('NOT_LOGGED_IN', 'You must first login'));
      expect(guestEvents).toEqual([['chat', { u: 'SYSTEM', m: 'You must first login' }]]);
      expect(aliceEvents).toEqual([]);
    });

    it('sends exactly one SYSTEM line when the client sent no ack', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const aliceEvents = recordEvents(alice);
      const guest = await chat.connect();
      const guestEvents = recordEvents(guest);
      guest.emit('chat', 'hello?');
      await settle();
      expect(guestEvents).toEqual([['chat', { u: 'SYSTEM', m: 'You must first login' }]]);
      expect(aliceEvents).toEqual([]);
    });

    it('refuses NOT_LOGGED_IN before looking at the message', async () => {
      const chat = await startChat();
      const guest = await chat.connect();
      expect(await emitAnyWithAck(guest, 'chat', 42)).toEqual(refused('NOT_LOGGED_IN', 'You must first login'));
    });

    it('stores nothing', async () => {
      const chat = await startChat();
      const guest = await chat.connect();
      await guest.emitWithAck('chat', 'lost');
      expect(await guest.emitWithAck('history', {})).toEqual({ ok: true, messages: [] });
    });
  });

  describe('validation', () => {
    it.each([
      ['a number', 42, 'A message must be text or { m, cid }'],
      ['null', null, 'A message must be text or { m, cid }'],
      ['true', true, 'A message must be text or { m, cid }'],
      ['an array', ['hi'], 'A message must be text or { m, cid }'],
      ['an empty object', {}, 'A message must be text'],
      ['an object whose m is a number', { m: 42 }, 'A message must be text'],
      ['an object whose m is an array', { m: ['hi'] }, 'A message must be text'],
      ['an object holding m only under __proto__', JSON.parse('{"__proto__":{"m":"hi"}}') as unknown, 'A message must be text'],
      ['an object with a constructor key', { constructor: 'hi' }, 'A message must be text'],
      ['the empty string', '', 'A message cannot be empty'],
      ['spaces only', '   ', 'A message cannot be empty'],
      ['newlines and tabs only', '\n\t\r\n', 'A message cannot be empty'],
      ['no-break spaces only', '\u00A0\u3000', 'A message cannot be empty'],
      ['NUL', 'a\u0000b', 'A message cannot hold control characters'],
      ['BEL', 'a\u0007b', 'A message cannot hold control characters'],
      ['an ANSI escape', '\u001B[31mred', 'A message cannot hold control characters'],
      ['a vertical tab', 'a\u000Bb', 'A message cannot hold control characters'],
      ['a form feed', 'a\u000Cb', 'A message cannot hold control characters'],
      ['DEL', 'a\u007Fb', 'A message cannot hold control characters'],
      ['a C1 control', 'a\u0085b', 'A message cannot hold control characters'],
      ['a lone surrogate', 'a\uD83Db', 'That message holds broken characters'],
      ['an object form holding NUL', { m: '\u0000' }, 'A message cannot hold control characters'],
    ])('acks INVALID_MESSAGE for %s and broadcasts nothing', async (_label, message, text) => {
      const logger = recordingLogger();
      const chat = await startChat({ logger });
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      const ack = await emitAnyWithAck(alice, 'chat', message);
      await settle();
      expect(ack).toEqual(refused('INVALID_MESSAGE', text));
      expect(aliceEvents).toEqual([]);
      expect(bobEvents).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('acks INVALID_MESSAGE when chat carries no message at all', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      expect(await emitAnyWithAck(alice, 'chat')).toEqual(refused('INVALID_MESSAGE', 'A message must be text or { m, cid }'));
    });

    it.each([
      ['a newline', 'line one\nline two'],
      ['CRLF', 'line one\r\nline two'],
      ['a tab', 'a\tb'],
      ['a line separator', 'a\u2028b'],
      ['emoji', '👋🏽 hi 👨‍👩‍👧'],
      ['HTML, kept as text', '<img src=x onerror=alert(1)>'],
      ['a single character', 'k'],
    ])('accepts a message holding %s, unchanged', async (_label, text) => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const [[received], ack] = await Promise.all([nextEvent(alice, 'chat'), alice.emitWithAck('chat', text)]);
      expect(ack).toEqual({ ok: true, id: 1 });
      expect(received).toEqual(line('alice', text, 1));
    });

    describe('length, counted in code points (maxMessageLength: 5)', () => {
      it.each([
        ['5 letters', 'abcde'],
        ['5 emoji (10 UTF-16 units)', '🦊🦊🦊🦊🦊'],
      ])('accepts %s', async (_label, text) => {
        const chat = await startChat({ maxMessageLength: 5 });
        const alice = await chat.login('alice');
        expect(await alice.emitWithAck('chat', text)).toEqual({ ok: true, id: 1 });
      });

      it.each([
        ['6 letters', 'abcdef'],
        ['6 emoji', '🦊🦊🦊🦊🦊🦊'],
        ['6 letters in the object form', { m: 'abcdef' }],
      ])('acks INVALID_MESSAGE for %s', async (_label, message) => {
        const chat = await startChat({ maxMessageLength: 5 });
        const alice = await chat.login('alice');
        const events = recordEvents(alice);
        expect(await emitAnyWithAck(alice, 'chat', message)).toEqual(
          refused('INVALID_MESSAGE', 'A message can be at most 5 characters'),
        );
        await settle();
        expect(events).toEqual([]);
      });

      it('allows 2000 code points by default', async () => {
        const chat = await startChat();
        const alice = await chat.login('alice');
        expect(await alice.emitWithAck('chat', 'x'.repeat(2000))).toEqual({ ok: true, id: 1 });
        expect(await alice.emitWithAck('chat', 'x'.repeat(2001))).toEqual(
          refused('INVALID_MESSAGE', 'A message can be at most 2000 characters'),
        );
      });
    });
  });

  describe('the { m, cid } form', () => {
    it('broadcasts the same { u, m, id, ts } as a bare string, without the cid', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const bobEvents = recordEvents(bob);
      const ack = await alice.emitWithAck('chat', { m: 'hello', cid: 'c-1' });
      await settle();
      expect(ack).toEqual({ ok: true, id: 1 });
      expect(bobEvents).toEqual([['chat', line('alice', 'hello', 1)]]);
    });

    it('accepts { m } without a cid', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      expect(await alice.emitWithAck('chat', { m: 'hello' })).toEqual({ ok: true, id: 1 });
    });

    it('ignores a cid hidden under a __proto__ key', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const request = JSON.parse('{"m":"hello","__proto__":{"cid":"not a cid!"}}') as unknown;
      const [[received], ack] = await Promise.all([nextEvent(alice, 'chat'), emitAnyWithAck(alice, 'chat', request)]);
      expect(ack).toEqual({ ok: true, id: 1 });
      expect(received).toEqual(line('alice', 'hello', 1));
    });

    it.each([
      ['empty', ''],
      ['65 characters long', 'a'.repeat(65)],
      ['holding a space', 'has space'],
      ['holding a non-ASCII letter', 'café'],
      ['holding punctuation', 'a.b'],
      ['a number', 42],
      ['null', null],
      ['an object', { id: 'x' }],
      ['an array', ['x']],
    ])('acks INVALID_MESSAGE for a cid that is %s', async (_label, cid) => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const events = recordEvents(alice);
      expect(await emitAnyWithAck(alice, 'chat', { m: 'hello', cid })).toEqual(
        refused('INVALID_MESSAGE', 'cid must be 1 to 64 letters, digits, - or _'),
      );
      await settle();
      expect(events).toEqual([]);
    });

    it.each([['a'], ['a'.repeat(64)], ['Az09_-'], ['550e8400-e29b-41d4-a716-446655440000']])('accepts the cid %j', async (cid) => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      expect(await alice.emitWithAck('chat', { m: 'hello', cid })).toEqual({ ok: true, id: 1 });
    });
  });

  describe('cid de-duplication', () => {
    it('acks a repeated { m, cid } from the same user with the first id and broadcasts it once', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      const first = await alice.emitWithAck('chat', { m: 'hello', cid: 'retry-1' });
      const second = await alice.emitWithAck('chat', { m: 'hello', cid: 'retry-1' });
      await settle();
      expect(first).toEqual({ ok: true, id: 1 });
      expect(second).toEqual({ ok: true, id: 1 });
      expect(aliceEvents).toEqual([['chat', line('alice', 'hello', 1)]]);
      expect(bobEvents).toEqual([['chat', line('alice', 'hello', 1)]]);
      expect(await alice.emitWithAck('history', {})).toEqual({ ok: true, messages: [line('alice', 'hello', 1)] });
    });

    it('de-duplicates a retry sent before the first ack arrived', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const bobEvents = recordEvents(bob);
      const acks = await Promise.all([
        alice.emitWithAck('chat', { m: 'hello', cid: 'retry-1' }),
        alice.emitWithAck('chat', { m: 'hello', cid: 'retry-1' }),
        alice.emitWithAck('chat', { m: 'hello', cid: 'retry-1' }),
      ]);
      await settle();
      expect(acks).toEqual([{ ok: true, id: 1 }, { ok: true, id: 1 }, { ok: true, id: 1 }]);
      expect(bobEvents).toEqual([['chat', line('alice', 'hello', 1)]]);
    });

    it('de-duplicates across reconnects of the same nickname', async () => {
      const chat = await startChat();
      const first = await chat.login('alice');
      expect(await first.emitWithAck('chat', { m: 'hello', cid: 'retry-1' })).toEqual({ ok: true, id: 1 });
      first.disconnect();
      await settle();
      const again = await chat.connect({ auth: { nick: 'alice' } });
      const events = recordEvents(again);
      expect(await again.emitWithAck('chat', { m: 'hello', cid: 'retry-1' })).toEqual({ ok: true, id: 1 });
      await settle();
      expect(events).toEqual([]);
    });

    it('stores the same cid from two users as two messages', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      expect(await alice.emitWithAck('chat', { m: 'hello', cid: 'same' })).toEqual({ ok: true, id: 1 });
      expect(await bob.emitWithAck('chat', { m: 'hello', cid: 'same' })).toEqual({ ok: true, id: 2 });
    });

    it('stores two different cids from one user as two messages', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      expect(await alice.emitWithAck('chat', { m: 'hello', cid: 'one' })).toEqual({ ok: true, id: 1 });
      expect(await alice.emitWithAck('chat', { m: 'hello', cid: 'two' })).toEqual({ ok: true, id: 2 });
    });

    it('never de-duplicates bare strings', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      expect(await alice.emitWithAck('chat', 'hello')).toEqual({ ok: true, id: 1 });
      expect(await alice.emitWithAck('chat', 'hello')).toEqual({ ok: true, id: 2 });
    });
  });

  describe('without an ack function', () => {
    it.each([
      ['a non-string', 42, 'A message must be text or { m, cid }'],
      ['a blank message', '  ', 'A message cannot be empty'],
      ['a control character', '\u0007', 'A message cannot hold control characters'],
      ['a bad cid', { m: 'hi', cid: '!' }, 'cid must be 1 to 64 letters, digits, - or _'],
    ])('answers %s with a SYSTEM line to the sender only', async (_label, message, text) => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      alice.emit('chat', message as string);
      await settle();
      expect(aliceEvents).toEqual([['chat', { u: 'SYSTEM', m: text }]]);
      expect(bobEvents).toEqual([]);
    });

    it('broadcasts an accepted message as usual', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      alice.emit('chat', 'no ack needed');
      await settle();
      expect(aliceEvents).toEqual([['chat', line('alice', 'no ack needed', 1)]]);
      expect(bobEvents).toEqual(aliceEvents);
    });
  });
});
