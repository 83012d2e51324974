/** chat.attach(server): attaching later than creation, once, to a real server only. */
import http from 'node:http';
import https from 'node:https';
import { Namespace } from 'socket.io';
import { createChatMiddleware, type ChatMiddleware } from 'express-chatterbox';
import { recordingLogger } from '../helpers/chat-server';
import { chatRoundTrip, cleanUp, createHost, expectedRoundTrip, onCleanUp } from './host-server';

afterEach(cleanUp);

function unattached(): ChatMiddleware {
  const chat = createChatMiddleware({ history: { memory: true }, logger: recordingLogger() });
  onCleanUp(() => chat.close());
  return chat;
}

describe('chat.attach(server)', () => {
  describe('on a chat created without a server', () => {
    it('has no namespace before, the chat namespace after', () => {
      const host = createHost();
      const chat = unattached();
      expect(chat.namespace).toBeUndefined();
      chat.attach(host.server);
      expect(chat.namespace).toBeInstanceOf(Namespace);
      expect(chat.namespace?.name).toBe('/chat');
    });

    it('returns the middleware, ready to mount', () => {
      const host = createHost();
      const chat = unattached();
      expect(chat.attach(host.server)).toBe(chat);
    });

    it('makes the chat work when called before listen', async () => {
      const host = createHost();
      host.app.use('/chat', unattached().attach(host.server));
      const url = await host.listen();
      expect(await chatRoundTrip(url)).toEqual(expectedRoundTrip());
    });

    it('makes the chat work when called after listen', async () => {
      const host = createHost();
      const chat = unattached();
      host.app.use('/chat', chat);
      const url = await host.listen();
      chat.attach(host.server);
      expect(await chatRoundTrip(url)).toEqual(expectedRoundTrip());
    });

    it('accepts an https.Server', () => {
      const server = https.createServer();
      const chat = unattached();
      expect(chat.attach(server)).toBe(chat);
      expect(server.listeners('upgrade')).toHaveLength(1);
    });
  });

  describe('a second time', () => {
    it('throws, and adds nothing to the server', () => {
      const host = createHost();
      const chat = unattached();
      chat.attach(host.server);
      const upgrade = host.server.listeners('upgrade');
      expect(() => chat.attach(host.server)).toThrow(new Error('express-chatterbox: the chat is already attached'));
      expect(() => chat.attach(http.createServer())).toThrow(new Error('express-chatterbox: the chat is already attached'));
      expect(host.server.listeners('upgrade')).toEqual(upgrade);
    });

    it('throws when the server was given in the options', () => {
      const host = createHost();
      const chat = createChatMiddleware({ server: host.server, history: { memory: true }, logger: recordingLogger() });
      onCleanUp(() => chat.close());
      expect(() => chat.attach(host.server)).toThrow(new Error('express-chatterbox: the chat is already attached'));
    });
  });

  describe('after close()', () => {
    it('throws', async () => {
      const chat = unattached();
      await chat.close();
      expect(() => chat.attach(createHost().server)).toThrow(new Error('express-chatterbox: the chat is closed'));
    });
  });

  describe('with something that is not a server', () => {
    // Like the `server` option: a programmer's mistake throws a TypeError naming the argument,
    // before Socket.IO sees it (it would take an object for its options, or a number for a port to open).
    it.each<[string, unknown, string]>([
      ['an object', {}, 'an object'],
      ['the express app instead of its server', createHost().app, 'a function'],
      ['undefined', undefined, 'undefined'],
      ['a port number', 0, '0'],
    ])('throws a TypeError for %s', (_label, value, shown) => {
      const chat = unattached();
      let thrown: unknown;
      try {
        chat.attach(value as http.Server);
      } catch (error) {
        thrown = error;
      }
      // If Socket.IO opened a server of its own for a port, close it rather than leak it.
      const opened = chat.namespace?.server.httpServer;
      if (opened?.listening) opened.close();
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as Error).message).toMatch(/server/);
      expect((thrown as Error).message).toMatch(new RegExp(`got ${shown}$`));
      expect(chat.namespace).toBeUndefined();
    });
  });
});
