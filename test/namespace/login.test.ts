import { closeAll, nextEvent, recordEvents, recordingLogger, settle, startChat, type TestSocket } from '../helpers/chat-server';

afterEach(closeAll);

const refused = (code: string, message: string) => ({ ok: false, error: { code, message } });

/** Emits what the types forbid, as a hostile or buggy client would. */
function emitAnyWithAck(socket: TestSocket, event: string, ...args: unknown[]): Promise<unknown> {
  return (socket.emitWithAck as (event: string, ...args: unknown[]) => Promise<unknown>)(event, ...args);
}

describe('login', () => {
  describe('with two clients', () => {
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

    it('announces the new user to a client that has not logged in yet', async () => {
      const chat = await startChat();
      const lurker = await chat.connect();
      const lurkerEvents = recordEvents(lurker);
      await chat.login('alice');
      await settle();
      expect(lurkerEvents).toEqual([['enter', 'alice']]);
    });

    it('acks NICK_TAKEN for a case-insensitive duplicate and tells no one', async () => {
      const chat = await startChat();
      const alice = await chat.login('Alice');
      const aliceEvents = recordEvents(alice);
      const other = await chat.connect();
      const otherEvents = recordEvents(other);
      const ack = await other.emitWithAck('login', 'aLiCe');
      await settle();
      expect(ack).toEqual(refused('NICK_TAKEN', 'The nickname aLiCe is already taken'));
      expect(aliceEvents).toEqual([]);
      expect(otherEvents).toEqual([]);
    });

    it('acks NICK_TAKEN for a compatibility-equivalent duplicate (ｂｏｂ and bob)', async () => {
      const chat = await startChat();
      await chat.login('bob');
      const other = await chat.connect();
      expect(await other.emitWithAck('login', 'ＢＯＢ')).toEqual(refused('NICK_TAKEN', 'The nickname BOB is already taken'));
    });

    // Bug: nickKey lower-cases after NFKC without normalising again, so 'J̌' (J + U+030C, which
    // has no precomposed capital) keys as 'j\u030C' while its lower case 'ǰ' keys as U+01F0.
    it.each([
      ['\u01F0', 'J\u030C'],
      ['J\u030C', '\u01F0'],
      ['\u1E98', 'W\u030A'],
      ['t\u0308', 'T\u0308'],
    ])('acks NICK_TAKEN for %j while its case variant %j is logged in', async (attempt, holder) => {
      const chat = await startChat();
      await chat.login(holder);
      const other = await chat.connect();
      const ack = await other.emitWithAck('login', attempt);
      expect(ack).toEqual(refused('NICK_TAKEN', `The nickname ${attempt.normalize('NFKC')} is already taken`));
    });

    it('logs in from the handshake nickname before queued events', async () => {
      const chat = await startChat();
      const socket = await chat.connect({ auth: { nick: 'carol' } });
      const [line] = await Promise.all([nextEvent(socket, 'chat'), socket.emitWithAck('chat', 'hi')]);
      expect(line).toEqual([{ u: 'carol', m: 'hi', id: 1, ts: expect.any(Number) }]);
    });
  });

  describe('with three clients', () => {
    it('announces each newcomer to everyone and lists users in the order they arrived', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const aliceEvents = recordEvents(alice);
      const bob = await chat.login('bob');
      const bobEvents = recordEvents(bob);
      const carol = await chat.connect();
      const carolEvents = recordEvents(carol);
      const ack = await carol.emitWithAck('login', 'carol');
      await settle();
      expect(ack).toEqual({ ok: true, nick: 'carol', users: ['alice', 'bob', 'carol'] });
      expect(aliceEvents).toEqual([
        ['enter', 'bob'],
        ['enter', 'carol'],
      ]);
      expect(bobEvents).toEqual([['enter', 'carol']]);
      expect(carolEvents).toEqual([
        ['enter', 'carol'],
        ['users', ['alice', 'bob', 'carol']],
      ]);
    });
  });

  describe('renaming', () => {
    it('announces exit(old) then enter(new) to everyone and sends users to the caller only', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const carol = await chat.login('carol');
      const [aliceEvents, bobEvents, carolEvents] = [recordEvents(alice), recordEvents(bob), recordEvents(carol)];
      const ack = await alice.emitWithAck('login', 'alicia');
      await settle();
      expect(ack).toEqual({ ok: true, nick: 'alicia', users: ['bob', 'carol', 'alicia'] });
      expect(aliceEvents).toEqual([
        ['exit', 'alice'],
        ['enter', 'alicia'],
        ['users', ['bob', 'carol', 'alicia']],
      ]);
      expect(bobEvents).toEqual([
        ['exit', 'alice'],
        ['enter', 'alicia'],
      ]);
      expect(carolEvents).toEqual(bobEvents);
    });

    it('frees the old nickname for someone else', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      await alice.emitWithAck('login', 'alicia');
      const other = await chat.connect();
      expect(await other.emitWithAck('login', 'alice')).toEqual({ ok: true, nick: 'alice', users: ['alicia', 'alice'] });
    });

    it('sends later messages under the new nickname', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      await alice.emitWithAck('login', 'alicia');
      const [[line]] = await Promise.all([nextEvent(bob, 'chat'), alice.emitWithAck('chat', 'hi')]);
      expect(line).toEqual({ u: 'alicia', m: 'hi', id: 1, ts: expect.any(Number) });
    });

    it('accepts a case variant of one’s own nickname', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      const ack = await alice.emitWithAck('login', 'Alice');
      await settle();
      expect(ack).toEqual({ ok: true, nick: 'Alice', users: ['Alice', 'bob'] });
      expect(bobEvents).toEqual([
        ['exit', 'alice'],
        ['enter', 'Alice'],
      ]);
      expect(aliceEvents).toEqual([
        ['exit', 'alice'],
        ['enter', 'Alice'],
        ['users', ['Alice', 'bob']],
      ]);
    });

    it('keeps a case-variant nickname claimed: no one else can take it afterwards', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      await alice.emitWithAck('login', 'ALICE');
      const other = await chat.connect();
      expect(await other.emitWithAck('login', 'alice')).toEqual(refused('NICK_TAKEN', 'The nickname alice is already taken'));
    });

    it('leaves the old nickname intact when the new one is taken, and others see nothing', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const carol = await chat.login('carol');
      const [aliceEvents, bobEvents, carolEvents] = [recordEvents(alice), recordEvents(bob), recordEvents(carol)];
      const ack = await alice.emitWithAck('login', 'BOB');
      await settle();
      expect(ack).toEqual(refused('NICK_TAKEN', 'The nickname BOB is already taken'));
      expect(aliceEvents).toEqual([]);
      expect(bobEvents).toEqual([]);
      expect(carolEvents).toEqual([]);
      const [[line]] = await Promise.all([nextEvent(carol, 'chat'), alice.emitWithAck('chat', 'still me')]);
      expect(line).toEqual({ u: 'alice', m: 'still me', id: 1, ts: expect.any(Number) });
      const other = await chat.connect();
      expect(await other.emitWithAck('login', 'alice')).toEqual(refused('NICK_TAKEN', 'The nickname alice is already taken'));
    });

    it('leaves the old nickname intact when the new one is invalid, and others see nothing', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
      const ack = await alice.emitWithAck('login', 'system');
      await settle();
      expect(ack).toEqual(refused('INVALID_NICK', 'The nickname SYSTEM is reserved'));
      expect(aliceEvents).toEqual([]);
      expect(bobEvents).toEqual([]);
      const [[line]] = await Promise.all([nextEvent(bob, 'chat'), alice.emitWithAck('chat', 'still me')]);
      expect(line).toEqual({ u: 'alice', m: 'still me', id: 1, ts: expect.any(Number) });
    });
  });

  describe('validation', () => {
    it.each([
      ['a number', 42],
      ['an object', { nick: 'bob' }],
      ['an array', ['bob']],
      ['null', null],
      ['true', true],
      ['an object with a __proto__ key', JSON.parse('{"__proto__":{"toString":"bob"}}') as unknown],
      ['an object with a constructor key', { constructor: 'bob' }],
    ])('acks INVALID_NICK for %s', async (_label, nick) => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const aliceEvents = recordEvents(alice);
      const socket = await chat.connect();
      const events = recordEvents(socket);
      const ack = await emitAnyWithAck(socket, 'login', nick);
      await settle();
      expect(ack).toEqual(refused('INVALID_NICK', 'A nickname must be text'));
      expect(events).toEqual([]);
      expect(aliceEvents).toEqual([]);
    });

    it('acks INVALID_NICK when login carries no nickname at all', async () => {
      const chat = await startChat();
      const socket = await chat.connect();
      const ack = await emitAnyWithAck(socket, 'login');
      expect(ack).toEqual(refused('INVALID_NICK', 'A nickname must be text'));
    });

    it.each([
      ['surrounding spaces', '  bob  ', 'bob'],
      ['tabs and newlines around it', '\t\nbob\r\n', 'bob'],
      ['full-width letters (NFKC)', 'ｂｏｂ', 'bob'],
      ['a no-break space (NFKC then trim)', '\u00A0bob\u00A0', 'bob'],
      ['a ligature (NFKC)', 'ﬁona', 'fiona'],
      ['inner spaces, which it keeps', 'bob the builder', 'bob the builder'],
      ['letters of other scripts', 'Zoë 李', 'Zoë 李'],
      ['an emoji', 'bob 🦊', 'bob 🦊'],
    ])('normalises a nickname with %s', async (_label, given, expected) => {
      const chat = await startChat();
      const socket = await chat.connect();
      const events = recordEvents(socket);
      expect(await socket.emitWithAck('login', given)).toEqual({ ok: true, nick: expected, users: [expected] });
      await settle();
      expect(events).toEqual([
        ['enter', expected],
        ['users', [expected]],
      ]);
    });

    it.each([
      ['the empty string', ''],
      ['only spaces', '   '],
      ['only a no-break space', '\u00A0'],
    ])('acks INVALID_NICK "Choose a nickname" for %s', async (_label, nick) => {
      const chat = await startChat();
      const socket = await chat.connect();
      expect(await socket.emitWithAck('login', nick)).toEqual(refused('INVALID_NICK', 'Choose a nickname'));
    });

    describe('length, counted in code points (maxNickLength: 5)', () => {
      it.each([
        ['5 letters', 'abcde'],
        ['5 emoji (10 UTF-16 units)', '😀😀😀😀😀'],
        ['1 letter', 'a'],
        ['5 full-width letters', 'ａｂｃｄｅ'],
      ])('accepts %s', async (_label, nick) => {
        const chat = await startChat({ maxNickLength: 5 });
        const socket = await chat.connect();
        expect(await socket.emitWithAck('login', nick)).toEqual({ ok: true, nick: nick.normalize('NFKC'), users: [nick.normalize('NFKC')] });
      });

      it.each([
        ['6 letters', 'abcdef'],
        ['6 emoji', '😀😀😀😀😀😀'],
      ])('acks INVALID_NICK for %s', async (_label, nick) => {
        const chat = await startChat({ maxNickLength: 5 });
        const socket = await chat.connect();
        expect(await socket.emitWithAck('login', nick)).toEqual(refused('INVALID_NICK', 'A nickname can be at most 5 characters'));
      });

      it('uses 32 code points by default', async () => {
        const chat = await startChat();
        const socket = await chat.connect();
        expect(await socket.emitWithAck('login', 'x'.repeat(33))).toEqual(refused('INVALID_NICK', 'A nickname can be at most 32 characters'));
        expect(await socket.emitWithAck('login', 'x'.repeat(32))).toEqual({ ok: true, nick: 'x'.repeat(32), users: ['x'.repeat(32)] });
      });
    });

    it.each([
      ['NUL', 'bo\u0000b'],
      ['BEL', 'bo\u0007b'],
      ['an inner newline', 'bo\nb'],
      ['an inner tab', 'bo\tb'],
      ['DEL', 'bo\u007Fb'],
      ['a C1 control (CSI)', 'bo\u009Bb'],
      ['a zero-width space', 'bo\u200Bb'],
      ['a zero-width joiner', 'bo\u200Db'],
      ['a zero-width non-joiner', 'bo\u200Cb'],
      ['an inner byte-order mark', 'bo\uFEFFb'],
      ['a soft hyphen', 'bo\u00ADb'],
      ['a right-to-left override', 'bob\u202Etxt.exe'],
      ['a left-to-right isolate', 'bo\u2066b'],
      ['a right-to-left mark', 'bo\u200Fb'],
      ['a line separator', 'bo\u2028b'],
      ['a paragraph separator', 'bo\u2029b'],
      ['a private-use character', 'bo\uE000b'],
      ['a Hangul filler', 'bo\u3164b'],
      ['a variation selector', 'bo\uFE0Fb'],
      ['an unassigned code point', 'bo\u{E0080}b'],
    ])('acks INVALID_NICK for a nickname holding %s', async (_label, nick) => {
      const chat = await startChat();
      const socket = await chat.connect();
      expect(await socket.emitWithAck('login', nick)).toEqual(
        refused('INVALID_NICK', 'A nickname cannot hold invisible or control characters'),
      );
    });

    it.each([
      ['a lone high surrogate', 'bo\uD800b'],
      ['a lone low surrogate', 'bo\uDC00b'],
    ])('acks INVALID_NICK for a nickname holding %s', async (_label, nick) => {
      const chat = await startChat();
      const socket = await chat.connect();
      expect(await socket.emitWithAck('login', nick)).toEqual(refused('INVALID_NICK', 'That nickname holds broken characters'));
    });

    it.each([['SYSTEM'], ['system'], ['System'], [' SYSTEM '], ['ＳＹＳＴＥＭ']])('reserves %j', async (nick) => {
      const chat = await startChat();
      const socket = await chat.connect();
      expect(await socket.emitWithAck('login', nick)).toEqual(refused('INVALID_NICK', 'The nickname SYSTEM is reserved'));
    });
  });

  describe('magic property names', () => {
    const magic = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'prototype'];

    it('accepts each as an ordinary nickname and lists them all, in order', async () => {
      const chat = await startChat();
      const watcher = await chat.login('watcher');
      const watcherEvents = recordEvents(watcher);
      const acks: unknown[] = [];
      for (const nick of magic) {
        const socket = await chat.connect();
        acks.push(await socket.emitWithAck('login', nick));
      }
      await settle();
      expect(acks).toEqual(magic.map((nick, i) => ({ ok: true, nick, users: ['watcher', ...magic.slice(0, i + 1)] })));
      expect(watcherEvents).toEqual(magic.map((nick) => ['enter', nick]));
    });

    it.each(magic)('refuses a second %s with NICK_TAKEN and frees it on disconnect', async (nick) => {
      const chat = await startChat();
      const first = await chat.login(nick);
      const second = await chat.connect();
      expect(await second.emitWithAck('login', nick)).toEqual(refused('NICK_TAKEN', `The nickname ${nick} is already taken`));
      first.disconnect();
      await settle();
      expect(await second.emitWithAck('login', nick)).toEqual({ ok: true, nick, users: [nick] });
    });

    it('chats under a magic nickname like any other', async () => {
      const chat = await startChat();
      const proto = await chat.login('__proto__');
      const [[line], ack] = await Promise.all([nextEvent(proto, 'chat'), proto.emitWithAck('chat', 'hi')]);
      expect(ack).toEqual({ ok: true, id: 1 });
      expect(line).toEqual({ u: '__proto__', m: 'hi', id: 1, ts: expect.any(Number) });
    });
  });

  describe('without an ack function', () => {
    it.each([
      ['a non-string', 42, 'A nickname must be text'],
      ['a reserved nickname', 'SYSTEM', 'The nickname SYSTEM is reserved'],
      ['a blank nickname', '  ', 'Choose a nickname'],
      ['a taken nickname', 'ALICE', 'The nickname ALICE is already taken'],
    ])('answers %s with a SYSTEM line to the caller only', async (_label, nick, message) => {
      const logger = recordingLogger();
      const chat = await startChat({ logger });
      const alice = await chat.login('alice');
      const aliceEvents = recordEvents(alice);
      const socket = await chat.connect();
      const events = recordEvents(socket);
      (socket.emit as (event: string, ...args: unknown[]) => void)('login', nick);
      await settle();
      expect(events).toEqual([['chat', { u: 'SYSTEM', m: message }]]);
      expect(aliceEvents).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('logs in silently apart from enter and users', async () => {
      const chat = await startChat();
      const socket = await chat.connect();
      const events = recordEvents(socket);
      socket.emit('login', 'bob');
      await settle();
      expect(events).toEqual([
        ['enter', 'bob'],
        ['users', ['bob']],
      ]);
    });
  });
});
