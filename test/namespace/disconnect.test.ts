/** Leaving: `exit(nick)` to the others and the nickname free again. */
import { closeAll, nextEvent, recordEvents, recordingLogger, settle, startChat } from '../helpers/chat-server';

afterEach(closeAll);

describe('disconnect', () => {
  describe('of a logged-in client', () => {
    it('announces exit(nick) to everyone else', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const carol = await chat.login('carol');
      const [bobEvents, carolEvents] = [recordEvents(bob), recordEvents(carol)];
      alice.disconnect();
      await settle();
      expect(bobEvents).toEqual([['exit', 'alice']]);
      expect(carolEvents).toEqual([['exit', 'alice']]);
    });

    it('announces the exit to clients that have not logged in', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const lurker = await chat.connect();
      const lurkerEvents = recordEvents(lurker);
      alice.disconnect();
      await settle();
      expect(lurkerEvents).toEqual([['exit', 'alice']]);
    });

    it('frees the nickname, in any case, for the next client', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      alice.disconnect();
      await nextEvent(bob, 'exit');
      const next = await chat.connect();
      expect(await next.emitWithAck('login', 'ALICE')).toEqual({ ok: true, nick: 'ALICE', users: ['bob', 'ALICE'] });
    });

    it('removes the nickname from the users list', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      await chat.login('bob');
      alice.disconnect();
      await settle();
      const carol = await chat.connect();
      expect(await carol.emitWithAck('login', 'carol')).toEqual({ ok: true, nick: 'carol', users: ['bob', 'carol'] });
    });

    it('announces only the current nickname after a rename', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      await alice.emitWithAck('login', 'alicia');
      await settle();
      const bobEvents = recordEvents(bob);
      alice.disconnect();
      await settle();
      expect(bobEvents).toEqual([['exit', 'alicia']]);
    });

    it('announces the exit when the socket drops without saying goodbye', async () => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const bobEvents = recordEvents(bob);
      alice.io.engine.close();
      await settle();
      expect(bobEvents).toEqual([['exit', 'alice']]);
    });

    it('announces the exit of a nickname claimed in the handshake', async () => {
      const chat = await startChat();
      const dave = await chat.connect({ auth: { nick: 'dave' } });
      const bob = await chat.login('bob');
      const bobEvents = recordEvents(bob);
      dave.disconnect();
      await settle();
      expect(bobEvents).toEqual([['exit', 'dave']]);
    });

    it('releases a nickname whose login was still in flight', async () => {
      const chat = await startChat();
      const bob = await chat.login('bob');
      const bobEvents = recordEvents(bob);
      const alice = await chat.connect();
      alice.emit('login', 'alice');
      alice.disconnect();
      await settle();
      // Whether or not the login was handled before the disconnect, the name ends up free.
      expect([[], [['enter', 'alice'], ['exit', 'alice']]]).toContainEqual(bobEvents);
      const next = await chat.connect();
      expect(await next.emitWithAck('login', 'alice')).toEqual({ ok: true, nick: 'alice', users: ['bob', 'alice'] });
    });
  });

  describe('of a client that never logged in', () => {
    it('tells no one', async () => {
      const logger = recordingLogger();
      const chat = await startChat({ logger });
      const bob = await chat.login('bob');
      const bobEvents = recordEvents(bob);
      const guest = await chat.connect();
      guest.disconnect();
      await settle();
      expect(bobEvents).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('tells no one after a refused login', async () => {
      const chat = await startChat();
      const bob = await chat.login('bob');
      const bobEvents = recordEvents(bob);
      const guest = await chat.connect();
      await guest.emitWithAck('login', 'BOB');
      guest.disconnect();
      await settle();
      expect(bobEvents).toEqual([]);
      const next = await chat.connect();
      expect(await next.emitWithAck('login', 'bob')).toEqual({
        ok: false,
        error: { code: 'NICK_TAKEN', message: 'The nickname bob is already taken' },
      });
    });
  });
});
